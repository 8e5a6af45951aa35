/** Pure parser for CLUSTER NODES output and nodes.conf (Redis 3 to 7), tolerant of bad lines. */
import { parseNodeAddress, parseNodeId, parseSlotToken } from './parse-address.ts';
import { isRedactedHost, readLenientLine } from './parse-nodes-lenient.ts';
import { readPlainLine } from './parse-nodes-plain.ts';
import { splitLines } from './paste-limits.ts';
import { normalizeRanges } from './slots.ts';
import type { ClusterNodesView, NodeFlag, NodeLine, ParseIssue, SlotRange } from './types.ts';
import { NODE_FLAGS } from './types.ts';

/** One input line with its line number (1-based) in the text the user gave. */
export interface SourceLine {
  text: string;
  lineNo: number;
}

/** The parsed view plus the line number of a last line that looked cut off mid-line, if any. */
export interface NodesParseResult extends ClusterNodesView {
  truncatedLine: number | null;
}

export const NODE_LINE_SHAPE = '"<id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link> [slots]"';
/** Prefix of `ParseIssue.expected` for a last line that stops mid-line. */
export const TRUNCATED_PREFIX = 'the rest of the line';

const KNOWN_FLAGS: ReadonlySet<string> = new Set(NODE_FLAGS);
const FLAG_RE = /^[a-z][a-z?_-]*$/i;
const NUM_RE = /^\d{1,16}$/;
const VARS_RE = /^vars(?:\s+\S+\s+\S+)*\s*$/;

type FieldCheck = (token: string) => boolean;

const FIELD_CHECKS: readonly [string, FieldCheck][] = [
  ['a node id (40 hex chars, or abbreviated like "e7d1eecc...")', (t) => parseNodeId(t) !== null],
  ['an address "ip:port@cport"', (t) => readableAddress(t)],
  ['comma-separated flags like "myself,master"', (t) => t.split(',').every((f) => FLAG_RE.test(f))],
  ['a master id or "-"', (t) => t === '-' || parseNodeId(t) !== null],
  ['a ping-sent time in ms', (t) => isCount(t)],
  ['a pong-received time in ms', (t) => isCount(t)],
  ['a config epoch', (t) => isCount(t)],
  ['"connected" or "disconnected"', (t) => t === 'connected' || t === 'disconnected'],
];

/** An address as Redis prints it; a redacted one ("x.x.x.x:6379") goes to the lenient reader. */
function readableAddress(t: string): boolean {
  const a = parseNodeAddress(t);
  return a !== null && !isRedactedHost(a.ip) && !(a.hostname !== null && isRedactedHost(a.hostname));
}

function isCount(t: string): boolean {
  return NUM_RE.test(t) && Number.isSafeInteger(Number(t));
}

/** True when `token` could be the start of a valid field `index` (used to spot a cut-off last line). */
function isPrefixOfField(index: number, token: string): boolean {
  if (index === 0 || index === 3) return /^[0-9a-f]{1,40}\.{0,3}$/i.test(token) || token === '-';
  if (index === 1) return /^[0-9A-Za-z.:[\]_%-]*(@\d*)?(,[\w.-]*)?$/.test(token);
  if (index === 2) return /^[a-z?,_-]+$/i.test(token);
  if (index >= 4 && index <= 6) return /^\d+$/.test(token);
  if (index === 7) return 'connected'.startsWith(token) || 'disconnected'.startsWith(token);
  return /^(\d{1,5}-?\d{0,5}|\[\d{0,5}(-[<>]?-?[0-9a-f]{0,40})?\]?)$/i.test(token);
}

function looksCutOff(fields: readonly string[]): boolean {
  const last = fields.length - 1;
  for (let i = 0; i < last; i++) {
    const check = FIELD_CHECKS[i];
    if (check && !check[1](fields[i] ?? '')) return false;
  }
  return isPrefixOfField(last, fields[last] ?? '');
}

function issue(line: SourceLine, expected: string): ParseIssue {
  return { line: line.lineNo, text: line.text, expected };
}

