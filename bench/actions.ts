/**
 * Slot actions against redis-cli, as whole processes on identical clusters built in the same run:
 * - fix 5,461 uncovered empty slots on 3 masters holding 8,192 / 2,731 / 0 slots:
 *   `redis-runbook apply fix-coverage --yes` vs `redis-cli --cluster fix` (fed "yes": it asks even with
 *   --cluster-yes), then slot and range counts per master for both (ours must end with no master under
 *   4,000 slots or over 2 ranges);
 * - reshard 1,000 slots from one master to another in a 100,000-key cluster: `redis-runbook apply reshard
 *   --yes` vs `redis-cli --cluster reshard --cluster-yes` with the same pipeline, then every key read back.
 * Each comparison runs BENCH_ROUNDS times (default 3), alternating the tools, and prints medians, where
 * `apply` spent its time by phase (from when its output lines arrived), and both ratios again at the end:
 * this machine is shared, so single runs vary. Every process is bounded in time; every cluster is stopped.
 * Run: npx tsx bench/actions.ts (BENCH_KEYS=100000, BENCH_ROUNDS=3).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MOVE_PIPELINE } from '../src/actions/plan/slot-steps.ts';
import { countSlots, intersectRanges, normalizeRanges } from '../src/cluster/slots.ts';
import type { SlotRange } from '../src/cluster/types.ts';
import { type DevCluster, parseNodes, startCluster } from '../src/devcluster/index.ts';
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
  /** When each output line arrived, ms after the start, in arrival order. */
  lines: { at: number; text: string }[];
}

/** Runs a whole process (stdin fed `input` forever when given), killed after BOUND_MS. */
function timed(cmd: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const p = spawn(cmd, args, { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let timedOut = false;
    const lines: Run['lines'] = [];
    const take = (b: Buffer) => {
      const text = b.toString();
      out += text;
      const at = Number(process.hrtime.bigint() - t) / 1e6;
      for (const line of text.split('\n')) if (line.trim()) lines.push({ at, text: line });
    };
    p.stdout.on('data', take);
    p.stderr.on('data', take);
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
      resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, code, timedOut, out, lines });
    });
  });
}

const slotRange = (t: string): SlotRange => {
  const [a, b] = t.split('-').map(Number) as [number, number | undefined];
  return { start: a, end: b ?? a };
};
/** The steps' own time as `apply` reports it ("done in N ms" per step), the rest being start-up and the probes. */
const stepsMs = (r: Run) =>
  fmt([...r.out.matchAll(/done in (\d+) ms/g)].reduce((t, m) => t + Number(m[1]), 0));
/**
 * Where an `apply` spent its time, from when its lines arrived: start-up (Node, modules) until "Probing",
 * the probe and the plan until the audit line, the re-check until "Re-checked", the steps until the last
 * "done in", the re-diagnosis until "Diagnosed again", then the result and exit. NaN when a line is missing.
 */
