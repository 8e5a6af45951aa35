/**
 * Finds Redis errors in pasted or typed text: application logs, stack traces, redis-cli sessions, chat
 * messages mangled by Slack. Pure, synchronous and bounded: the input is cut at 256 KiB and each line at
 * 4 KiB, a text without any signature's anchor costs one substring search per anchor, and every regex is
 * linear. Never throws.
 */
import { cleanPastedText } from '../../cluster/clean-text.ts';
import { SLOT_COUNT } from '../../cluster/slots.ts';
import { ANCHORS, type Capture, clientNamedIn, SIGNATURES, type Signature } from './signatures.ts';
import {
  EXPLAIN_CODES,
  type ExplainCode,
  type RecognisedError,
  type Recognition,
  type Sighting,
} from './types.ts';

/** Most characters read; the rest is ignored and counted. */
export const MAX_INPUT_CHARS = 256 * 1024;
/** Most characters of one line matched against the signatures. */
export const MAX_LINE_CHARS = 4096;
/** Most distinct errors listed. */
export const MAX_ERRORS = 20;

/** How much it takes to count as an error. */
export interface RecogniseOptions {
  /**
   * Only signatures that carry the error's own message text (for unprompted chat messages). When false,
   * a bare code word or class name counts too (someone asked to explain the text).
   */
  strict: boolean;
}

const EMPTY: Recognition = { errors: [], truncatedChars: 0, omitted: 0 };

/** Splits "host:port" at its last colon; a link or quote around it is dropped. Null when no port. */
export function readNode(token: string): { host: string; port: number } | null {
  const t = token
    .replace(/^[<("'`*_]+/, '')
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/[>)\]}"'`*_.,;!|/]+$/, '');
  const i = t.lastIndexOf(':');
  if (i < 0) return null;
  const port = Number(t.slice(i + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535 || !/^\d+$/.test(t.slice(i + 1))) return null;
  let host = t.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}

function formatNode(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Builds a sighting from one match, or null when its slot or node is not plausible. */
function sighting(s: Signature, m: RegExpMatchArray, line: string, lineNo: number): Sighting | null {
  const out: Sighting = { code: s.code, form: s.form, line: lineNo };
  const client = s.client ?? clientNamedIn(line);
  if (client) out.client = client;
  if (s.variantOf && m[1]) out.variant = s.variantOf(m[1]);
  const order: Record<Capture, ('slot' | 'node')[]> = {
    'slot-node': ['slot', 'node'],
    'node-slot': ['node', 'slot'],
    slot: ['slot'],
    node: ['node'],
    none: [],
  };
  for (const [i, what] of order[s.capture].entries()) {
    const text = m[i + 1] ?? '';
    if (what === 'slot') {
      const slot = Number(text);
      if (!Number.isInteger(slot) || slot >= SLOT_COUNT) return null;
      out.slot = slot;
    } else {
      const node = readNode(text);
      if (!node) return null;
      if (node.host === '' || node.host === '?') out.variant = 'unknown-endpoint';
      out.node = formatNode(node.host === '' ? '?' : node.host, node.port);
    }
  }
  return out;
}

/** The sightings on one line: strict signatures first; a lenient one only for codes not seen yet. */
function scanLine(line: string, lineNo: number, strict: boolean): Sighting[] {
  const found: { at: number; s: Sighting }[] = [];
  const seen = new Set<ExplainCode>();
  for (const s of SIGNATURES) {
    if (strict && !s.strict) continue;
    if ((s.fallback || !s.strict) && seen.has(s.code)) continue;
    if (!line.includes(s.anchor)) continue;
    for (const m of line.matchAll(s.re)) {
      const got = sighting(s, m, line, lineNo);
      if (!got) continue;
      found.push({ at: m.index ?? 0, s: got });
      seen.add(s.code);
    }
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.s);
}

function groupKey(s: Sighting): string {
  return [s.code, s.variant ?? '', s.slot ?? '', s.node ?? ''].join('\u0000');
}

function excerpt(line: string): string {
  const t = line.trim();
  return t.length > 200 ? `${t.slice(0, 197)}...` : t;
}

/** Groups sightings of the same error, keeping the order of first appearance. */
function group(sightings: readonly Sighting[], lines: readonly string[]): Recognition {
  const byKey = new Map<string, RecognisedError>();
  for (const s of sightings) {
    const key = groupKey(s);
    const prev = byKey.get(key);
    if (prev) {
      prev.count += 1;
      if (s.client && !prev.clients.includes(s.client)) prev.clients.push(s.client);
      if (!prev.forms.includes(s.form)) prev.forms.push(s.form);
      continue;
    }
    const e: RecognisedError = {
      code: s.code,
      count: 1,
      clients: s.client ? [s.client] : [],
      forms: [s.form],
      firstLine: s.line,
      excerpt: excerpt(lines[s.line - 1] ?? ''),
    };
    if (s.variant) e.variant = s.variant;
    if (s.slot !== undefined) e.slot = s.slot;
    if (s.node) e.node = s.node;
    byKey.set(key, e);
  }
  const all = [...byKey.values()];
  return {
    errors: all.slice(0, MAX_ERRORS),
    truncatedChars: 0,
    omitted: Math.max(0, all.length - MAX_ERRORS),
  };
}

/** A whole text that is just a code ("crossslot", "MOVED"), in any case: explained when asked. */
function bareCode(text: string): ExplainCode | null {
  const t = text
    .trim()
    .replace(/^[`'"*]+|[`'"*]+$/g, '')
    .toUpperCase();
  return t.length <= 30 && (EXPLAIN_CODES as readonly string[]).includes(t) ? (t as ExplainCode) : null;
}

/** Recognises the Redis errors in `text`; an empty list when there are none. */
export function recogniseErrors(text: string, opts: RecogniseOptions): Recognition {
  if (typeof text !== 'string' || text.length === 0) return EMPTY;
  const input = text.length > MAX_INPUT_CHARS ? text.slice(0, MAX_INPUT_CHARS) : text;
  const truncatedChars = text.length - input.length;
  if (!opts.strict) {
    const code = bareCode(input);
    if (code) {
      const e: RecognisedError = { code, count: 1, clients: [], forms: ['raw'], firstLine: 1, excerpt: code };
      return { errors: [e], truncatedChars, omitted: 0 };
    }
  }
  if (!ANCHORS.some((a) => input.includes(a))) return { ...EMPTY, truncatedChars };
  const lines = cleanPastedText(input).text.split('\n');
  const sightings: Sighting[] = [];
  for (const [i, raw] of lines.entries()) {
    const line = raw.length > MAX_LINE_CHARS ? raw.slice(0, MAX_LINE_CHARS) : raw;
    sightings.push(...scanLine(line, i + 1, opts.strict));
  }
  return { ...group(sightings, lines), truncatedChars };
}

/** True when `text` holds a Redis error written out in full (what an unprompted message must show). */
export function holdsRedisError(text: string): boolean {
  return recogniseErrors(text, { strict: true }).errors.length > 0;
}
