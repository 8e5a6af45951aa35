/**
 * Bounds what one diagnosis says, whatever the input: at most MAX_FINDINGS_PER_CODE findings and
 * MAX_CAUSES_PER_CODE root causes of each code (the rest folded into one entry that says how many, about
 * which nodes), MAX_ACTIONS actions per cause (its explanation counts the rest) and evidence lines of at
 * most MAX_EVIDENCE_CHARS characters (the cut says how many more). Applied after the root causes are
 * resolved, so it never changes the verdict; nothing is dropped without a count. Pure.
 */

import { formatRanges, normalizeRanges, parseRanges } from '../cluster/slots.ts';
import { formatCount } from '../cluster/util.ts';
import { firstOf, listLabels } from './finding.ts';
import type { Finding, RootCause, Severity, StepResult } from './types.ts';

/** Findings listed per code; the rest become one entry counting them. */
export const MAX_FINDINGS_PER_CODE = 20;
/** Root causes listed per code; the rest become one entry counting them. */
export const MAX_CAUSES_PER_CODE = 10;
/** Recommended actions listed per root cause. */
export const MAX_ACTIONS = 20;
/** Characters kept of one evidence line (a CLUSTER NODES line can hold 16,384). */
export const MAX_EVIDENCE_CHARS = 2_000;
/** Evidence lines kept per runbook step, the last of them counting the rest. */
export const MAX_STEP_EVIDENCE = 40;
/** Entries of a folded finding's evidence or a folded cause's summaries, quoted as a sample. */
const SAMPLE = 5;

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
const fmt = (n: number) => formatCount(n);
const count = (n: number, word: string, many = `${word}s`) => `${fmt(n)} ${n === 1 ? word : many}`;

/** `line` cut to MAX_EVIDENCE_CHARS characters, saying how many were left out. */
export function cutEvidence(line: string, max = MAX_EVIDENCE_CHARS): string {
  if (line.length <= max) return line;
  return `${line.slice(0, max)}… (${fmt(line.length - max)} more characters not shown)`;
}

function unionSlots(texts: readonly string[]): string {
  return formatRanges(normalizeRanges(texts.flatMap((t) => (t ? (parseRanges(t) ?? []) : []))));
}

function uniqueNodes(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())];
}

/** The members of each group past its first `max`, by key, in input order. */
function overflow<T>(items: readonly T[], key: (x: T) => string, max: number): Map<string, T[]> {
  const seen = new Map<string, number>();
  const out = new Map<string, T[]>();
  for (const x of items) {
    const k = key(x);
    const n = (seen.get(k) ?? 0) + 1;
    seen.set(k, n);
    if (n <= max) continue;
    const rest = out.get(k);
    if (rest) rest.push(x);
    else out.set(k, [x]);
  }
  // One more entry is cheaper to list than to fold.
  for (const [k, rest] of out) if (rest.length < 2) out.delete(k);
  return out;
}

/** Replaces each overflowing group's members past `max` by one entry, placed where the first of them was. */
function fold<T>(items: readonly T[], key: (x: T) => string, max: number, merge: (rest: T[]) => T): T[] {
  const over = overflow(items, key, max);
  if (over.size === 0) return [...items];
  const dropped = new Set([...over.values()].flat());
  const out: T[] = [];
  for (const x of items) {
    if (!dropped.has(x)) out.push(x);
    else if (over.get(key(x))?.[0] === x) out.push(merge(over.get(key(x)) ?? []));
  }
  return out;
}