const PHASES = ['start-up', 'probe+plan', 're-check', 'steps', 're-diagnosis', 'exit'] as const;
function phasesOf(r: Run): number[] {
  const first = (re: RegExp) => r.lines.find((l) => re.test(l.text))?.at ?? Number.NaN;
  const last = (re: RegExp) => r.lines.findLast((l) => re.test(l.text))?.at ?? Number.NaN;
  const marks = [
    0,
    first(/^Probing /),
    first(/audit log/),
    first(/^Re-checked the cluster/),
    last(/^\s+(done|skipped) in \d+ ms/),
    first(/^Diagnosed again/),
    r.ms,
  ];
  return PHASES.map((_, i) => marks[i + 1]! - marks[i]!);
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

console.log(
  'redis-runbook slot actions vs redis-cli --cluster, whole processes, identical clusters, same run',
);

let failed = false;
/** Each comparison's ratio line, printed again together at the end. */
const ratios: string[] = [];
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

/** Runs ours and redis-cli alternately `ROUNDS` times (resetting between rounds); prints each and the median ratio. */
async function compare(
  label: string,
  target: string,
  round: (i: number) => Promise<[Run, Run]>,
): Promise<[Run, Run]> {
  const ours: Run[] = [];
  const cli: Run[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const [a, b] = await round(i);
    ours.push(a);
    cli.push(b);
    console.log(
      `  round ${i + 1}: redis-runbook ${fmt(a.ms)} (exit ${a.code}; its steps took ${stepsMs(a)}), redis-cli ${fmt(b.ms)} (exit ${b.code}); load ${load()}`,
    );
    if (a.code !== 0) console.log(a.out.split('\n').slice(-12).join('\n'));
    if (a.code !== 0 || b.code !== 0 || a.timedOut || b.timedOut) failed = true;
  }
  const [ma, mb] = [median(ours.map((r) => r.ms)), median(cli.map((r) => r.ms))];
  const phases = ours.map(phasesOf);
  console.log(
    `  redis-runbook by phase (median ms [min-max]): ${PHASES.map((name, i) => {
      const xs = phases.map((p) => p[i]!);
      return `${name} ${median(xs).toFixed(0)} [${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}]`;
    }).join(', ')}`,
  );
  const line = `${label}: redis-runbook ${fmt(ma)} vs redis-cli ${fmt(mb)} (medians of ${ROUNDS}): ${(mb / ma).toFixed(1)}x (${target})`;
  ratios.push(line);
  console.log(`  ${line}`);
  return [ours.at(-1)!, cli.at(-1)!];
}

console.log(`(load average at start: ${load()}; 2-core machine shared with other work, so figures vary)`);
const startup = median([
  (await runbook(['--help'])).ms,
  (await runbook(['--help'])).ms,
  (await runbook(['--help'])).ms,
]);
console.log(`for scale: redis-runbook --help (process start-up alone): ${fmt(startup)}`);

await withClusters(
  () =>
    startCluster({
      masters: 3,
      label: 'bench-fix',
      assignSlots: [[{ start: 0, end: 8191 }], [{ start: 8192, end: 10922 }], []],
    }),
  async (ours, cli) => {
    console.log('\nfix 5,461 uncovered empty slots (masters hold 8,192 / 2,731 / 0)');
    // Between rounds, every node forgets 10923-16383 again (CLUSTER DELSLOTSRANGE on each): the same layout.
    const reset = async (c: DevCluster) => {
      // A node that already dropped them learns them back from an owner that has not yet: repeat until none has them.
      await c.waitFor(
        async () => {
          await Promise.all(
            c.nodes.map(async (n) => {
              // DELSLOTSRANGE refuses a range with a hole: drop exactly what this node's view still assigns.
              const rows = parseNodes(await c.cli(n, 'CLUSTER', 'NODES'));
              const owned = normalizeRanges(rows.flatMap((r) => r.slots.map(slotRange)));
              const ranges = intersectRanges(owned, [{ start: 10923, end: 16383 }]);
              const args = ranges.flatMap((r) => [r.start, r.end]);
              if (args.length > 0) await c.cli(n, 'CLUSTER', 'DELSLOTSRANGE', ...args).catch(() => '');
            }),
          );
          const infos = await Promise.all(c.nodes.map((n) => c.clusterInfo(n)));
          return infos.every((i) => i['cluster_slots_assigned'] === '10923');
        },
        { what: 'the layout back to 8192 / 2731 / 0', timeoutMs: 20_000, intervalMs: 200 },
      );
    };
    await compare('fix', 'target >= 5x', async (i) => {
      if (i > 0) await Promise.all([reset(ours), reset(cli)]);
      const a = await runbook(['apply', 'fix-coverage', ours.node(0).address, '--yes', '--reason', 'bench']);
      const b = await timed('redis-cli', ['--cluster', 'fix', cli.node(0).address, '--cluster-yes'], 'yes\n');
      return [a, b];
    });
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
    console.log(
      `  (loaded ${KEYS} keys into each cluster in ${fmt(Date.now() - t)}; rounds alternate direction: A->B, B->A, ...)`,
    );
    await compare(`reshard ${RESHARD_SLOTS} slots`, 'target >= 2x', async (i) => {
      const [from, to] = i % 2 === 0 ? [ours.node(0), ours.node(1)] : [ours.node(1), ours.node(0)];
      const [cfrom, cto] = i % 2 === 0 ? [cli.node(0), cli.node(1)] : [cli.node(1), cli.node(0)];
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
        '--reason',
        'bench',
      ]);
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
      return [a, b];
    });
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

console.log(`\nratios against redis-cli:\n${ratios.map((r) => `  ${r}`).join('\n')}`);
console.log(`(load average at end: ${load()})`);
process.exit(failed ? 1 : 0);