function lenientSlot(token: string) {
  const t = parseSlotToken(token);
  if (!t) return null;
  if (t.kind === 'range') return { ranges: [{ start: t.start, end: t.end }] };
  return t.kind === 'migrating'
    ? { ranges: [], open: 'migrating' as const, slot: t.slot, peer: t.to }
    : { ranges: [], open: 'importing' as const, slot: t.slot, peer: t.from };
}

/** The strict reader refused the line: read it by the position of its flags column, or give the issue. */
function lenientOr(
  line: SourceLine,
  fields: readonly string[],
  refused: ParseIssue,
  mayBeCut: boolean,
): { node: NodeLine | null; issues: ParseIssue[]; cut: boolean } {
  const res = readLenientLine(fields, lenientSlot);
  if (!res) return { node: null, issues: [refused], cut: false };
  const node: NodeLine = { ...res.node, lineNo: line.lineNo, raw: line.text, odd: res.odd };
  // the strict reader's complaint stays: the line was read, but not as Redis prints it
  const issues = [refused];
  issues.push(
    ...res.badSlots.map((t) =>
      issue(
        line,
        `slot entries like "0-5460", "42", "[42->-<id>]" or "[42-<-<id>]", got "${t.slice(0, 60)}"`,
      ),
    ),
  );
  // the paste's last line stops inside the link word: whatever followed it (its slots) is missing
  const cut = mayBeCut && node.slotsUnknown === true && res.odd.includes('cut-link-word');
  if (cut)
    issues.push(
      issue(
        line,
        `${TRUNCATED_PREFIX}: it stops inside the link-state word, so its slots (if any) are missing`,
      ),
    );
  return { node, issues, cut };
}

/** Parses one CLUSTER NODES line; returns the node, and issues (a null node means the line was unusable). */
function parseLine(
  line: SourceLine,
  fields: string[],
  mayBeCut: boolean,
): { node: NodeLine | null; issues: ParseIssue[]; cut: boolean } {
  if (fields.length < 8) {
    if (mayBeCut && looksCutOff(fields)) {
      const expected = `${TRUNCATED_PREFIX}: it stops after ${fields.length} of the 8 fields ${NODE_LINE_SHAPE}, so the paste looks cut off here`;
      return { node: null, issues: [issue(line, expected)], cut: true };
    }
    return lenientOr(
      line,
      fields,
      issue(line, `${NODE_LINE_SHAPE}, got ${fields.length} field${fields.length === 1 ? '' : 's'}`),
      mayBeCut,
    );
  }
  for (let i = 0; i < FIELD_CHECKS.length; i++) {
    const [what, check] = FIELD_CHECKS[i] ?? ['', () => true];
    const token = fields[i] ?? '';
    if (!check(token))
      return lenientOr(
        line,
        fields,
        issue(line, `field ${i + 1} to be ${what}, got "${token.slice(0, 60)}"`),
        mayBeCut,
      );
  }
  const [
    idTok = '',
    addrTok = '',
    flagsTok = '',
    masterTok = '',
    ping = '',
    pong = '',
    epoch = '',
    link = '',
  ] = fields;
  const id = parseNodeId(idTok) ?? { id: idTok, abbreviated: false };
  const addr = parseNodeAddress(addrTok) ?? { ip: '', port: 0, cport: null, hostname: null };
  const flags: NodeFlag[] = [];
  const unknownFlags: string[] = [];
  for (const f of flagsTok.split(',')) {
    if (KNOWN_FLAGS.has(f)) flags.push(f as NodeFlag);
    else unknownFlags.push(f);
  }
  const ranges: SlotRange[] = [];
  const migrating: NodeLine['migrating'] = [];
  const importing: NodeLine['importing'] = [];
  const issues: ParseIssue[] = [];
  let cut = false;
  for (let i = 8; i < fields.length; i++) {
    const token = fields[i] ?? '';
    const slot = parseSlotToken(token);
    if (slot === null) {
      if (mayBeCut && i === fields.length - 1 && isPrefixOfField(8, token)) {
        cut = true;
        issues.push(
          issue(
            line,
            `${TRUNCATED_PREFIX}: its last slot entry "${token}" is incomplete, so the paste looks cut off here`,
          ),
        );
      } else {
        issues.push(
          issue(
            line,
            `slot entries like "0-5460", "42", "[42->-<id>]" or "[42-<-<id>]", got "${token.slice(0, 60)}"`,
          ),
        );
      }
    } else if (slot.kind === 'range') ranges.push({ start: slot.start, end: slot.end });
    else if (slot.kind === 'migrating') migrating.push({ slot: slot.slot, to: slot.to });
    else importing.push({ slot: slot.slot, from: slot.from });
  }
  const masterId = masterTok === '-' ? null : (parseNodeId(masterTok)?.id ?? null);
  const node: NodeLine = {
    id: id.id,
    abbreviated: id.abbreviated,
    ip: addr.ip,
    port: addr.port,
    cport: addr.cport,
    hostname: addr.hostname,
    flags,
    unknownFlags,
    masterId,
    pingSent: Number(ping),
    pongRecv: Number(pong),
    configEpoch: Number(epoch),
    link: link === 'connected' ? 'connected' : 'disconnected',
    slots: normalizeRanges(ranges),
    migrating,
    importing,
    lineNo: line.lineNo,
    raw: line.text,
  };
  return { node, issues, cut };
}

