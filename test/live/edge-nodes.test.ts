/**
 * Seeds that are not what the registry says: a standalone redis-server (cluster-enabled no), alone or
 * among real cluster nodes, and a master still loading its dataset (LOADING) while it is probed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseLiveForCli } from '../../src/cli/live.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import type { DevCluster } from '../../src/devcluster/cluster.ts';
import { flaggedByAll } from '../../src/devcluster/conditions.ts';
import { keySlot } from '../../src/devcluster/scenario-kit.ts';
import { startCluster, startStandalone } from '../../src/devcluster/start.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { runLive } from '../../src/runbooks/run.ts';
import { codesFor } from './helpers.ts';

const TIMEOUTS = { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 };
const probe = { allowHost: isLoopbackHost };
const BUS_PORT = 7100;

function registry(name: string, seeds: string[]): ClusterConfig {
  return { name, seeds, timeouts: TIMEOUTS };
}

describe('a standalone redis-server given as the seed', () => {
  let solo: DevCluster;
  let dir = '';
  beforeAll(async () => {
    solo = await startStandalone({ label: 'edge-solo' });
    dir = mkdtempSync(join(tmpdir(), 'edge-registry-'));
    writeFileSync(join(dir, 'empty.yml'), 'clusters: []\n');
  }, 20_000);
  afterAll(async () => {
    await solo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports NODE_NOT_CLUSTER and the CLI exits 2 with "no seed is a cluster node"', async () => {
    const address = solo.node(0).address;
    let out = '';
    let err = '';
    const code = await diagnoseLiveForCli(address, {
      json: true,
      config: join(dir, 'empty.yml'),
      probe,
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
    });
    expect(code).toBe(2);
    expect(err).toMatch(/no seed is a cluster node \(cluster-enabled no\).*\[NO_NODE_ANSWERED\]/);
    const d = JSON.parse(out) as Diagnosis;
    expect(codesFor(d, address)).toEqual(['NODE_NOT_CLUSTER']);
    expect(d.findings[0]?.evidence.join(' ')).toMatch(/not-cluster: ERR This instance has cluster support/);
    expect(d.rootCauses.map((c) => c.code)).toEqual(['undetermined']);
    expect(d.rootCauses[0]?.explanation).toMatch(/is not running in cluster mode/);
  });

  describe('listed among the seeds of a real cluster', () => {
    let c: DevCluster;
    beforeAll(async () => {
      c = await startCluster({ masters: 3, label: 'edge-mixed' });
    }, 40_000);
    afterAll(async () => {
      await c?.stop();
    });

    it('still diagnoses the cluster as healthy and names the odd seed', async () => {
      const odd = solo.node(0).address;
      const r = await runLive(registry('mixed', [odd, c.node(0).address]), { probe });
      const obs = r.snapshot.observations;
      expect(obs).toHaveLength(4);
      expect(obs.find((o) => o.address === odd)?.error?.kind).toBe('not-cluster');
      expect(obs.filter((o) => o.nodes && !o.error)).toHaveLength(3);
      const f = r.diagnosis.findings.find((x) => x.code === 'NODE_NOT_CLUSTER');
      expect(f?.nodes).toEqual([odd]);
      expect(f?.severity).toBe('warning');
      expect(f?.message).toContain(odd);
      expect(r.diagnosis.rootCauses[0]?.code).toBe('healthy');
      expect(r.diagnosis.visibility.nodesSeen).toBe(3);
    });
  });
});

/** A hash tag whose keys all land in slots 0-5460 (the first master's, with the even split of 3). */
function tagInFirstThird(): string {
  for (let i = 0; ; i++) if (keySlot(`edge${i}`) <= 5460) return `edge${i}`;
}

