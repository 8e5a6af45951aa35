/**
 * Removing a live master with its keys, against redis-cli, as whole processes on identical clusters built
 * in the same run (4 masters, the one removed with a replica, BENCH_KEYS keys, default 100,000):
 * `redis-runbook apply del-node --yes` vs redis-cli's own recipe, `--cluster rebalance --cluster-weight
 * <id>=0` (drains it) then `--cluster del-node`. Then, for both: every key read back, the node gone from
 * every other node's table. Each round builds two fresh clusters; BENCH_ROUNDS rounds (default 1).
 * Every process and wait is bounded; every cluster is stopped.
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MOVE_PIPELINE } from '../src/actions/plan/slot-steps.ts';
import { type DevCluster, startCluster } from '../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../src/devcluster/keys.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 1));
const BOUND_MS = 10 * 60_000;

/** One whole process, its wall time and exit code (output kept for a failure). */
function proc(cmd: string, args: string[]): { ms: number; code: number | null; out: string } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd: root, timeout: BOUND_MS, encoding: 'utf8', input: '' });
  return { ms: performance.now() - t, code: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function build(label: string): Promise<DevCluster> {
  return startCluster({
    label,
    buildTimeoutMs: 60_000,
    nodes: [
      { role: 'master' },
      { role: 'master' },
      { role: 'master' },
      { role: 'master' },
      { role: 'replica', of: 0 },
    ],
  });
}

/** Keys that do not read back, and the nodes other than `gone` that still list it. */
async function after(c: DevCluster, keys: string[]): Promise<string> {
  const gone = c.node(0);
  const still: string[] = [];
  for (const n of c.live().filter((x) => x !== gone))
    if ((await c.view(n)).some((r) => r.id === gone.id)) still.push(n.address);
  await c.kill(gone);
  const { ok, missing } = await readKeys(c, keys);
  if (missing.length > 0 || still.length > 0) failed = true;
  return `${ok}/${keys.length} keys read back; ${still.length === 0 ? 'gone from every table' : `still listed by ${still.join(', ')}`}`;
}

let failed = false;
console.log(`del-node of a master with a replica, 4 masters, ${KEYS.toLocaleString('en')} keys`);
for (let i = 0; i < ROUNDS; i++) {
  const [ours, cli] = await Promise.all([build('bench-del-ours'), build('bench-del-cli')]);
  try {
    const [k1, k2] = await Promise.all([loadKeys(ours, 'b', KEYS), loadKeys(cli, 'b', KEYS)]);
    const victim = ours.node(0);
    const a = proc(process.execPath, [
      'bin/redis-runbook.js',
      'apply',
      'del-node',
      ours.node(1).address,
      '--node',
      victim.address,
      '--yes',
      '--reason',
      'bench',
    ]);
    const moved = [...a.out.matchAll(/moved \d+ slots \([^)]*\) and (\d+) keys/g)].reduce(
      (t, m) => t + Number(m[1]),
      0,
    );
    const steps = [...a.out.matchAll(/done in (\d+) ms/g)].reduce((t, m) => t + Number(m[1]), 0);
    const drained = cli.node(0);
    const b1 = proc('redis-cli', [
      '--cluster',
      'rebalance',
      cli.node(1).address,
      '--cluster-weight',
      `${drained.id}=0`,
      '--cluster-pipeline',
      String(MOVE_PIPELINE),
    ]);
    const b2 = proc('redis-cli', ['--cluster', 'del-node', cli.node(1).address, drained.id]);
    const b = b1.ms + b2.ms;
    console.log(
      `  round ${i + 1}: redis-runbook ${fmt(a.ms)} (exit ${a.code}; ${moved} keys moved; its steps took ${fmt(steps)}), ` +
        `redis-cli rebalance + del-node ${fmt(b)} (exits ${b1.code}, ${b2.code}): ${(b / a.ms).toFixed(1)}x`,
    );
    if (a.code !== 0) console.log(a.out.split('\n').slice(-12).join('\n'));
    if (b1.code !== 0 || b2.code !== 0) console.log((b1.out + b2.out).split('\n').slice(-12).join('\n'));
    if (a.code !== 0 || b1.code !== 0 || b2.code !== 0) failed = true;
    console.log(`  redis-runbook: ${await after(ours, k1)}`);
    console.log(`  redis-cli: ${await after(cli, k2)}`);
  } finally {
    await Promise.all([ours.stop(), cli.stop()]);
  }
}
process.exit(failed ? 1 : 0);
