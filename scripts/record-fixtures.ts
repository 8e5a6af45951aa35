/**
 * Records real-cluster fixtures: for each scenario, builds and breaks a real cluster, then saves every
 * reachable node's CLUSTER NODES / CLUSTER INFO / INFO replication, `redis-cli --cluster check` and a
 * meta.json of what was done and what is true. Usage: npx tsx scripts/record-fixtures.ts [scenario...]
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { replyText } from '../src/devcluster/client.ts';
import type { DevCluster, DevNode } from '../src/devcluster/index.ts';
import {
  isScenarioName,
  runScenario,
  SCENARIO_NAMES,
  type ScenarioName,
  type ScenarioResult,
} from '../src/devcluster/scenarios.ts';
import { FIXTURES_DIR, writeFixturesReadme } from './fixtures-readme.ts';

/** Per-node outcome stored in meta.json. */
interface NodeRecord {
  index: number;
  id: string;
  address: string;
  builtRole: 'master' | 'replica';
  state: string;
  files: string[];
  error?: string;
}

const PROBE_TIMEOUT_MS = 1500;

async function grab(c: DevCluster, n: DevNode, args: string[]): Promise<string> {
  return replyText(await c.call(n, args, PROBE_TIMEOUT_MS));
}

async function recordNode(c: DevCluster, n: DevNode, dir: string): Promise<NodeRecord> {
  const rec: NodeRecord = {
    index: n.index,
    id: n.id,
    address: n.address,
    builtRole: n.builtRole,
    state: n.state,
    files: [],
  };
  if (n.state === 'dead') return { ...rec, error: 'process killed by the scenario; not probed' };
  const tag = `${n.host}-${n.port}`;
  const probes: [string, string[]][] = [
    [`nodes-${tag}.txt`, ['CLUSTER', 'NODES']],
    [`cluster-info-${tag}.txt`, ['CLUSTER', 'INFO']],
    [`info-replication-${tag}.txt`, ['INFO', 'replication']],
  ];
  for (const [file, args] of probes) {
    try {
      writeFileSync(join(dir, file), await grab(c, n, args));
      rec.files.push(file);
    } catch (err) {
      rec.error = `${args.join(' ')}: ${err instanceof Error ? err.message : String(err)}`;
      break;
    }
  }
  return rec;
}

async function recordScenario(name: ScenarioName): Promise<void> {
  const t0 = Date.now();
  const r: ScenarioResult = await runScenario(name);
  const c = r.cluster;
  try {
    const dir = join(FIXTURES_DIR, name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await r.beforeRecord?.();
    // CLUSTER NODES of every node first and in parallel: some states (handshake) are short-lived.
    const nodes = await Promise.all(c.nodes.map((n) => recordNode(c, n, dir)));
    const seed = c.live()[0];
    const check = seed ? await c.check(seed, 10_000) : null;
    if (check) writeFileSync(join(dir, 'check.txt'), check.combined);
    const version = seed ? (await c.info(seed, 'server'))['redis_version'] : undefined;
    const meta = {
      scenario: name,
      title: r.title,
      summary: r.summary,
      redisVersion: version ?? 'unknown',
      nodeTimeoutMs: c.nodeTimeoutMs,
      recordedAt: new Date().toISOString(),
      check: check
        ? {
            seed: seed?.address,
            command: `redis-cli --cluster check ${seed?.address}`,
            exitCode: check.code,
            timedOut: check.timedOut,
          }
        : null,
      nodes,
      expected: r.expected,
      commands: c.actions,
    };
    writeFileSync(join(dir, 'meta.json'), `${JSON.stringify(meta, null, 2)}\n`);
    console.log(
      `recorded ${name} in ${Date.now() - t0} ms (${nodes.filter((n) => n.files.length).length} nodes)`,
    );
  } finally {
    await c.stop();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !isScenarioName(a));
  if (unknown.length) {
    console.error(`unknown scenario(s): ${unknown.join(', ')}\nknown: ${SCENARIO_NAMES.join(', ')}`);
    process.exitCode = 2;
    return;
  }
  const names = args.length ? (args as ScenarioName[]) : SCENARIO_NAMES;
  let failed = 0;
  for (const name of names) {
    try {
      await recordScenario(name);
    } catch (err) {
      failed++;
      console.error(`FAILED ${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  writeFixturesReadme();
  if (failed) process.exitCode = 1;
}

await main();
