/**
 * Rejoins lines that a terminal hard-wrapped at a fixed width (80, 100, 120 columns, a narrow tmux pane)
 * before they were copied. A width is only found when fragments of exactly that length are followed by
 * lines that do not start a record, and a run of fragments is only rejoined when the whole line reads as
 * cluster output (a CLUSTER NODES line with all its fields, a check line whose slot count adds up, ...)
 * while its pieces do not. Output that was not wrapped is returned as it came.
 */
import { isCheckLine, normalizeCheckLine } from './parse-check.ts';
import { parseNodeLines } from './parse-nodes.ts';
import { classifyLine, readPrompt } from './paste-lines.ts';
import { countSlots, parseRanges } from './slots.ts';

/** A cleaned line, its original line number, its width as a wrap saw it, and the blanks trimmed off it. */
export interface WrappedLine {
  text: string;
  lineNo: number;
  width: number;
  blanks: number;
}

/** The lines with wrapped runs rejoined, the wrap width found (null: none), and where each rejoin began. */
export interface UnwrapResult {
  lines: { text: string; lineNo: number }[];
  width: number | null;
  /** Original line number of the first fragment of every rejoined line. */
  rejoined: number[];
}

/** Narrower panes wrap even a node id, so the pieces can no longer be told apart. */
const MIN_WIDTH = 20;
/** Widths at which a single wrapped line is enough evidence, if the rejoined line proves its structure. */
const COMMON_WIDTHS: ReadonlySet<number> = new Set([80, 100, 120, 132, 160, 200]);
const MAX_PIECES = 5000;