/** The most fields any line before `end` has (blank and "vars" lines aside). */
function widestLine(lines: readonly SourceLine[], end: number): number {
  let widest = 0;
  for (let i = 0; i < end; i++) {
    const t = (lines[i]?.text ?? '').trim();
    if (t !== '' && !VARS_RE.test(t)) widest = Math.max(widest, t.split(/\s+/).length);
  }
  return widest;
}

/**
 * Parses CLUSTER NODES / nodes.conf lines that carry their own line numbers. Never throws: every unusable
 * line becomes a ParseIssue and the valid lines are still returned. Blank lines and the nodes.conf
 * "vars currentEpoch N lastVoteEpoch M" line are skipped silently. `lastIsEndOfInput` says the final
 * line is the end of the paste, so a final line that stops mid-field is reported as cut off.
 */
export function parseNodeLines(lines: readonly SourceLine[], lastIsEndOfInput = true): NodesParseResult {
  const nodes: NodeLine[] = [];
  const issues: ParseIssue[] = [];
  let observer: string | null = null;
  let truncatedLine: number | null = null;
  let lastIndex = -1;
  for (let i = lines.length - 1; i >= 0; i--) {
    if ((lines[i]?.text ?? '').trim() !== '') {
      lastIndex = i;
      break;
    }
  }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const plain = readPlainLine(line.text, line.lineNo);
    if (plain) {
      nodes.push(plain);
      if (observer === null && plain.flags.includes('myself')) observer = plain.id;
      continue;
    }
    const trimmed = line.text.trim();
    if (trimmed === '' || VARS_RE.test(trimmed)) continue;
    const fields = trimmed.split(/\s+/);
    const last = lastIsEndOfInput && i === lastIndex;
    // A last line as wide as the widest other line is a paste with dropped columns, not a cut one.
    const widest = last ? widestLine(lines, lastIndex) : 0;
    const narrow = widest > 0 && widest < 8 && fields.length >= widest;
    const res = parseLine(line, fields, last && !narrow);
    issues.push(...res.issues);
    if (res.cut) truncatedLine = line.lineNo;
    if (!res.node) continue;
    nodes.push(res.node);
    if (observer === null && res.node.flags.includes('myself')) observer = res.node.id;
  }
  return { observer, nodes, issues, truncatedLine };
}

/** Formats an issue for people: 'line 4: expected "<id> ...", got 5 fields'. */
export function describeIssue(issue: ParseIssue): string {
  return `line ${issue.line}: expected ${issue.expected}`;
}

/** Parses a CLUSTER NODES dump (or nodes.conf); never throws, reports each bad line as a ParseIssue. */
export function parseClusterNodes(text: string, opts?: { firstLineNo?: number }): ClusterNodesView {
  const first = opts?.firstLineNo ?? 1;
  const lines = splitLines(text).map((t, i) => ({ text: t, lineNo: first + i }));
  const { observer, nodes, issues } = parseNodeLines(lines, !/\n\s*$/.test(text));
  return { observer, nodes, issues };
}
