/**
 * The answer to a paste stays bounded (issue: a 1 MB paste of ghost entries gave a 21 MB diagnosis, and
 * 9,000 ghosts among 100 masters gave 187 MB of JSON and crashed the text report): findings and causes
 * past a number per code fold into one entry that counts them, long lists are cut with exact counts, and
 * the verdict (causes, their order, every node named) is the one the unbounded diagnosis reaches.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pasteReplyMessage } from '../../src/bot/render/paste.ts';
import { renderDiagnosisText } from '../../src/bot/text.ts';
import { diagnoseText, diagnosisJson } from '../../src/cli/diagnose.ts';
import { snapshotFromPaste } from '../../src/cluster/paste.ts';
import { DEFAULT_PASTE_LIMITS } from '../../src/cluster/paste-limits.ts';
import {
  boundCauses,
  boundFindings,
  boundStep,
  MAX_ACTIONS,
  MAX_CAUSES_PER_CODE,
  MAX_FINDINGS_PER_CODE,
} from '../../src/diagnose/bound.ts';
import type { Finding, RootCause } from '../../src/diagnose/types.ts';
import { ghostDump, loopbackDump } from './hostile-dumps.ts';

/** The whole CLI answer to `text`: `--json` (with runbook steps), the text report and the Slack reply. */
function answers(text: string) {
  const d = diagnoseText(text);
  const json = JSON.stringify(diagnosisJson(d), null, 2);
  const forPeople = diagnoseText(text, true, true);
  const brief = renderDiagnosisText(forPeople);
  const verbose = renderDiagnosisText(forPeople, { verbose: true });
  const slack = JSON.stringify(pasteReplyMessage(forPeople, snapshotFromPaste(text)));
  return { d, json, brief, verbose, slack };
}

const of = (fs: readonly Finding[], code: string) => fs.filter((f) => f.code === code);

describe('a paste near the limits with thousands of ghosts among thousands of masters', () => {
  // 4,000 masters and 4,000 ghosts: 8,000 lines, ~0.9 MB, under every paste limit.
  const text = ghostDump(4_000, 4_000);

  it('stays within the paste limits it is meant to stress', () => {
    expect(text.length).toBeGreaterThan(850_000);
    expect(text.length).toBeLessThan(DEFAULT_PASTE_LIMITS.maxChars);
    expect(snapshotFromPaste(text).warnings.join(' ')).not.toMatch(/were not read/);
  });

  it('names ghost-nodes with exact counts, in JSON of at most 1.5x the paste, and renders', () => {
    const { d, json, brief, verbose, slack } = answers(text);
    // Before: 10 MB of JSON (4,000 FORGET commands in each of 4,000 actions, then 20 of them), 8.5 MB of text.
    expect(json.length).toBeLessThan(1.5 * text.length);
    expect(brief.length).toBeLessThan(100_000);
    expect(verbose.length).toBeLessThan(400_000);
    expect(slack.length).toBeLessThan(1.5 * text.length);

    const cause = d.rootCauses[0]!;
    expect(d.rootCauses.map((c) => c.code)).toEqual(['ghost-nodes']);
    expect(cause.summary).toMatch(/^Ghost entries: 4000 nodes listed that are gone/);
    expect(cause.nodes).toHaveLength(4_000);
    expect(cause.actions).toHaveLength(MAX_ACTIONS);
    expect(cause.explanation).toContain('and 3,988 more (every one in this cause');
    expect(cause.explanation).toContain(
      `Only the first ${MAX_ACTIONS} of 4,000 recommended actions are listed below; the other 3,980 (3,980 forget-node)`,
    );
    // each action spells out 12 FORGETs, then names and counts the other 3,988 nodes
    const why = cause.actions[0]!.why;
    expect(why.match(/redis-cli -h \S+ -p \d+ CLUSTER FORGET/g)).toHaveLength(12);
    expect(why).toContain('and the same on the 3,988 other nodes (');
    expect(why).toMatch(/or all at once with redis-runbook plan forget-node <cluster> --node [0-9a-f]{40}/);

    // every ghost is still named once by GHOST_NODE: 20 findings, then one counting the 3,980 others
    const ghosts = of(d.findings, 'GHOST_NODE');
    expect(ghosts).toHaveLength(MAX_FINDINGS_PER_CODE + 1);
    expect(ghosts.at(-1)!.message).toMatch(
      /^And 3,980 more GHOST_NODE findings like those above \(3,980 warning\)/,
    );
    expect(new Set(ghosts.flatMap((f) => f.nodes)).size).toBe(4_000);
    expect(ghosts.at(-1)!.evidence.at(-1)).toBe('… and 3,975 more');
    expect(d.steps?.every((s) => s.evidence.length <= 40)).toBe(true);
  });

  it('the JSON of 9,000 ghosts among 100 masters stays near the size of the paste (was 187 MB)', () => {
    const big = ghostDump(100, 9_000);
    const { d, json, brief } = answers(big);
    expect(big.length).toBeLessThan(DEFAULT_PASTE_LIMITS.maxChars);
    // 4 lists of 9,000 node ids (3 folded findings and the cause) are most of it: every node stays named
    expect(json.length).toBeLessThan(2.5 * big.length);
    expect(brief.length).toBeLessThan(100_000);
    expect(d.rootCauses[0]?.code).toBe('ghost-nodes');
    expect(d.rootCauses[0]?.nodes).toHaveLength(9_000);
  });
});

