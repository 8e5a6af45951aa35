/** Pure parsers for the small tokens of CLUSTER NODES lines: addresses, node ids and slot tokens. */

/** The address column of a CLUSTER NODES line, split into its parts. */
export interface NodeAddress {
  /** '' when empty (":7001@17001") or noaddr (":0@0"); IPv6 without brackets. */
  ip: string;
  port: number;
  cport: number | null;
  hostname: string | null;
}

const PORT_RE = /^\d{1,5}$/;

function toPort(text: string): number | null {
  if (!PORT_RE.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/**
 * Parses "ip:port", "ip:port@cport" or "ip:port@cport,hostname[,aux=...]" (IPv6 allowed, bracketed or not).
 * The port separator is the last ':' before '@'. Returns null when the shape is wrong.
 */
export function parseNodeAddress(field: string): NodeAddress | null {
  let hostPart = field;
  let cport: number | null = null;
  let hostname: string | null = null;
  const at = field.lastIndexOf('@');
  if (at >= 0) {
    hostPart = field.slice(0, at);
    const rest = field.slice(at + 1);
    const comma = rest.indexOf(',');
    const cportText = comma >= 0 ? rest.slice(0, comma) : rest;
    cport = toPort(cportText);
    if (cport === null) return null;
    if (comma >= 0) {
      // nodes.conf (7.2+) appends aux fields: ",hostname,shard-id=...,tls-port=0"; the first is the hostname.
      const first = rest.slice(comma + 1).split(',')[0] ?? '';
      hostname = first !== '' && !first.includes('=') ? first : null;
    }
  }
  const colon = hostPart.lastIndexOf(':');
  if (colon < 0) return null;
  let ip = hostPart.slice(0, colon);
  const port = toPort(hostPart.slice(colon + 1));
  if (port === null) return null;
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (ip !== '' && !/^[0-9A-Za-z.:_%-]+$/.test(ip)) return null;
  return { ip, port, cport, hostname };
}

/** A node id as printed: 40 hex chars, or an abbreviated prefix followed by "..." (or "…"). */
export interface ParsedNodeId {
  id: string;
  abbreviated: boolean;
}

const FULL_ID_RE = /^[0-9a-f]{40}$/i;
const SHORT_ID_RE = /^([0-9a-f]{4,39})(?:\.\.\.|…)$/i;

/** Parses a node id token; lower-cases it; null when it is neither a full nor an abbreviated id. */
export function parseNodeId(token: string): ParsedNodeId | null {
  if (FULL_ID_RE.test(token)) return { id: token.toLowerCase(), abbreviated: false };
  const m = SHORT_ID_RE.exec(token);
  if (m?.[1]) return { id: m[1].toLowerCase(), abbreviated: true };
  return null;
}

/** What one slot column token of a CLUSTER NODES line means. */
export type SlotToken =
  | { kind: 'range'; start: number; end: number }
  | { kind: 'migrating'; slot: number; to: string }
  | { kind: 'importing'; slot: number; from: string };

const RANGE_RE = /^(\d{1,5})(?:-(\d{1,5}))?$/;
const OPEN_RE = /^\[(\d{1,5})-(>|<)-([^\]\s]+)\]$/;

function slotNumber(text: string | undefined): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n < 16384 ? n : null;
}

/** Parses "5", "0-5460", "[5->-id]" or "[5-<-id]"; null when the token is none of them. */
export function parseSlotToken(token: string): SlotToken | null {
  const r = RANGE_RE.exec(token);
  if (r) {
    const start = slotNumber(r[1]);
    const end = r[2] === undefined ? start : slotNumber(r[2]);
    if (start === null || end === null || end < start) return null;
    return { kind: 'range', start, end };
  }
  const o = OPEN_RE.exec(token);
  if (o) {
    const slot = slotNumber(o[1]);
    const id = parseNodeId(o[3] ?? '');
    if (slot === null || id === null) return null;
    return o[2] === '>' ? { kind: 'migrating', slot, to: id.id } : { kind: 'importing', slot, from: id.id };
  }
  return null;
}
