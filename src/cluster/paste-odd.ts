/**
 * Sentences about node lines that were read leniently (redacted ids or addresses, dropped columns, a cut
 * link word): each says what was assumed and what that takes away. Pure; one sentence per kind of oddity.
 */
import type { NodeLine } from './types.ts';

function sample(lines: readonly NodeLine[], pick: (l: NodeLine) => string): string {
  const seen = [...new Set(lines.map(pick))];
  return `${seen.slice(0, 3).join(', ')}${seen.length > 3 ? ', ...' : ''}`;
}

function field(l: NodeLine, i: number): string {
  return l.raw.trim().split(/\s+/)[i] ?? '';
}

/** Warnings for the leniently read lines among `lines` (empty when every line is in Redis's format). */
export function oddLineWarnings(lines: readonly NodeLine[]): string[] {
  const by = (kind: string) => lines.filter((l) => l.odd?.includes(kind));
  const out: string[] = [];
  const opaque = by('opaque-id');
  if (opaque.length > 0)
    out.push(
      `node ids look redacted or renamed (${sample(opaque, (l) => field(l, 0))}): they are matched exactly as written, so a replica is tied to its master only where both columns use the same name. The diagnosis rests on the paste's own naming; confidence is lower than with real ids`,
    );
  const short = by('short-id');
  if (short.length > 0)
    out.push(
      `node ids are cut short (${sample(short, (l) => field(l, 0))}): they are matched by prefix, and two nodes whose ids share that prefix would be merged`,
    );
  const hidden = by('redacted-address');
  if (hidden.length > 0)
    out.push(
      `addresses are redacted (${sample(hidden, (l) => field(l, 1))}): hosts and ports are unknown, so nothing is said about placement (replicas on their master's host, a host running a majority) or announced addresses, and nodes are named by id`,
    );
  const narrow = by('missing-columns');
  if (narrow.length > 0) {
    const noSlots = narrow.filter((l) => l.slotsUnknown).length;
    out.push(
      `${narrow.length === 1 ? 'a node line lacks' : `${narrow.length} node lines lack`} columns of CLUSTER NODES (e.g. "${narrow[0]!.raw.trim().slice(0, 80)}")${noSlots > 0 ? `; ${noSlots === 1 ? 'one shows' : `${noSlots} show`} no slot column, so which slots ${noSlots === 1 ? 'that node owns is' : 'those nodes own is'} unknown and slot coverage is not judged from ${noSlots === 1 ? 'it' : 'them'}` : ''}. Paste the whole output for a full diagnosis`,
    );
  }
  const cut = by('cut-link-word');
  if (cut.length > 0)
    out.push(
      `the link-state word is cut short on ${cut.length === 1 ? 'one line' : `${cut.length} lines`} (${sample(cut, (l) => field(l, 7))}): read as the word it starts`,
    );
  return out;
}