describe('a master loading its dataset after a restart', () => {
  let c: DevCluster;
  beforeAll(async () => {
    // cluster-node-timeout 3 s: the first probe lands well before the peers flag the loading master.
    // cluster-port 7100, not data port + 10000: only the views tell where the bus listens.
    c = await startCluster({
      nodes: [1, 2, 3].map((hostIndex) => ({ role: 'master' as const, hostIndex, cport: BUS_PORT })),
      nodeTimeoutMs: 3000,
      config: [['enable-debug-command', 'yes']],
      label: 'edge-loading',
    });
    const n = c.node(0);
    await c.act(n, 'DEBUG', 'POPULATE', 50_000, `{${tagInFirstThird()}}:`, 8);
    await c.act(n, 'SAVE');
    // key-load-delay (µs per key, a hidden debug setting) stretches loading to several seconds; a small
    // event interval keeps the node answering LOADING meanwhile instead of freezing.
    await c.restart(n, {
      awaitUp: false,
      config: [
        ['key-load-delay', '100'],
        ['loading-process-events-interval-bytes', '1024'],
      ],
    });
    await c.waitFor(
      async () => {
        const answer = await c.cli(n, 'PING').catch((e: Error) => e.message);
        return /LOADING/.test(answer);
      },
      { what: `${n.address} to answer LOADING`, timeoutMs: 5000, intervalMs: 25 },
    );
  }, 60_000);
  afterAll(async () => {
    await c?.stop();
  });

  it('probes it as NODE_LOADING (critical, its slots) and names master-loading, with no action to take', async () => {
    const n = c.node(0);
    const r = await runLive(registry('loading', [c.node(1).address]), { probe });
    const obs = r.snapshot.observations.find((o) => o.address === n.address);
    expect(obs?.error?.kind).toBe('loading');
    expect(obs?.error?.message).toMatch(/^LOADING .*\(INFO persistence: \d+% loaded/);
    expect(obs?.busPort).toEqual({ port: BUS_PORT, open: true });
    const f = r.diagnosis.findings.find((x) => x.code === 'NODE_LOADING');
    expect(f).toMatchObject({ severity: 'critical', nodes: [n.address], slots: '0-5460' });
    // The peers still vouch for it: no outage is invented, the loading is the finding to act on.
    expect(codesFor(r.diagnosis, n.address)).toEqual(['NODE_LOADING', 'MASTER_WITHOUT_REPLICA']);
    expect(r.diagnosis.rootCauses.map((x) => x.code)).toEqual(['master-loading']);
    expect(r.diagnosis.rootCauses[0]).toMatchObject({ nodes: [n.address], slots: '0-5460', actions: [] });
    expect(r.diagnosis.rootCauses[0]?.explanation).toMatch(
      /\(INFO persistence: \d+% loaded.*Do not restart it/s,
    );
    // Still loading afterwards: the probe did not wait for it.
    expect(await c.cli(n, 'PING').catch((e: Error) => e.message)).toMatch(/LOADING/);
  });

  it('as a seed, gets its bus port from the views of the others, not from data port + 10000', async () => {
    const n = c.node(0);
    const r = await runLive(registry('loading-seed', [n.address, c.node(1).address]), { probe });
    const obs = r.snapshot.observations.find((o) => o.address === n.address);
    expect(obs?.error?.kind).toBe('loading');
    expect(obs?.busPort).toEqual({ port: BUS_PORT, open: true });
    const evidence = (r.diagnosis.steps ?? []).flatMap((st) => st.evidence).join('\n');
    expect(evidence).not.toMatch(/bus port 17000/);
  });

  it('keeps NODE_LOADING once the peers flag the loading master as failing', async () => {
    const n = c.node(0);
    await c.waitFor(() => flaggedByAll(c, n, 'fail'), {
      what: 'peers to flag the loading master fail',
      timeoutMs: 8000,
      intervalMs: 100,
    });
    const r = await runLive(registry('loading', [c.node(1).address]), { probe });
    expect(await c.cli(n, 'PING').catch((e: Error) => e.message)).toMatch(/LOADING/);
    expect(r.snapshot.observations.find((o) => o.address === n.address)?.error?.kind).toBe('loading');
    expect(codesFor(r.diagnosis, n.address)).toContain('NODE_LOADING');
    expect(codesFor(r.diagnosis, n.address)).toContain('NODE_FAIL');
    // Flagged fail or not, it is coming back: never restart it (the load starts over) or give its slots away.
    expect(r.diagnosis.rootCauses[0]?.code).toBe('master-loading');
    const risky = r.diagnosis.rootCauses
      .flatMap((x) => x.actions)
      .filter((a) => ['restart-node', 'fix-coverage', 'forget-node'].includes(a.action));
    expect(risky.filter((a) => a.target.includes(n.address))).toEqual([]);
    expect(r.diagnosis.rootCauses.map((x) => x.code)).not.toContain('master-failed-no-replica');
  });
});
