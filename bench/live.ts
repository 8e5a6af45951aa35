/**
 * Live benchmark: wall time of a whole `redis-runbook diagnose host:port --json` process against
 * `redis-cli --cluster check host:port` on the same cluster in the same run, median of several runs:
 * a 6-node cluster, the largest cluster this machine builds comfortably, and a 6-node cluster with one
 * frozen (SIGSTOPped) master, where redis-cli is bounded (killed after 15 s). Also the in-process probe
 * time. Cleans up every process it starts. Run: npx tsx bench/live.ts [--big N]
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DevCluster, startCluster } from '../src/devcluster/index.ts';
import { isLoopbackHost } from '../src/diagnose/probe/nat.ts';
import { runLive } from '../src/runbooks/run.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI_BOUND_MS = 15_000;
const bigArg = process.argv.indexOf('--big');
const BIG_MASTERS = bigArg > 0 ? Math.max(3, Math.floor(Number(process.argv[bigArg + 1]) / 2)) : 20;

interface Run {
  ms: number;
  code: number | null;
  timedOut: boolean;
}

function timed(cmd: string, args: string[], timeoutMs: number): Run {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs, killSignal: 'SIGKILL' });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, code: r.status, timedOut: r.error !== undefined || r.signal !== null };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function probeMs(seed: string, reps: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = Date.now();
    await runLive(
      { name: 'bench', seeds: [seed], timeouts: { connectMs: 1000, commandMs: 1500, nodeDeadlineMs: 2500 } },
      { probe: { allowHost: isLoopbackHost } },
    );
    times.push(Date.now() - t);
  }
  return median(times);
}

async function measure(
  label: string,
  c: DevCluster,
  seed: string,
  reps: number,
  checkReps = reps,
): Promise<void> {
  const diag: Run[] = [];
  for (let i = 0; i < reps; i++)
    diag.push(timed(process.execPath, ['bin/redis-runbook.js', 'diagnose', seed, '--json'], 60_000));
  const check: Run[] = [];
  for (let i = 0; i < checkReps; i++) {
    const r = timed('redis-cli', ['--cluster', 'check', seed], CLI_BOUND_MS);
    check.push(r);
    if (r.timedOut) break; // a hung redis-cli is not worth timing twice
  }
  const inProcess = await probeMs(seed, reps);
  const startup = median(
    Array.from(
      { length: Math.min(3, reps) },
      () => timed(process.execPath, ['bin/redis-runbook.js', '--help'], 60_000).ms,
    ),
  );
  const d = median(diag.map((r) => r.ms));
  const hung = check.some((r) => r.timedOut);
  const k = median(check.map((r) => r.ms));
  console.log(`\n${label} (${c.nodes.length} nodes)`);
  console.log(
    `  redis-runbook diagnose (whole process, median of ${diag.length}): ${fmt(d)}  exit ${diag[0]?.code}`,
  );
  console.log(`  of which probe + diagnosis + runbook in-process (median of ${reps}): ${fmt(inProcess)}`);
  console.log(`  for scale: process start-up alone (redis-runbook --help): ${fmt(startup)}`);
  if (hung) {
    console.log(`  redis-cli --cluster check: did not finish within ${CLI_BOUND_MS / 1000} s (killed)`);
    console.log(
      `  ratio diagnose / check: < ${(d / CLI_BOUND_MS).toFixed(2)} (check hangs on the frozen node)`,
    );
  } else {
    console.log(`  redis-cli --cluster check (median of ${check.length}): ${fmt(k)}  exit ${check[0]?.code}`);
    console.log(`  ratio diagnose / check: ${(d / k).toFixed(2)}x`);
  }
}

async function withCluster(opts: Parameters<typeof startCluster>[0], fn: (c: DevCluster) => Promise<void>) {
  const t = Date.now();
  const c = await startCluster({ label: 'bench-live', ...opts });
  console.log(`\n(built ${c.nodes.length} nodes in ${fmt(Date.now() - t)})`);
  try {
    await fn(c);
  } finally {
    await c.stop();
  }
}

console.log(
  'redis-runbook live benchmark — whole-process diagnose vs redis-cli --cluster check, same cluster, same run',
);

await withCluster({ masters: 3, replicasPerMaster: 1 }, async (c) => {
  await measure('6-node cluster, healthy', c, c.node(0).address, 5);
  await c.freeze(c.node(1));
  await measure('6-node cluster, one master frozen (SIGSTOP)', c, c.node(0).address, 3, 1);
  await c.thaw(c.node(1));
});

await withCluster({ masters: BIG_MASTERS, replicasPerMaster: 1, buildTimeoutMs: 120_000 }, async (c) => {
  await measure(`${c.nodes.length}-node cluster, healthy`, c, c.node(0).address, 3);
});
