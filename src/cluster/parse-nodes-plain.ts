/**
 * The fast path of the CLUSTER NODES parser: a line exactly as Redis prints it (single spaces, full ids, an
 * IPv4 or empty address without hostname, known shapes in every column) read in one pass. Anything else
 * gives null and goes to the careful reader of ./parse-nodes.ts, so the result for any line is the same as
 * that reader's; this one only spares a live probe of 60 nodes (3,600 lines) most of the parsing time.
 */
import { parseNodeAddress, parseSlotToken } from './parse-address.ts';
import { normalizeRanges } from './slots.ts';
import { NODE_FLAGS, type NodeFlag, type NodeLine, type SlotRange } from './types.ts';

const KNOWN_FLAGS: ReadonlySet<string> = new Set(NODE_FLAGS);
const FLAG_RE = /^[a-z][a-z?_-]*$/i;
const FULL_ID_RE = /^[0-9a-f]{40}$/i;
const IPV4_RE = /^\d{1,3}(?:\.\d{1,3}){3}$/;

/** A decimal count of 1 to 16 digits, as the ping, pong and epoch columns print it; -1 otherwise. */
function count(t: string): number {
  if (t.length === 0 || t.length > 16) return -1;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
  }
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : -1;
}

/** Reads one CLUSTER NODES line printed the plain way Redis prints it; null for any other line. */
export function readPlainLine(text: string, lineNo: number): NodeLine | null {
  const f = text.split(' ');
  if (f.length < 8) return null;
  // Indexing, not destructuring: an array pattern runs the iterator protocol, slow in code not yet optimised.
  const idTok = f[0]!;
  const addrTok = f[1]!;
  const flagsTok = f[2]!;
  const masterTok = f[3]!;
  const link = f[7]!;
  if (!FULL_ID_RE.test(idTok)) return null;
  if (masterTok !== '-' && !FULL_ID_RE.test(masterTok)) return null;
  if (link !== 'connected' && link !== 'disconnected') return null;
  const pingSent = count(f[4]!);
  const pongRecv = count(f[5]!);
  const configEpoch = count(f[6]!);
  if (pingSent < 0 || pongRecv < 0 || configEpoch < 0) return null;
  if (addrTok.includes(',')) return null;
  const addr = parseNodeAddress(addrTok);
  if (!addr || (addr.ip !== '' && !IPV4_RE.test(addr.ip))) return null;
  const flags: NodeFlag[] = [];
  const unknownFlags: string[] = [];
  for (const flag of flagsTok.split(',')) {
    if (KNOWN_FLAGS.has(flag)) flags.push(flag as NodeFlag);
    else if (FLAG_RE.test(flag)) unknownFlags.push(flag);
    else return null;
  }
  const ranges: SlotRange[] = [];
  const migrating: NodeLine['migrating'] = [];
  const importing: NodeLine['importing'] = [];
  for (let i = 8; i < f.length; i++) {
    const slot = parseSlotToken(f[i]!);
    if (slot === null) return null;
    if (slot.kind === 'range') ranges.push({ start: slot.start, end: slot.end });
    else if (slot.kind === 'migrating') migrating.push({ slot: slot.slot, to: slot.to });
    else importing.push({ slot: slot.slot, from: slot.from });
  }
  return {
    id: idTok.toLowerCase(),
    abbreviated: false,
    ip: addr.ip,
    port: addr.port,
    cport: addr.cport,
    hostname: null,
    flags,
    unknownFlags,
    masterId: masterTok === '-' ? null : masterTok.toLowerCase(),
    pingSent,
    pongRecv,
    configEpoch,
    link,
    slots: normalizeRanges(ranges),
    migrating,
    importing,
    lineNo,
    raw: text,
  };
}
