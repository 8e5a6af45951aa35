/**
 * Hostile pastes (issue 13): each input that once stalled or killed the bot is read within the caps, says
 * what was read and what was cut, and cannot multiply work per line; and a fuzz property that the time
 * to read a paste grows linearly with its size.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzePasteText } from '../src/bot/paste-analysis.ts';
import { pasteReplyMessage } from '../src/bot/render/paste.ts';
import { parseCheckOutput } from '../src/cluster/parse-check.ts';
import { parseInfoFields, parseInfoSections } from '../src/cluster/parse-info.ts';
import { parseClusterNodes } from '../src/cluster/parse-nodes.ts';
import { snapshotFromPaste } from '../src/cluster/paste.ts';
import { boundIssues, DEFAULT_PASTE_LIMITS, limitPaste, splitLines } from '../src/cluster/paste-limits.ts';
import { diagnoseWithSteps } from '../src/runbooks/run.ts';
import { fixture } from './bot/helpers/big-dump.ts';

const RECORD =
  '07c37dfeb235213a872192d90877d0cd55635b91 127.0.0.1:30004@31004 slave e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 0 1426238317239 4 connected';
const repeat = (unit: string, chars: number) => unit.repeat(Math.ceil(chars / unit.length));

describe('the hostile pastes of issue 13', () => {
  it('a ~540 KB single line of repeated CLUSTER NODES records: cut, reported, one issue per line', () => {
    const text = repeat(`${RECORD} `, 540_000);
    const res = analyzePasteText(text);
    expect(res).not.toBeNull();
    const snap = res!.snapshot;
    // Before: one ParseIssue (and one redaction of the whole line) per bad token, 23,478 of them.
    expect(snap.parseIssues.length).toBeLessThanOrEqual(3);
    expect(snap.parseIssues[0]?.text.length).toBeLessThanOrEqual(DEFAULT_PASTE_LIMITS.maxLineChars);
    expect(snap.warnings[0]).toMatch(
      /^one line is longer than 16,384 characters.*only the first 16,384 characters of line 1 \(540,\d{3} characters\) were read/,
    );
    expect(snap.observations).toEqual([]);
    const reply = pasteReplyMessage(res!.diagnosis, snap);
    expect(JSON.stringify(reply).length).toBeLessThan(100_000);
    expect(reply.notes?.[0]).toContain('line 1 (540,');
  });

  it('a 1 MB line: the same, and the rest of the line is never read', () => {
    const text = repeat(`${RECORD} `, 1_000_000);
    const snap = snapshotFromPaste(text);
    expect(snap.parseIssues.length).toBeLessThanOrEqual(3);
    expect(snap.warnings.join('\n')).toMatch(/line 1 \(1,000,\d{3} characters\)/);
  });

  it('"a" + 200,000 "\\r" + "a": every \\r is a line break for the line cap too', () => {
    const text = `a${'\r'.repeat(200_000)}a`;
    const limited = limitPaste(text);
    expect(limited.report.stoppedBy).toBe('lines');
    expect(limited.report.readLines).toBe(DEFAULT_PASTE_LIMITS.maxLines);
    // Before: the cap counted only \n, so all 200,001 lines were split (quadratically) and read.
    expect(snapshotFromPaste(text).warnings).toContain(
      'the paste has more than 50000 lines; only the first 50000 were read',
    );
  });

  it('many short lines, megabytes in all: the character, line and output caps each say what they cut', () => {
    const chars = snapshotFromPaste(
      `${fixture('healthy-nodes-n2.txt')}${repeat(`${'y'.repeat(99)}\n`, 3_000_000)}`,
    );
    expect(chars.warnings[0]).toMatch(
      /^the paste is 3,000,\d{3} characters long, more than the 2,000,000 I read: only lines 1-\d+ were read and the remaining 1,000,\d{3} characters were not$/,
    );
    const outputs = snapshotFromPaste(Array.from({ length: 2_000 }, () => RECORD).join('\n'));
    expect(outputs.observations).toHaveLength(DEFAULT_PASTE_LIMITS.maxOutputs);
    expect(outputs.warnings[0]).toBe(
      'the paste holds 2000 separate outputs (CLUSTER NODES, INFO, check reports), more than the 500 I read: those from line 501 on were not read',
    );
  });

  it('a cut CLUSTER NODES line is not read as a node, so its slots never look unassigned', () => {
    // every slot is owned; master A owns the even slots below 8192, a 19 KB line that the cap cuts
    const slots = (from: number, to: number) =>
      Array.from({ length: (to - from) / 2 + 1 }, (_, i) => from + 2 * i).join(' ');
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((x) => x.repeat(40));
    const text = [
      `${a} 10.0.0.1:6379@16379 myself,master - 0 0 1 connected ${slots(0, 8190)}`,
      `${b} 10.0.0.2:6379@16379 master - 0 1700000000000 2 connected ${slots(1, 2999)}`,
      `${d} 10.0.0.4:6379@16379 master - 0 1700000000000 4 connected ${slots(3001, 8191)}`,
      `${c} 10.0.0.3:6379@16379 master - 0 1700000000000 3 connected 8192-16383`,
      '',
    ].join('\n');
    const snap = snapshotFromPaste(text);
    expect(snap.parseIssues.map((i) => i.line)).toEqual([1]);
    expect(snap.parseIssues[0]?.expected).toMatch(/was cut, so it is not read as a node/);
    const diagnosis = diagnoseWithSteps(snap);
    expect(diagnosis.rootCauses.map((r) => r.code)).toEqual(['undetermined']);
    expect(diagnosis.rootCauses.flatMap((r) => r.actions.map((x) => x.action))).not.toContain('fix-coverage');
    // without the cap the same paste is read whole: healthy
    const whole = snapshotFromPaste(text, { limits: { ...DEFAULT_PASTE_LIMITS, maxLineChars: 50_000 } });
    expect(diagnoseWithSteps(whole).rootCauses.map((r) => r.code)).toEqual(['healthy']);
  });

  it('redacts each line once, whatever its number of issues', () => {
    const line = `${RECORD} AUTH default s3cret ${'x '.repeat(5000)}`;
    const issues = Array.from({ length: 5000 }, (_, i) => ({ line: 1 + (i % 2), text: line, expected: 'x' }));
    let calls = 0;
    const out = boundIssues(issues, (t) => {
      calls++;
      return t.replace('s3cret', '***');
    });
    expect(calls).toBe(1); // one line text, shared by both line numbers' issues
    expect(out.map((i) => i.line)).toEqual([1, 2, 1, 2, 1, 2]);
    expect(out.at(-1)?.expected).toBe('x; and 2497 more unreadable entries on this line, not listed');
    expect(JSON.stringify(out)).not.toContain('s3cret');
  });

  it('splits lines exactly as /\\r*\\n|\\r/ does', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '\r', '\n', ' ') }), (s) => {
        expect(splitLines(s)).toEqual(s.split(/\r*\n|\r/));
      }),
      { numRuns: 500, seed: 13 },
    );
  });
});

/** CPU time of the process (not wall time: other processes on the machine do not count) spent in `f`. */
function cpuMs(f: () => void): number {
  const before = process.cpuUsage();
  f();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** The whole worker job: detection, snapshot, diagnosis with runbook steps. */
function readWhole(text: string): void {
  analyzePasteText(text);
  diagnoseWithSteps(snapshotFromPaste(text));
}

/** Smallest of `runs` CPU timings of reading `text`. */
function bestOf(text: string, runs: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++)
    best = Math.min(
      best,
      cpuMs(() => readWhole(text)),
    );
  return best;
}

