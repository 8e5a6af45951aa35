/** Small helpers shared by the rules: building findings, capping evidence, describing nodes. */

import type { ModelNode } from '../cluster/model-types.ts';
import { formatRanges } from '../cluster/slots.ts';
import type { SlotRange } from '../cluster/types.ts';
import { formatCount } from '../cluster/util.ts';
import type { Finding, FindingCode, Severity } from './types.ts';

/** Evidence lines kept per finding; the rest is summarised as "… and N more". */
export const MAX_EVIDENCE = 12;

/** Caps a list of evidence lines, saying how many were left out. */
export function capEvidence(lines: readonly string[], max = MAX_EVIDENCE): string[] {
  const unique = [...new Set(lines)];
  if (unique.length <= max) return unique;
  return [...unique.slice(0, max), `… and ${unique.length - max} more`];
}

/** Builds a finding; slots may be ranges or an already formatted string. */
export function finding(
  code: FindingCode,
  severity: Severity,
  message: string,
  nodes: readonly string[],
  slots: readonly SlotRange[] | string,
  evidence: readonly string[],
): Finding {
  return {
    code,
    severity,
    message,
    nodes: [...new Set(nodes)],
    slots: typeof slots === 'string' ? slots : formatRanges(slots),
    evidence: capEvidence(evidence),
  };
}

/** "master 127.0.0.1:7001 (slots 0-5460)" / "replica 127.0.0.1:7004" for messages. */
export function describe(n: ModelNode): string {
  const role = n.role === 'unknown' ? 'node' : n.role;
  const slots = n.slotCount > 0 ? ` (slots ${shortRanges(n.slots)})` : '';
  return `${role} ${n.label}${slots}`;
}

/** Formats ranges, shortening very long lists to the first few and a count. */
export function shortRanges(ranges: readonly SlotRange[], max = 8): string {
  if (ranges.length <= max) return formatRanges(ranges);
  const total = ranges.reduce((n, r) => n + r.end - r.start + 1, 0);
  return `${formatRanges(ranges.slice(0, max))},… (${total} slots in ${ranges.length} ranges)`;
}

/** "1 slot" / "5461 slots". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** Joins labels for a sentence: "a", "a and b", "a, b and 3 more". */
export function listLabels(labels: readonly string[], max = 4): string {
  if (labels.length <= 1) return labels[0] ?? '';
  if (labels.length <= max) return `${labels.slice(0, -1).join(', ')} and ${labels[labels.length - 1]}`;
  return `${labels.slice(0, max - 1).join(', ')} and ${labels.length - max + 1} more`;
}

/** "127.0.0.1:7001: <raw line>" evidence for lines an observer printed. */
export function lineEvidence(refs: readonly { observer: string; raw: string }[]): string[] {
  return refs.map((r) => `${r.observer}: ${r.raw}`);
}

/** "a; b; c; and 7 more": the first `max` items and how many others there are. */
export function firstOf(items: readonly string[], max: number, sep = '; '): string {
  if (items.length <= max) return items.join(sep);
  return `${items.slice(0, max).join(sep)}${sep}and ${formatCount(items.length - max)} more`;
}
