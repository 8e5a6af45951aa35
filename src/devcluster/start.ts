/** Builds a dev cluster the fast way: spawn, ADDSLOTSRANGE, SET-CONFIG-EPOCH, MEET, REPLICATE, wait. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SLOT_COUNT } from '../cluster/slots.ts';
import { trackDir } from './cleanup.ts';
import { DevCluster, launchCommand } from './cluster.ts';
import { allJoined, allState, replicaAttached, slotsAgree } from './conditions.ts';
import { allocatePrefix } from './net.ts';
import { type ConfigLine, DevNode, startProcess } from './node.ts';
import { type PlannedNode, planNodes } from './plan.ts';
import type { ClusterOptions } from './types.ts';
import { waitFor } from './wait.ts';

function authConfig(opts: ClusterOptions): ConfigLine[] {
  if (!opts.password) return [];
  const lines: ConfigLine[] = [
    ['requirepass', opts.password],
    ['masterauth', opts.password],
  ];
  if (opts.aclUser) {
    lines.push(['user', opts.aclUser, 'on', `>${opts.password}`, '~*', '&*', '+@all']);
    lines.push(['masteruser', opts.aclUser]);
  }
  return lines;
}

function slotsCovered(plan: readonly PlannedNode[]): number {
  const bits = new Uint8Array(SLOT_COUNT);
  for (const p of plan) for (const r of p.slots) bits.fill(1, r.start, r.end + 1);
  return bits.reduce((a, b) => a + b, 0);
}

/**
 * Starts redis-server processes on a fresh random 127.A.B block and builds the cluster described by
 * `opts`. Resolves once every node agrees on slots, replicas are attached (and synced unless
 * waitForSync:false) and, when all slots are assigned, cluster_state is ok everywhere. On failure it
 * stops everything it started and rethrows.
 */
export async function startCluster(opts: ClusterOptions = {}): Promise<DevCluster> {
  const plan = planNodes(opts);
  const nodeTimeoutMs = opts.nodeTimeoutMs ?? 2000;
  const timeoutMs = opts.buildTimeoutMs ?? 30_000;
  const prefix = await allocatePrefix((p) =>
    plan.flatMap((n) => [
      { host: `${p}.${n.hostIndex}`, port: n.port },
      { host: `${p}.${n.hostIndex}`, port: n.cport },
    ]),
  );
  const root = mkdtempSync(join(tmpdir(), `${opts.label ?? 'devcluster'}-`));
  trackDir(root);
  const common = [...authConfig(opts), ...(opts.config ?? [])];
  const nodes = plan.map(
    (p, i) =>
      new DevNode(i, join(root, `node-${i}`), p.role, {
        host: `${prefix}.${p.hostIndex}`,
        port: p.port,
        cport: p.cport,
        nodeTimeoutMs,
        config: [...common, ...p.config],
      }),
  );
  const auth = opts.password ? { username: opts.aclUser, password: opts.password } : {};
  const c = new DevCluster(prefix, root, nodes, auth, nodeTimeoutMs);
  try {
    await build(c, plan, opts, timeoutMs);
  } catch (err) {
    await c.stop();
    throw err;
  }
  return c;
}

/** Options for {@link startStandalone}. */
export interface StandaloneOptions {
  /** Data port (default 7000). */
  port?: number;
  /** Extra redis.conf directives. */
  config?: ConfigLine[];
  /** Prefix of the temp dir name. */
  label?: string;
}

/**
 * Starts one redis-server with cluster-enabled no on a fresh random 127.A.B.1 (the wrong kind of seed),
 * as a one-node DevCluster so `stop()` cleans it up. Resolves once it answers PING; its `id` stays ''.
 */
export async function startStandalone(opts: StandaloneOptions = {}): Promise<DevCluster> {
  const port = opts.port ?? 7000;
  const prefix = await allocatePrefix((p) => [{ host: `${p}.1`, port }]);
  const root = mkdtempSync(join(tmpdir(), `${opts.label ?? 'standalone'}-`));
  trackDir(root);
  const node = new DevNode(0, join(root, 'node-0'), 'master', {
    host: `${prefix}.1`,
    port,
    cport: port + 10000,
    nodeTimeoutMs: 2000,
    config: [['cluster-enabled', 'no'], ...(opts.config ?? [])],
  });
  const c = new DevCluster(prefix, root, [node], {}, 2000);
  try {
    c.record(launchCommand(node));
    await startProcess(node);
    await waitFor(async () => (await c.cli(node, 'PING')) === 'PONG', {
      what: `${node.address} to answer PING`,
      timeoutMs: 10_000,
      intervalMs: 50,
    });
  } catch (err) {
    await c.stop();
    throw err;
  }
  return c;
}

async function build(c: DevCluster, plan: PlannedNode[], opts: ClusterOptions, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1000, deadline - Date.now());
  for (const n of c.nodes) c.record(launchCommand(n));
  await Promise.all(c.nodes.map((n) => startProcess(n)));
  await Promise.all(c.nodes.map((n) => c.awaitUp(n, left())));
  let epoch = 0;
  for (const [i, p] of plan.entries()) {
    const n = c.node(i);
    for (const r of p.slots) await c.act(n, 'CLUSTER', 'ADDSLOTSRANGE', r.start, r.end);
    if (p.role === 'master') await c.act(n, 'CLUSTER', 'SET-CONFIG-EPOCH', ++epoch);
  }
  const first = c.node(0);
  for (const n of c.nodes.slice(1)) await c.act(first, 'CLUSTER', 'MEET', n.host, n.port, n.cport);
  await waitFor(() => allJoined(c, c.nodes.length), { what: 'every node to join', timeoutMs: left() });
  const pairs = plan.flatMap((p, i) => (p.of === null ? [] : [[c.node(i), c.node(p.of)] as const]));
  for (const [replica, master] of pairs) await c.act(replica, 'CLUSTER', 'REPLICATE', master.id);
  const synced = opts.waitForSync !== false;
  const fullCoverageOff = (opts.config ?? []).some(
    ([k, v]) => k === 'cluster-require-full-coverage' && v === 'no',
  );
  const expectOk = slotsCovered(plan) === SLOT_COUNT || (fullCoverageOff && slotsCovered(plan) > 0);
  await waitFor(
    async () => {
      for (const [replica, master] of pairs)
        if (!(await replicaAttached(c, replica, master, synced))) return false;
      if (!(await slotsAgree(c))) return false;
      return expectOk ? allState(c, 'ok') : true;
    },
    { what: 'slots agreement, replicas attached and cluster_state:ok', timeoutMs: left() },
  );
}