const PIECES = [
  RECORD,
  `${RECORD}\n`,
  '\r',
  '\n',
  ' ',
  'a',
  '0123456789abcdef',
  'cluster_state:ok',
  'cluster_known_nodes:6',
  '# Replication',
  'role:master',
  'redis-cli',
  ' -a ',
  'password "',
  'AUTH ',
  'http://u:',
  '<http://x|',
  '*',
  '**',
  '`',
  '```',
  '> ',
  '&gt;',
  '{"m":"',
  '\\n',
  '"',
  "'",
  "+ v='",
  '127.0.0.1:7000> ',
  'cluster nodes',
  'M: ',
  '   slots:[0-5460] (5461 slots) master',
  '[42->-',
  '@',
  ':',
  ',',
  '\u001b[31m',
  '\t',
  '## ',
  'vars currentEpoch 6 lastVoteEpoch 0',
];

describe('reading time grows linearly with the size of the paste', () => {
  /*
   * For a motif repeated to n and to 8n characters, the CPU time of the larger input must stay within
   * 20x of the smaller (linear work gives about 8x, quadratic 64x). Deterministic inputs (fixed seed);
   * CPU time instead of wall time, the best of 3 runs, and a fresh measurement up to 3 times, so a GC or
   * a busy machine cannot fail it, while a quadratic path fails every time.
   */
  const N = 12_000;
  const RATIO = 20;

  it('for motifs built from the pieces of real and hostile pastes', () => {
    const motif = fc
      .array(fc.constantFrom(...PIECES), { minLength: 1, maxLength: 6 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(motif, (m) => {
        let ratio = Number.POSITIVE_INFINITY;
        for (let attempt = 0; attempt < 3 && ratio > RATIO; attempt++) {
          const small = repeat(m, N);
          const large = repeat(m, 8 * N);
          // a small input can take ~0 ms: measure it as at least 0.5 ms so noise cannot inflate the ratio
          ratio = bestOf(large, 3) / Math.max(0.5, bestOf(small, 3));
        }
        expect(ratio, JSON.stringify(m)).toBeLessThan(RATIO);
      }),
      { numRuns: 12, seed: 2026_13, examples: [['\r'], ['a\r\r'], [`${RECORD} `], ['cluster_state:ok\n']] },
    );
  }, 240_000);
});

describe('the parsers of server replies split lines linearly too', () => {
  /*
   * A live probe hands CLUSTER NODES, CLUSTER INFO and --cluster check text straight to these parsers,
   * without the paste limits in front. A run of \r used to cost them quadratic time in the line split
   * (80,000 \r: 2.3 s). Here the input grows 16x: linear work grows about 16x, quadratic 256x; the bound
   * of 64x leaves room for a busy machine's noise (a bound of 20 at 8x failed once under load average 5).
   */
  const parsers: [string, (t: string) => unknown][] = [
    ['parseClusterNodes', parseClusterNodes],
    ['parseInfoFields', parseInfoFields],
    ['parseInfoSections', parseInfoSections],
    ['parseCheckOutput', parseCheckOutput],
  ];
  it.each(parsers)(
    '%s',
    (_name, parse) => {
      const input = (n: number) => `a${'\r'.repeat(n)}a`;
      const best = (t: string) => Math.min(...[0, 1, 2].map(() => cpuMs(() => parse(t))));
      let ratio = Number.POSITIVE_INFINITY;
      for (let attempt = 0; attempt < 3 && ratio > 64; attempt++)
        ratio = best(input(160_000)) / Math.max(0.5, best(input(10_000)));
      expect(ratio).toBeLessThan(64);
    },
    120_000,
  );
});
