/**
 * Start-up benchmark: the three whole-process ratios of issue 12, each measured side by side in one run
 * (A and B alternate, and the ratio is taken pair by pair, so drift on a shared machine cancels out):
 *   1. `redis-runbook --version` / bare `node -e 0`                              (goal <= 1.6x)
 *   2. `redis-runbook diagnose --file` of a real 6-node CLUSTER NODES dump / bare node   (goal <= 2x)
 *   3. `redis-runbook diagnose <host:port> --json` on a real 60-node cluster /
 *      `redis-cli --cluster check` on the same cluster                           (goal <= 3x)
 * The clusters come from src/devcluster (real redis-server processes on loopback; the 60-node one uses
 * cluster-node-timeout 15000, Redis's default, so a busy machine does not make it fail over mid-run).
 * Then ratio 3a, the floor under ratio 3: a process that only loads ioredis, connects to every node and
 * reads one CLUSTER NODES each (bench/_ioredis-floor.mjs), against the same redis-cli run. After it,
 * where the live diagnosis spends its time, phase by phase (see `breakdown`).
 * Runs the compiled CLI (`npm run bench` builds it first). Run: npx tsx bench/startup.ts [pairs=9]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DevCluster, replyText, startCluster } from '../src/devcluster/index.ts';
import { median } from './_stages.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PAIRS = Math.max(3, Number(process.argv[2]) || 9);
const BIN = join(root, 'bin', 'redis-runbook.js');

/**
 * Wall time of one whole process in ms; throws when it cannot start, is killed, or exits with another
 * code than 0 (a refused stale build exits 2 at once, and would look fast).
 */
function wall(cmd: string, args: string[]): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'ignore', timeout: 60_000, killSignal: 'SIGKILL' });
  if (r.error || r.signal || r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.signal ?? `exit ${r.status}`}`);
  return Number(process.hrtime.bigint() - t) / 1e6;
}

/** A and B in turn, one warm-up each, then PAIRS pairs; medians of each and of the pairwise ratio. */
function compare(
  label: string,
  goal: number,
  a: [string, string[]],
  b: [string, string[]],
  names: [string, string] = ['redis-runbook', 'baseline'],
): void {
  wall(...a);
  wall(...b);
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const x = wall(...a);
    const y = wall(...b);
    as.push(x);
    bs.push(y);
    ratios.push(x / y);
  }
  const r = median(ratios);
  console.log(`\n${label}`);
  console.log(
    `  ${names[0]}: median ${median(as).toFixed(0)} ms   ${names[1]}: median ${median(bs).toFixed(0)} ms`,
  );
  console.log(
    `  ratio (median of ${PAIRS} pairs): ${r.toFixed(2)}x   min ${Math.min(...ratios).toFixed(2)}x  max ${Math.max(...ratios).toFixed(2)}x   goal <= ${goal}x: ${r <= goal ? 'met' : 'NOT met'}`,
  );
}

type Phases = Record<'probe' | 'diagnose' | 'json', { cpu: number; wall: number }>;

/**
 * Where a live diagnosis spends its time: bare node, `--version` and the whole diagnosis as processes,
 * and the probe, the diagnosis (model, rules, causes, runbook steps) and the JSON each timed inside a
 * fresh process (bench/_live-phases.ts; cold, as in the CLI), all in one interleaved loop so that drift
 * on a shared machine touches each alike. What is left of the whole process is loading the diagnosis and
 * probe modules, and exiting.
 */
function breakdown(seed: string): void {
  const rounds = Array.from({ length: PAIRS }, () => {
    const bare = wall(...node);
    const version = wall(process.execPath, [BIN, '--version']);
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', '_live-phases.ts'), seed], {
      cwd: root,
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (r.status !== 0) throw new Error(`_live-phases.ts: ${r.stderr || r.signal}`);
    const phases = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as Phases;
    const whole = wall(process.execPath, [BIN, 'diagnose', seed, '--json']);
    return { bare, version, phases, whole };
  });
  const med = (f: (r: (typeof rounds)[number]) => number) => median(rounds.map(f));
  const bare = med((r) => r.bare);
  const version = med((r) => r.version);
  const whole = med((r) => r.whole);
  const inside = med((r) => r.phases.probe.wall + r.phases.diagnose.wall + r.phases.json.wall);
  console.log(
    `\n   where the live diagnosis goes (medians of ${PAIRS} interleaved rounds, ms; phases: wall / CPU):`,
  );
  console.log(`     bare node start and exit                     ${bare.toFixed(0)}`);
  console.log(`     + launcher and command line (--version)      ${(version - bare).toFixed(0)}`);
  for (const [k, what] of [
    ['probe', 'probe of every node'],
    ['diagnose', 'model, rules, causes, runbook steps'],
    ['json', 'the JSON printed'],
  ] as const) {
    const w = med((r) => r.phases[k].wall);
    const c = med((r) => r.phases[k].cpu);
    console.log(`     + ${what.padEnd(42)} ${w.toFixed(0)} / ${c.toFixed(0)}`);
  }
  console.log(`     + the rest (loading the live modules, exit)  ${(whole - version - inside).toFixed(0)}`);
  console.log(`     = whole process                              ${whole.toFixed(0)}`);
}

async function withCluster(opts: Parameters<typeof startCluster>[0], fn: (c: DevCluster) => Promise<void>) {
  const t = Date.now();
  const c = await startCluster({ label: 'bench-startup', ...opts });
  console.log(`\n(built a real ${c.nodes.length}-node cluster in ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  try {
    await fn(c);
  } finally {
    await c.stop();
  }
}

const node: [string, string[]] = [process.execPath, ['-e', '0']];
console.log('redis-runbook start-up benchmark: whole processes, side by side in one run');

compare('1. redis-runbook --version vs node -e 0', 1.6, [process.execPath, [BIN, '--version']], node);

const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
try {
  await withCluster({ masters: 3, replicasPerMaster: 1 }, async (c) => {
    const dump = join(dir, 'nodes-6.txt');
    writeFileSync(dump, replyText(await c.call(c.node(0), ['CLUSTER', 'NODES'])));
    compare(
      '2. redis-runbook diagnose --file <6-node CLUSTER NODES dump> vs node -e 0',
      2,
      [process.execPath, [BIN, 'diagnose', '--file', dump]],
      node,
    );
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

await withCluster(
  { masters: 30, replicasPerMaster: 1, nodeTimeoutMs: 15_000, buildTimeoutMs: 180_000 },
  async (c) => {
    const seed = c.node(0).address;
    compare(
      `3. redis-runbook diagnose ${seed} --json vs redis-cli --cluster check ${seed} (60 nodes)`,
      3,
      [process.execPath, [BIN, 'diagnose', seed, '--json']],
      ['redis-cli', ['--cluster', 'check', seed]],
    );
    // The floor under ratio 3: what Node and ioredis alone cost to connect to every node and read one
    // CLUSTER NODES each (no other command, no parsing, no diagnosis).
    const addresses = c.nodes.map((n) => n.address);
    compare(
      `3a. the floor: node + ioredis, one CLUSTER NODES per node, nothing else vs redis-cli --cluster check (${addresses.length} nodes)`,
      3,
      [process.execPath, [join(root, 'bench', '_ioredis-floor.mjs'), ...addresses]],
      ['redis-cli', ['--cluster', 'check', seed]],
      ['node + ioredis only', 'redis-cli'],
    );
    breakdown(seed);
  },
);
