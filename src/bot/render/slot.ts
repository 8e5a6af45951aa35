/**
 * Hash slots of keys as a message: each key's slot and what it hashes on, with a cluster the owner and
 * its state, and when the keys are in different slots, that a multi-key command fails with CROSSSLOT and
 * a hash tag that puts them together. Pure.
 */
import type { TagSuggestion } from '../../cluster/hash-tag.ts';
import { type KeySlotRow, ownerTrouble, type SlotOwner } from '../../cluster/slot-owner.ts';
import type { BotMessage, MessageSection } from '../message.ts';

/** A key as shown: control characters escaped, long keys shortened. */
export function showKey(key: string, max = 48): string {
  const control = [...key].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
  const shown = control ? JSON.stringify(key) : key;
  return shown.length > max ? `${shown.slice(0, max - 3)}...` : shown;
}

/** "10.0.0.1:7000 (master, healthy), migrating to 10.0.0.2:7000" / "no owner". */
export function ownerLine(o: SlotOwner | null | undefined): string {
  if (o === undefined) return '';
  if (o === null) return 'no owner (CLUSTERDOWN Hash slot not served)';
  const parts = [`${o.address} (${o.role}, ${ownerTrouble(o) || 'healthy'})`];
  if (o.migratingTo) parts.push(`migrating to ${o.migratingTo}`);
  if (o.importingBy) parts.push(`being imported by ${o.importingBy}`);
  return parts.join(', ');
}

function table(rows: readonly KeySlotRow[], withOwner: boolean): string[] {
  const cells = rows.map((r) => [
    showKey(r.key),
    String(r.slot),
    r.tag === null ? 'whole key' : `{${showKey(r.tag, 30)}}`,
    ...(withOwner ? [ownerLine(r.owner)] : []),
  ]);
  const head = ['KEY', 'SLOT', 'HASHED ON', ...(withOwner ? ['OWNER'] : [])];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => (i === c.length - 1 ? v : v.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(head), ...cells.map(line)];
}

/** What a multi-key command on these keys does, and a tag that co-locates them. */
export function crossSlotLines(
  rows: readonly KeySlotRow[],
  suggestion: TagSuggestion | { tag: null } | null,
): string[] {
  const slots = new Set(rows.map((r) => r.slot));
  if (rows.length < 2) return [];
  if (slots.size === 1) return [`All in slot ${[...slots][0]}: a multi-key command on them works.`];
  const out = [
    `They hash to ${slots.size} different slots: a multi-key command on them (MGET, MSET, DEL, SUNION, a transaction, a Lua script) fails with "CROSSSLOT Keys in request don't hash to the same slot".`,
  ];
  if (!suggestion || suggestion.tag === null) {
    out.push(
      'They share no common part to use as a hash tag: put the id that ties them together in braces in every key, e.g. {<order-id>}:items and {<order-id>}:total.',
    );
    return out;
  }
  out.push(
    `Give them one hash tag, {${suggestion.tag}} (what they share), and they all land in slot ${suggestion.slot}: ${suggestion.keys.map((k) => showKey(k.to)).join(', ')}.`,
  );
  if (!suggestion.specific)
    out.push(
      `{${suggestion.tag}} names no id: every key built this way would share that one slot on one master, a hot spot. Prefer an id (user, order, session) that ties just these keys together.`,
    );
  out.push(
    'Renaming keys changes where existing data lives: the application must write and read the new names.',
  );
  return out;
}

/** The cluster the owners come from, the hash-tag suggestion, and notes. */
export interface SlotRenderOptions {
  /** The cluster the owners were read from. */
  cluster?: string;
  suggestion: TagSuggestion | { tag: null } | null;
  notes?: string[];
}

/** The answer to `slot <key>...`. */
export function slotMessage(rows: readonly KeySlotRow[], opts: SlotRenderOptions): BotMessage {
  const withOwner = opts.cluster !== undefined;
  const title =
    rows.length === 1
      ? `${showKey(rows[0]!.key)} is in slot ${rows[0]!.slot}`
      : `Hash slots of ${rows.length} keys${withOwner ? ` in ${opts.cluster}` : ''}`;
  const sections: MessageSection[] = [
    { lines: table(rows, withOwner), style: 'verbatim', spill: rows.length > 30 },
  ];
  const cross = crossSlotLines(rows, opts.suggestion);
  if (cross.length > 0) sections.push({ heading: 'Together', lines: cross, style: 'prose' });
  return {
    tone: 'info',
    title,
    sections,
    ...(opts.notes && opts.notes.length > 0 ? { notes: opts.notes } : {}),
    fallback: `${title}: ${rows.map((r) => `${showKey(r.key, 30)}=${r.slot}`).join(', ')}`,
  };
}