function foldFindings(rest: Finding[]): Finding {
  const first = rest[0]!;
  const worst = SEVERITIES.find((s) => rest.some((f) => f.severity === s)) ?? first.severity;
  const bySeverity = SEVERITIES.flatMap((s) => {
    const n = rest.filter((f) => f.severity === s).length;
    return n > 0 ? [`${fmt(n)} ${s}`] : [];
  });
  const nodes = uniqueNodes(rest.map((f) => f.nodes));
  const sample = rest.slice(0, SAMPLE).map((f) => cutEvidence(f.message));
  return {
    code: first.code,
    severity: worst,
    message:
      `And ${count(rest.length, `more ${first.code} finding`)} like those above (${bySeverity.join(', ')}), not listed one by one` +
      `${nodes.length > 0 ? `: about ${listLabels(nodes)} (every one in this entry's nodes)` : ''}.`,
    nodes,
    slots: unionSlots(rest.map((f) => f.slots)),
    evidence: rest.length > SAMPLE ? [...sample, `… and ${fmt(rest.length - SAMPLE)} more`] : sample,
  };
}

function actionKinds(actions: RootCause['actions']): string {
  const kinds = new Map<string, number>();
  for (const a of actions) kinds.set(a.action, (kinds.get(a.action) ?? 0) + 1);
  return [...kinds].map(([k, n]) => `${fmt(n)} ${k}`).join(', ');
}

function foldCauses(rest: RootCause[]): RootCause {
  const first = rest[0]!;
  const nodes = uniqueNodes(rest.map((c) => c.nodes));
  const actions = rest.flatMap((c) => c.actions);
  return {
    code: first.code,
    summary: `And ${count(rest.length, `more ${first.code} root cause`)} like those above, not listed one by one${nodes.length > 0 ? ` (about ${listLabels(nodes)})` : ''}.`,
    explanation:
      `Each is of the same kind as the ${first.code} causes above, about other nodes (every one is in this entry's nodes). ` +
      `Their summaries: ${firstOf(
        rest.map((c) => c.summary),
        SAMPLE,
        ' | ',
      )}.` +
      (actions.length > 0
        ? ` Their ${count(actions.length, 'recommended action')} (${actionKinds(actions)}) are like those above: diagnose the nodes concerned live, or paste fewer nodes at once, to see each one.`
        : ''),
    nodes,
    slots: unionSlots(rest.map((c) => c.slots)),
    actions: [],
  };
}

function capActions(c: RootCause): RootCause {
  if (c.actions.length <= MAX_ACTIONS) return c;
  const rest = c.actions.slice(MAX_ACTIONS);
  const targets = rest.map((a) => a.params?.node ?? a.target);
  return {
    ...c,
    explanation:
      `${c.explanation} Only the first ${MAX_ACTIONS} of ${count(c.actions.length, 'recommended action')} are listed below; ` +
      `the other ${fmt(rest.length)} (${actionKinds(rest)}) are the same for ${listLabels(targets)}.`,
    actions: c.actions.slice(0, MAX_ACTIONS),
  };
}

function boundFinding(f: Finding): Finding {
  return f.evidence.some((e) => e.length > MAX_EVIDENCE_CHARS)
    ? { ...f, evidence: f.evidence.map((e) => cutEvidence(e)) }
    : f;
}

/**
 * A runbook step with at most MAX_STEP_EVIDENCE evidence lines (the last one counting the others), each
 * of at most MAX_EVIDENCE_CHARS characters.
 */
export function boundStep(s: StepResult): StepResult {
  const many = s.evidence.length > MAX_STEP_EVIDENCE;
  if (!many && !s.evidence.some((e) => e.length > MAX_EVIDENCE_CHARS)) return s;
  const kept = many ? s.evidence.slice(0, MAX_STEP_EVIDENCE - 1) : s.evidence;
  const rest = s.evidence.length - kept.length;
  return {
    ...s,
    evidence: [
      ...kept.map((e) => cutEvidence(e)),
      ...(many ? [`… and ${fmt(rest)} more lines, not shown`] : []),
    ],
  };
}

/** The bounded findings: per code at most MAX_FINDINGS_PER_CODE listed, then one entry counting the rest. */
export function boundFindings(findings: readonly Finding[]): Finding[] {
  return fold(findings, (f) => f.code, MAX_FINDINGS_PER_CODE, foldFindings).map(boundFinding);
}

/** The bounded causes: per code at most MAX_CAUSES_PER_CODE, each with at most MAX_ACTIONS actions. */
export function boundCauses(causes: readonly RootCause[]): RootCause[] {
  return fold(causes, (c) => c.code, MAX_CAUSES_PER_CODE, foldCauses).map(capActions);
}