describe('a paste of thousands of nodes announcing loopback among routable ones', () => {
  it('names wrong-announced-address for all 4,000, with the JSON under 1 MB (was 9 MB)', () => {
    const text = loopbackDump(8_000);
    const { d, json, brief } = answers(text);
    expect(json.length).toBeLessThan(1_000_000);
    expect(brief.length).toBeLessThan(100_000);
    const cause = d.rootCauses[0]!;
    expect(cause.code).toBe('wrong-announced-address');
    expect(cause.nodes).toHaveLength(4_000);
    expect(cause.summary).toMatch(/^Wrong announced address: 127\.0\.0\.1:7000, .* and 3997 more announce/);
    expect(cause.explanation).toContain('and 3,988 more nodes (every one in this cause');
    const wrong = of(d.findings, 'WRONG_ANNOUNCED_ADDRESS');
    expect(wrong.at(-1)!.message).toMatch(
      /^And 3,980 more WRONG_ANNOUNCED_ADDRESS findings like those above \(3,980 critical\)/,
    );
    expect(wrong.at(-1)!.severity).toBe('critical');
    expect(new Set(wrong.flatMap((f) => f.nodes)).size).toBe(4_000);
  });
});

const severity = fc.constantFrom('critical' as const, 'warning' as const, 'info' as const);
const finding = fc.record({
  code: fc.constantFrom('NODE_FAIL' as const, 'GHOST_NODE' as const, 'OPEN_SLOT' as const),
  severity,
  message: fc.string({ maxLength: 30 }),
  nodes: fc.array(fc.constantFrom('a:1', 'b:1', 'c:1', 'd:1', 'e:1'), { maxLength: 3 }),
  slots: fc.constantFrom('', '0-5', '7', '100-200,300'),
  evidence: fc.array(fc.string({ maxLength: 3000 }), { maxLength: 3 }),
});
const cause = fc.record({
  code: fc.constantFrom('ghost-nodes' as const, 'failover-completed' as const, 'host-failure' as const),
  summary: fc.string({ maxLength: 20 }),
  explanation: fc.string({ maxLength: 20 }),
  nodes: fc.array(fc.constantFrom('a:1', 'b:1', 'c:1'), { maxLength: 2 }),
  slots: fc.constantFrom('', '0-5'),
  actions: fc.array(
    fc.record({
      action: fc.constantFrom('forget-node' as const, 'restart-node' as const),
      target: fc.string(),
      why: fc.string(),
    }),
    { maxLength: 30 },
  ),
});

const count = (text: string) => Number(/And ([\d,]+) more/.exec(text)?.[1]?.replace(/,/g, '') ?? '1');

describe('bounding keeps the verdict and counts everything it leaves out', () => {
  it('findings: per code at most 21 entries, the same worst severity, every node, exact counts', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 120 }), (input: Finding[]) => {
        const out = boundFindings(input);
        for (const code of new Set(input.map((f) => f.code))) {
          const before = of(input, code);
          const after = of(out, code);
          expect(after.length).toBeLessThanOrEqual(MAX_FINDINGS_PER_CODE + 1);
          expect(after.reduce((n, f) => n + count(f.message), 0)).toBe(before.length);
          expect(new Set(after.flatMap((f) => f.nodes))).toEqual(new Set(before.flatMap((f) => f.nodes)));
          const worst = (fs: Finding[]) =>
            Math.min(...fs.map((f) => ['critical', 'warning', 'info'].indexOf(f.severity)));
          expect(worst(after)).toBe(worst(before));
        }
        expect(out.every((f) => f.evidence.every((e) => e.length < 2_100))).toBe(true);
      }),
      { numRuns: 200, seed: 2026_12 },
    );
  });

  it('causes: the same codes in the same order, every node, at most 20 actions each, counts exact', () => {
    fc.assert(
      fc.property(fc.array(cause, { maxLength: 40 }), (input: RootCause[]) => {
        const out = boundCauses(input);
        const order = (cs: RootCause[]) => cs.map((c) => c.code).filter((c, i, a) => a.indexOf(c) === i);
        expect(order(out)).toEqual(order(input));
        expect(out[0]?.code).toBe(input[0]?.code);
        for (const code of new Set(input.map((c) => c.code))) {
          const before = input.filter((c) => c.code === code);
          const after = out.filter((c) => c.code === code);
          expect(after.length).toBeLessThanOrEqual(MAX_CAUSES_PER_CODE + 1);
          expect(after.reduce((n, c) => n + count(c.summary), 0)).toBe(before.length);
          expect(new Set(after.flatMap((c) => c.nodes))).toEqual(new Set(before.flatMap((c) => c.nodes)));
        }
        for (const c of out) {
          expect(c.actions.length).toBeLessThanOrEqual(MAX_ACTIONS);
          const full = input.find((x) => x.summary === c.summary && x.code === c.code);
          if (full && full.actions.length > MAX_ACTIONS)
            expect(c.explanation).toContain(`the other ${full.actions.length - MAX_ACTIONS} (`);
        }
      }),
      { numRuns: 200, seed: 2026_12 },
    );
  });

  it('a step keeps 39 evidence lines and counts the rest', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
    const s = boundStep({ id: 'x', title: 'x', command: '', evidence: lines, verdict: 'ok', meaning: '' });
    expect(s.evidence).toHaveLength(40);
    expect(s.evidence.at(-1)).toBe('… and 61 more lines, not shown');
  });

  it('generated hostile pastes of any mix: JSON within 2.5x the paste plus 100 KB, text under 150 KB', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 600 }),
        fc.integer({ min: 0, max: 1_500 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        (masters, ghosts, views, loopback) => {
          const text = loopback ? loopbackDump(masters, views) : ghostDump(masters, ghosts, views);
          const { d, json, brief } = answers(text);
          expect(json.length).toBeLessThan(2.5 * text.length + 100_000);
          expect(brief.length).toBeLessThan(150_000);
          expect(d.rootCauses.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 12, seed: 2026_12 },
    );
  }, 120_000);
});
