/**
 * Slot actions against redis-cli, as whole processes on identical clusters built in the same run:
 * - fix 5,461 uncovered empty slots on 3 masters holding 8,192 / 2,731 / 0 slots:
 *   `redis-runbook apply fix-coverage --yes` vs `redis-cli --cluster fix` (fed "yes": it asks even with
 *   --cluster-yes), then slot and range counts per master for both (ours must end with no master under
 *   4,000 slots or over 2 ranges);
 * - reshard 1,000 slots from one master to another in a 100,000-key cluster: `redis-runbook apply reshard
 *   --yes` vs `redis-cli --cluster reshard --cluster-yes` with the same pipeline, then every key read back.
 * Every process is bounded in time; every cluster is stopped. Run: npx tsx bench/actions.ts
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MOVE_PIPELINE } from '../src/actions/plan/slot-steps.ts';
import { countSlots } from '../src/cluster/slots.ts';
import { type DevCluster, startCluster } from '../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../src/devcluster/keys.ts';
import { ownSlots } from '../src/devcluster/scenario-kit.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const BOUND_MS = 10 * 60_000;
const KEYS = Number(process.env.BENCH_KEYS ?? 100_000);
const RESHARD_SLOTS = 1000;

interface Run {
  ms: number;
  code: number | null;
  timedOut: boolean;
  out: string;
}

/** Runs a whole process (stdin fed `input` forever when given), killed after BOUND_MS. */
function timed(cmd: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const p = spawn(cmd, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let timedOut = false;
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (out += b.toString()));
    p.stdin.on('error', () => undefined);
    if (input) {
      // Like `yes | redis-cli ...`: answer every prompt.
      const feed = () => {
        while (p.stdin.writable && p.stdin.write(input.repeat(64)));
      };
      p.stdin.on('drain', feed);
      feed();
    } else p.stdin.end();
    const timer = setTimeout(() => {
      timedOut = true;
      p.kill('SIGKILL');
    }, BOUND_MS);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, code, timedOut, out });
    });
  });
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const runbook = (args: string[]) => timed(process.execPath, ['bin/redis-runbook.js', ...args]);

async function layout(c: DevCluster): Promise<{ address: string; slots: number; ranges: number }[]> {
  return Promise.all(
    c.masters().map(async (m) => {
      const r = await ownSlots(c, m);
      return { address: m.address, slots: countSlots(r), ranges: r.length };
    }),
  );
}

async function withClusters<T>(
  build: () => Promise<DevCluster>,
  fn: (ours: DevCluster, cli: DevCluster) => Promise<T>,
) {
  const ours = await build();
  let cli: DevCluster | undefined;
  try {
    cli = await build();
    return await fn(ours, cli);
  } finally {
    await ours.stop();
    await cli?.stop();
  }
}

function outcome(label: string, r: Run): string {
  return `${label}: ${fmt(r.ms)}, exit ${r.timedOut ? `killed after ${BOUND_MS / 1000} s` : r.code}`;
}

console.log(
  'redis-runbook slot actions vs redis-cli --cluster, whole processes, identical clusters, same run',
);

let failed = false;

await withClusters(
  () =>
    startCluster({
      masters: 3,
      label: 'bench-fix',
      assignSlots: [[{ start: 0, end: 8191 }], [{ start: 8192, end: 10922 }], []],
    }),
  async (ours, cli) => {
    console.log('\nfix 5,461 uncovered empty slots (masters hold 8,192 / 2,731 / 0)');
    const a = await runbook(['apply', 'fix-coverage', ours.node(0).address, '--yes']);
    const b = await timed('redis-cli', ['--cluster', 'fix', cli.node(0).address, '--cluster-yes'], 'yes\n');
    console.log(
      `  ${outcome('redis-runbook apply fix-coverage --yes (plan, re-check, run, wait, re-diagnose)', a)}`,
    );
    console.log(`  ${outcome('redis-cli --cluster fix (yes piped)', b)}`);
    console.log(`  ratio redis-cli / redis-runbook: ${(b.ms / a.ms).toFixed(1)}x (target >= 5x)`);
    if (a.code !== 0) console.log(a.out.split('\n').slice(-15).join('\n'));
    for (const [name, c] of [
      ['redis-runbook', ours],
      ['redis-cli', cli],
    ] as const) {
      const l = await layout(c);
      console.log(
        `  ${name}: ${l.map((m) => `${m.address} ${m.slots} slots in ${m.ranges} range(s)`).join('; ')}`,
      );
      if (name === 'redis-runbook') {
        const ok =
          l.every((m) => m.slots >= 4000 && m.ranges <= 2) && l.reduce((s, m) => s + m.slots, 0) === 16384;
        console.log(
          `  check (every master >= 4,000 slots, <= 2 ranges, all 16,384 covered): ${ok ? 'PASS' : 'FAIL'}`,
        );
        if (!ok) failed = true;
      }
    }
  },
);

await withClusters(
  () => startCluster({ masters: 3, label: 'bench-reshard', buildTimeoutMs: 60_000 }),
  async (ours, cli) => {
    console.log(
      `\nreshard ${RESHARD_SLOTS} slots between two masters, ${KEYS.toLocaleString('en')} keys, pipeline ${MOVE_PIPELINE}`,
    );
    const t = Date.now();
    const [keysA, keysB] = [await loadKeys(ours, 'bench', KEYS), await loadKeys(cli, 'bench', KEYS)];
    console.log(`  (loaded ${KEYS} keys into each cluster in ${fmt(Date.now() - t)})`);
    const [from, to] = [ours.node(0), ours.node(1)];
    const a = await runbook([
      'apply',
      'reshard',
      from.address,
      '--from',
      from.address,
      '--to',
      to.address,
      '--slots',
      `${RESHARD_SLOTS}`,
      '--yes',
    ]);
    const [cfrom, cto] = [cli.node(0), cli.node(1)];
    const b = await timed('redis-cli', [
      '--cluster',
      'reshard',
      cfrom.address,
      '--cluster-from',
      cfrom.id,
      '--cluster-to',
      cto.id,
      '--cluster-slots',
      `${RESHARD_SLOTS}`,
      '--cluster-yes',
      '--cluster-pipeline',
      `${MOVE_PIPELINE}`,
    ]);
    console.log(
      `  ${outcome('redis-runbook apply reshard --yes (plan, re-check, run, wait, re-diagnose)', a)}`,
    );
    console.log(`  ${outcome(`redis-cli --cluster reshard --cluster-pipeline ${MOVE_PIPELINE}`, b)}`);
    console.log(`  ratio redis-cli / redis-runbook: ${(b.ms / a.ms).toFixed(1)}x (target >= 2x)`);
    if (a.code !== 0) console.log(a.out.split('\n').slice(-15).join('\n'));
    for (const [name, c, keys] of [
      ['redis-runbook', ours, keysA],
      ['redis-cli', cli, keysB],
    ] as const) {
      const r = await readKeys(c, keys);
      const l = await layout(c);
      console.log(
        `  ${name}: ${r.ok}/${keys.length} keys readable; ${l.map((m) => `${m.address} ${m.slots} slots in ${m.ranges} range(s)`).join('; ')}`,
      );
      if (r.ok !== keys.length) failed = true;
    }
  },
);

process.exit(failed ? 1 : 0);