const HEX40_RE = /^[0-9a-f]{40}(?:\s|$)/i;
const NODE_START_RE = /^[0-9a-f]{40}\s+\S*[:@]\d/i;
const SHORT_ID_START_RE = /^[0-9a-f]{4,39}(?:\.\.\.|…)\s/i;
const INFO_KEY_RE = /^[a-z_][a-z0-9_-]*:/;
const ADDRESS_START_RE = /^[^\s:]*:\d{1,5}@\d/;
const BARE_KEY_RE = /^[a-z_][a-z0-9_-]*$/;
const HEADER_RE = /^(?:#{1,6}\s|#\s?[A-Za-z]+\s*$|={3,}|-{3,}|==> |vars\s+currentEpoch)/;
/** How check lines begin, even when the rest of them is on the next row. */
const CHECK_START_RE =
  /^(?:[MS]:\s|slots:|replicates\s|\d+ additional repl|>>>|\[(?:OK|ERR|WARNING)\]|\*\*\* )/;
/** An INFO key cut before its colon ("cluster_stats_messages_ping_re"), after a whole INFO line. */
const CUT_KEY_RE = /^[a-z][a-z0-9]*_[a-z0-9_-]*$/;

/** True when `text` (a line after `prev`, before `next`) begins a record of its own, not the rest of `prev`. */
function startsRecord(text: string, prev: string, next: string | undefined): boolean {
  const t = text.trimStart();
  if (t === '') return true;
  if (HEX40_RE.test(t)) {
    // a 40-hex piece is the master id of a wrapped replica line unless an address follows it
    return NODE_START_RE.test(t) || (t.trimEnd().length === 40 && /^\s+\S*:\d/.test(next ?? ''));
  }
  if (SHORT_ID_START_RE.test(t) || HEADER_RE.test(t) || CHECK_START_RE.test(t)) return true;
  if (CUT_KEY_RE.test(t.trimEnd()) && INFO_KEY_RE.test(prev.trimStart())) return true;
  if (INFO_KEY_RE.test(t) && !ADDRESS_START_RE.test(t)) {
    // "..._exceed" + "ed:0": an INFO key cut before its colon goes on here
    return !(BARE_KEY_RE.test(prev.trim()) && /^[a-z0-9_-]+:/.test(t));
  }
  return isCheckLine(t) || readPrompt(t) !== null;
}

const MN_RE = /^[MS]:\s+[0-9a-f]{40}\s+\S+:\d{1,5}$/i;
const SLOTS_RE = /^slots:\s*([^(]*)\((\d+) slots?\)\s*(?:master|slave|replica)?$/;

/** The rejoined line's structure is proven: every node field, a check node or slot line that adds up. */
function provenLine(text: string): boolean {
  if (classifyLine(text) === 'node') {
    const res = parseNodeLines([{ text, lineNo: 1 }], false);
    return res.nodes.length === 1 && res.issues.length === 0;
  }
  const s = normalizeCheckLine(text);
  if (MN_RE.test(s) || /^replicates [0-9a-f]{40}$/i.test(s)) return true;
  const slots = SLOTS_RE.exec(s);
  if (!slots) return false;
  const ranges = parseRanges((slots[1] ?? '').replace(/[[\]]/g, ' '));
  return ranges !== null && countSlots(ranges) === Number(slots[2]);
}

/** How good a rejoined line is: 'proven' (structure checked), 'readable' (a known line kind), or null. */
function judge(text: string): 'proven' | 'readable' | null {
  if (provenLine(text)) return 'proven';
  const kind = classifyLine(text);
  if (kind === 'check') return 'readable';
  if (kind === 'info') return /^[a-z_][a-z0-9_.-]*:\S*$/.test(text.trim()) ? 'readable' : null;
  if (kind === 'prompt') return readPrompt(text)?.command === 'other' ? null : 'readable';
  return null;
}

/** True when a piece reads as a line of its own ("ed:0" after a cut INFO key "..._exceed" does not). */
function readsAlone(piece: string, prev: string): boolean {
  const t = piece.trim();
  if (BARE_KEY_RE.test(prev.trim()) && /^[a-z0-9_-]+:/.test(t)) return false;
  return judge(t) !== null;
}

/** The piece as it stood on screen: trailing blanks a copy kept, or the one blank a copy stripped. */
function onScreen(line: WrappedLine, width: number): string | null {
  if (line.width === width) return line.text + ' '.repeat(line.blanks);
  if (line.width === width - 1 && line.blanks === 0) return `${line.text} `;
  return null;
}

/** The wrap width: the fragment length (or that plus a stripped blank) most lines share, if any. */
function findWidth(lines: readonly WrappedLine[]): { width: number; strict: boolean } | null {
  const exact = new Map<number, number>();
  const stripped = new Map<number, number>();
  for (let i = 0; i + 1 < lines.length; i++) {
    const cur = lines[i] as WrappedLine;
    const next = lines[i + 1] as WrappedLine;
    if (cur.width < MIN_WIDTH - 1 || next.text.trim() === '') continue;
    if (startsRecord(next.text, cur.text, lines[i + 2]?.text)) continue;
    exact.set(cur.width, (exact.get(cur.width) ?? 0) + 1);
    if (cur.blanks === 0) stripped.set(cur.width + 1, (stripped.get(cur.width + 1) ?? 0) + 1);
  }
  // a fragment of exactly W outweighs one of W - 1 (which may only have lost a trailing blank)
  const ranked = [...new Set([...exact.keys(), ...stripped.keys()])]
    .filter((w) => w >= MIN_WIDTH)
    .map((width) => ({
      width,
      exact: exact.get(width) ?? 0,
      all: (exact.get(width) ?? 0) + (stripped.get(width) ?? 0),
    }))
    .sort((a, b) => b.exact + b.all - (a.exact + a.all) || b.width - a.width);
  for (const c of ranked) {
    if (c.all >= 2) return { width: c.width, strict: false };
    if (COMMON_WIDTHS.has(c.width)) return { width: c.width, strict: true };
  }
  return null;
}

/**
 * Rejoins lines hard-wrapped at one terminal width. Only runs whose rejoined line reads as a CLUSTER NODES,
 * check, INFO or prompt line (and whose pieces do not) are joined; everything else is returned unchanged,
 * so a paste that was not wrapped comes back as it was. Linear in the size of the input.
 */
export function unwrapLines(lines: readonly WrappedLine[]): UnwrapResult {
  const plain = (): UnwrapResult => ({
    lines: lines.map((l) => ({ text: l.text, lineNo: l.lineNo })),
    width: null,
    rejoined: [],
  });
  const found = findWidth(lines);
  if (!found) return plain();
  const { width, strict } = found;
  const out: UnwrapResult['lines'] = [];
  const rejoined: number[] = [];
  let budget = 50_000 + 8 * lines.reduce((n, l) => n + l.width + 1, 0);
  let i = 0;
  while (i < lines.length) {
    const first = lines[i] as WrappedLine;
    const pieces: string[] = [];
    for (let j = i; j < lines.length && pieces.length < MAX_PIECES && budget > 0; j++) {
      const line = lines[j] as WrappedLine;
      budget -= line.width + 1;
      if (j > i && startsRecord(line.text, lines[j - 1]?.text ?? '', lines[j + 1]?.text)) break;
      const full = onScreen(line, width);
      if (full === null) {
        if (j > i) pieces.push(line.text);
        break;
      }
      pieces.push(full);
    }
    let took = 0;
    for (let k = pieces.length; k >= 2 && took === 0 && budget > 0; k--) {
      const joined = pieces.slice(0, k).join('').trimEnd();
      budget -= 2 * joined.length; // the joined line, then its pieces, are read once each
      const verdict = judge(joined);
      if (verdict === null || (strict && verdict !== 'proven')) continue;
      // the pieces after the first must not read on their own (a slot list cut off a whole-looking node
      // line reads as nothing, so that line is extended)
      if (pieces.slice(1, k).some((p, n) => readsAlone(p, pieces[n] ?? ''))) continue;
      took = k;
    }
    if (took === 0) {
      out.push({ text: first.text, lineNo: first.lineNo });
      i++;
      continue;
    }
    out.push({ text: pieces.slice(0, took).join('').trimEnd(), lineNo: first.lineNo });
    rejoined.push(first.lineNo);
    i += took;
  }
  return rejoined.length > 0 ? { lines: out, width, rejoined } : plain();
}
