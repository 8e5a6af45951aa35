/**
 * Finds the client replies an engineer pastes next to the cluster's own outputs: "(error) CLUSTERDOWN ..."
 * and an empty CLUSTER SLOTS ("(empty array)", "(empty list or set)"). Pure; they are evidence, not topology.
 */
import type { PastedReply } from './types.ts';

const DOWN_RE = /\bCLUSTERDOWN\b.*\bcluster is down\b/i;
const NOT_SERVED_RE = /\bCLUSTERDOWN\b.*\bHash slot not served\b/i;
const EMPTY_RE = /^\s*\((?:empty array|empty list or set)\)\s*$/;
const SLOTS_CMD_RE = /\bcluster\s+slots\b/i;

/** The replies among `lines`, and the lines they came from (so they are not reported as skipped). */
export function pastedReplies(lines: readonly { text: string; lineNo: number }[]): {
  replies: PastedReply[];
  used: Set<number>;
} {
  const replies: PastedReply[] = [];
  const used = new Set<number>();
  let slotsAsked = false;
  for (const l of lines) {
    const text = l.text.trim();
    if (text === '') continue;
    if (text.length > 500) {
      slotsAsked = false;
      continue;
    }
    const kind = NOT_SERVED_RE.test(text)
      ? 'slot-not-served'
      : DOWN_RE.test(text)
        ? 'cluster-down'
        : slotsAsked && EMPTY_RE.test(text)
          ? 'empty-slots'
          : null;
    if (kind) {
      replies.push({ kind, text: text.slice(0, 200), line: l.lineNo });
      used.add(l.lineNo);
    }
    slotsAsked = SLOTS_CMD_RE.test(text);
  }
  return { replies, used };
}
