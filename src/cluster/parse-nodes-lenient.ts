/**
 * Lenient reading of CLUSTER NODES lines people edited before pasting: opaque or redacted ids ("n1",
 * "<id-of-master>", "fb49..."), redacted addresses ("IP1:port1", "x.x.x.x:6379", "<redacted>"), dropped
 * columns ("id address flags") and a cut link word ("connecte"). Pure. It only reads a line whose flags
 * column is recognisable, says what was odd about it, and never invents what a column did not show: an
 * unknown address stays empty, and a line without its slot column says its slots are unknown.
 */
import { parseNodeAddress, parseNodeId } from './parse-address.ts';
import { normalizeRanges } from './slots.ts';
import type { NodeFlag, NodeLine, SlotRange } from './types.ts';
import { NODE_FLAGS } from './types.ts';

/** What was odd about a line read leniently (each one lowers confidence in what the line says). */
export type LineOddity = 'opaque-id' | 'short-id' | 'redacted-address' | 'missing-columns' | 'cut-link-word';

const KNOWN_FLAGS: ReadonlySet<string> = new Set(NODE_FLAGS);
const ROLE_FLAGS = new Set(['master', 'slave', 'myself', 'fail', 'fail?', 'handshake', 'noaddr', 'noflags']);
const COUNT_RE = /^\d{1,16}$/;
/** Tokens that stand for a hidden host: x.x.x.x, <ip>, [redacted], IP1, HOST_A, ***, ... */
const REDACTED_HOST_RE =
  /^(?:<[^>]{0,40}>|\[[^\]]{0,40}\]|\{[^}]{0,40}\}|(?:[x*]{1,3}|\d{1,3})(?:\.(?:[x*]{1,3}|\d{1,3})){3}|x+|\*+|\.{3}|…|(?:ip|host|node|server|addr|address|redacted|hidden|masked)[-_]?[a-z0-9]{0,4})$/i;

/** True when `token` is a flags column: comma-separated flags, at least one of them a role or state flag. */
export function isFlagsToken(token: string): boolean {
  const parts = token.split(',');
  return parts.every((p) => KNOWN_FLAGS.has(p)) && parts.some((p) => ROLE_FLAGS.has(p));
}

/** An id-like token: not a flags column, no address punctuation, not absurdly long. */
function idLike(token: string): boolean {
  return (
    token.length <= 64 &&
    /[0-9a-z]/i.test(token) &&
    !isFlagsToken(token) &&
    !/[:@,]/.test(token) &&
    !COUNT_RE.test(token)
  );
}

/** A host part that hides the real address (the "x.x.x.x" of "x.x.x.x:6379"). */
export function isRedactedHost(host: string): boolean {
  if (host === '') return false;
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)) return false;
  return REDACTED_HOST_RE.test(host) || /[<>*]|\bx\b/i.test(host) || /(^|\.)x(\.|$)/i.test(host);
}

/** Reads an id token; opaque ids are kept as written (lower-cased, so columns that repeat them match). */
function readId(token: string, odd: Set<LineOddity>): { id: string; abbreviated: boolean } {
  const parsed = parseNodeId(token);
  if (parsed) return parsed;
  if (/^[0-9a-f]{30,39}$/i.test(token)) {
    odd.add('short-id');
    return { id: token.toLowerCase(), abbreviated: true };
  }
  const m = /^([0-9a-f]{4,39})(?:\.{2,}|…)$/i.exec(token);
  if (m?.[1]) {
    odd.add('short-id');
    return { id: m[1].toLowerCase(), abbreviated: true };
  }
  odd.add('opaque-id');
  return { id: token.toLowerCase(), abbreviated: false };
}

function readAddress(
  token: string | undefined,
  odd: Set<LineOddity>,
): Pick<NodeLine, 'ip' | 'port' | 'cport' | 'hostname'> {
  const none = { ip: '', port: 0, cport: null, hostname: null };
  if (token === undefined) return none;
  const parsed = parseNodeAddress(token);
  if (parsed && !isRedactedHost(parsed.ip) && !(parsed.hostname && isRedactedHost(parsed.hostname)))
    return parsed;
  // a noaddr ":0@0" entry is not redacted
  if (parsed && parsed.ip === '' && parsed.port === 0) return parsed;
  odd.add('redacted-address');
  return none;
}

