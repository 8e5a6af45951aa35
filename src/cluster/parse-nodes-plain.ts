/**
 * The fast path of the CLUSTER NODES parser: a line exactly as Redis prints it (single spaces, full ids, an
 * IPv4 or empty address without hostname, known shapes in every column) read in one pass. Anything else
 * gives null and goes to the careful reader of ./parse-nodes.ts, so the result for any line is the same as
 * that reader's; this one only spares a live probe of 60 nodes (3,600 lines) most of the parsing time.
 */
import { parseSlotToken } from './parse-address.ts';
import { normalizeRanges } from './slots.ts';
import { NODE_FLAGS, type NodeFlag, type NodeLine, type SlotRange } from './types.ts';

const KNOWN_FLAGS: ReadonlySet<string> = new Set(NODE_FLAGS);
const FLAG_RE = /^[a-z][a-z?_-]*$/i;
/**
 * The whole line in one native match (code not yet optimised runs a regex far faster than a loop over
 * characters): id, IPv4 or empty host, port, bus port, flags, master, ping, pong, epoch, link, slots.
 */
const LINE_RE =
  /^([0-9a-f]{40}) ((?:\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})?):(\d{1,5})(?:@(\d{1,5}))? ([^ ]+) ([0-9a-f]{40}|-) (\d{1,16}) (\d{1,16}) (\d{1,16}) (connected|disconnected)((?: [^ ]+)*)$/i;

/** A port as Redis prints it (already 1 to 5 digits): its number, or -1 above 65535. */
function port(text: string): number {
  const n = Number(text);
  return n <= 65535 ? n : -1;
}

/** Reads one CLUSTER NODES line printed the plain way Redis prints it; null for any other line. */
export function readPlainLine(text: string, lineNo: number): NodeLine | null {
  const m = LINE_RE.exec(text);
  if (!m) return null;
  const dataPort = port(m[3]!);
  const cport = m[4] === undefined ? null : port(m[4]);
  if (dataPort < 0 || (cport !== null && cport < 0)) return null;
  const pingSent = Number(m[7]);
  const pongRecv = Number(m[8]);
  const configEpoch = Number(m[9]);
  if (
    !Number.isSafeInteger(pingSent) ||
    !Number.isSafeInteger(pongRecv) ||
    !Number.isSafeInteger(configEpoch)
  )
    return null;
  const flags: NodeFlag[] = [];
  const unknownFlags: string[] = [];
  for (const flag of m[5]!.split(',')) {
    if (KNOWN_FLAGS.has(flag)) flags.push(flag as NodeFlag);
    else if (FLAG_RE.test(flag)) unknownFlags.push(flag);
    else return null;
  }
  const ranges: SlotRange[] = [];
  const migrating: NodeLine['migrating'] = [];
  const importing: NodeLine['importing'] = [];
  const tail = m[11]!;
  if (tail !== '') {
    const tokens = tail.split(' ');
    // tokens[0] is the empty text before the first space
    for (let i = 1; i < tokens.length; i++) {
      const slot = parseSlotToken(tokens[i]!);
      if (slot === null) return null;
      if (slot.kind === 'range') ranges.push({ start: slot.start, end: slot.end });
      else if (slot.kind === 'migrating') migrating.push({ slot: slot.slot, to: slot.to });
      else importing.push({ slot: slot.slot, from: slot.from });
    }
  }
  const master = m[6]!;
  return {
    id: m[1]!.toLowerCase(),
    abbreviated: false,
    ip: m[2]!,
    port: dataPort,
    cport,
    hostname: null,
    flags,
    unknownFlags,
    masterId: master === '-' ? null : master.toLowerCase(),
    pingSent,
    pongRecv,
    configEpoch,
    link: m[10] === 'connected' ? 'connected' : 'disconnected',
    slots: normalizeRanges(ranges),
    migrating,
    importing,
    lineNo,
    raw: text,
  };
}