/** The link column, also cut short ("connecte", "disconn"); null when the token is not one. */
function readLink(token: string | undefined, odd: Set<LineOddity>): NodeLine['link'] | null {
  if (token === undefined) return null;
  if (token === 'connected' || token === 'disconnected') return token;
  if (token.length >= 4 && 'connected'.startsWith(token)) {
    odd.add('cut-link-word');
    return 'connected';
  }
  if (token.length >= 4 && 'disconnected'.startsWith(token)) {
    odd.add('cut-link-word');
    return 'disconnected';
  }
  return null;
}

/** An address column as printed or redacted: "ip:port[@cport]", "IP1:port1", "<redacted>", "x.x.x.x". */
function addressLike(token: string): boolean {
  return /[:@]/.test(token) || isRedactedHost(token);
}

/** Where the flags column is, when the line has the shape of a (possibly edited) node line; else -1. */
export function flagsColumn(fields: readonly string[]): number {
  if (
    fields.length >= 3 &&
    isFlagsToken(fields[2] ?? '') &&
    idLike(fields[0] ?? '') &&
    addressLike(fields[1] ?? '')
  )
    return 2;
  // "id flags master ping pong epoch link": the address column alone was dropped
  if (
    fields.length >= 7 &&
    isFlagsToken(fields[1] ?? '') &&
    idLike(fields[0] ?? '') &&
    COUNT_RE.test(fields[3] ?? '')
  )
    return 1;
  return -1;
}

/** A node line read leniently, plus what was odd about it; null when the line is not a node line at all. */
export interface LenientLine {
  node: Omit<NodeLine, 'lineNo' | 'raw'>;
  odd: LineOddity[];
  /** Slot tokens that did not read (the strict reader reports them). */
  badSlots: string[];
}

/**
 * Reads a line the strict reader refused, by the position of its flags column. Columns after the flags are
 * taken in order while they have the expected shape; whatever is missing is reported as 'missing-columns'
 * and `slotsShown` is false when the slot column cannot have been printed.
 */
export function readLenientLine(
  fields: readonly string[],
  parseSlot: (
    t: string,
  ) => { ranges: SlotRange[]; open?: 'migrating' | 'importing'; slot?: number; peer?: string } | null,
): LenientLine | null {
  const f = flagsColumn(fields);
  if (f < 0) return null;
  const odd = new Set<LineOddity>();
  const id = readId(fields[0] ?? '', odd);
  const addr = readAddress(f === 2 ? fields[1] : undefined, odd);
  if (f === 1) odd.add('missing-columns');
  const flags: NodeFlag[] = [];
  const unknownFlags: string[] = [];
  for (const flag of (fields[f] ?? '').split(',')) {
    if (KNOWN_FLAGS.has(flag)) flags.push(flag as NodeFlag);
    else unknownFlags.push(flag);
  }
  let i = f + 1;
  let masterId: string | null = null;
  const masterTok = fields[i];
  if (masterTok !== undefined && (masterTok === '-' || idLike(masterTok))) {
    masterId = masterTok === '-' ? null : readId(masterTok, odd).id;
    i++;
  }
  const counts: number[] = [];
  while (counts.length < 3 && COUNT_RE.test(fields[i] ?? '')) counts.push(Number(fields[i++]));
  const link = readLink(fields[i], odd);
  if (link !== null) i++;
  // a cut link word with nothing after it: the slot column went with the rest of the line
  const slotsShown = link !== null && !(odd.has('cut-link-word') && i >= fields.length);
  if (!slotsShown || counts.length < 3 || masterTok === undefined) odd.add('missing-columns');
  const ranges: SlotRange[] = [];
  const migrating: NodeLine['migrating'] = [];
  const importing: NodeLine['importing'] = [];
  const badSlots: string[] = [];
  for (; slotsShown && i < fields.length; i++) {
    const t = parseSlot(fields[i] ?? '');
    if (!t) badSlots.push(fields[i] ?? '');
    else if (t.open === 'migrating' && t.slot !== undefined)
      migrating.push({ slot: t.slot, to: t.peer ?? '' });
    else if (t.open === 'importing' && t.slot !== undefined)
      importing.push({ slot: t.slot, from: t.peer ?? '' });
    else ranges.push(...t.ranges);
  }
  const node: LenientLine['node'] = {
    id: id.id,
    abbreviated: id.abbreviated,
    ...addr,
    flags,
    unknownFlags,
    masterId,
    pingSent: counts[0] ?? 0,
    pongRecv: counts[1] ?? 0,
    configEpoch: counts[2] ?? 0,
    link: link ?? 'connected',
    slots: normalizeRanges(ranges),
    migrating,
    importing,
  };
  if (!slotsShown) node.slotsUnknown = true;
  if (odd.has('redacted-address')) node.addressHidden = true;
  return { node, odd: [...odd], badSlots };
}
