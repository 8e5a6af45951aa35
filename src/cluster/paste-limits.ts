/**
 * Caps on pasted text, applied once, before any other paste work: total characters, total lines (every
 * kind of line break counts: \n, \r\n and a lone \r) and characters per line. One linear pass; what is
 * cut is reported so the answer can say what was read and what was not. Never throws.
 */

import type { ParseIssue } from './types.ts';
import { formatCount } from './util.ts';

/** The limits; the defaults bound the work one paste can cause to well under a second. */
export interface PasteLimits {
  /** Characters read at most; the rest of the paste is not read. */
  maxChars: number;
  /** Lines read at most. */
  maxLines: number;
  /** Separate outputs (one node's CLUSTER NODES, an INFO, a check report) read at most. */
  maxOutputs: number;
  /**
   * Characters kept of one line. The longest CLUSTER NODES line a real cluster prints (a master owning
   * thousands of scattered slot ranges) stays below the default; anything longer is cut and reported.
   */
  maxLineChars: number;
}

/** Default caps: 2,000,000 characters, 50,000 lines, 500 outputs, 16,384 characters per line. */
export const DEFAULT_PASTE_LIMITS: Readonly<PasteLimits> = {
  maxChars: 2_000_000,
  maxLines: 50_000,
  maxOutputs: 500,
  maxLineChars: 16_384,
};

/** A line that was longer than the cap: its 1-based number and its full length. */
export interface CutLine {
  lineNo: number;
  length: number;
}

/** What the caps did to one paste. */
export interface LimitReport {
  /** Length of the whole input. */
  totalChars: number;
  /** Characters of the input that were read (lines kept whole or cut, and their breaks). */
  readChars: number;
  /** Lines kept. */
  readLines: number;
  /** Which cap stopped the reading early, if any. */
  stoppedBy: 'chars' | 'lines' | null;
  /** The first cut lines (at most 20). */
  cutLines: CutLine[];
  /** How many lines were cut in all. */
  cutCount: number;
  limits: PasteLimits;
}

/** The lines kept (each at most `maxLineChars`), the numbers of every cut line, and the report. */
export interface LimitedPaste {
  lines: string[];
  cut: number[];
  report: LimitReport;
}

const LISTED_CUTS = 20;
const CR = 13;
const LF = 10;
const BREAK_RE = /[\r\n]/g;
const LONE_CR_RE = /\r(?!\n)/;

/**
 * Splits `text` into lines exactly as `text.split(/\r*\n|\r/)` does (a run of \r before \n is one
 * break, a lone \r is a break), but in linear time: that regex backtracks quadratically on long runs of
 * \r. Stops after `max` lines.
 */
export function splitLines(text: string, max = Number.POSITIVE_INFINITY): string[] {
  // Every \r (if any) ends a \r\n: the native split gives the same lines, faster.
  if (max === Number.POSITIVE_INFINITY && !LONE_CR_RE.test(text)) {
    const parts = text.split('\n');
    if (text.includes('\r')) {
      for (let i = 0; i < parts.length; i++) {
        const p = parts[i]!;
        if (p.endsWith('\r')) parts[i] = p.slice(0, -1);
      }
    }
    return parts;
  }
  const out: string[] = [];
  eachLine(text, max, (line) => {
    out.push(line);
  });
  return out;
}

/**
 * Calls `visit(line, end)` for each line of `text` (at most `max`), `end` being the index just past the
 * line's break. Linear: a run of \r is measured once, however many lines it separates.
 */
function eachLine(text: string, max: number, visit: (line: string, end: number) => void): void {
  let start = 0;
  let runEnd = -1; // the \r run last measured ends here (exclusive)...
  let runLF = false; // ...and is followed by \n
  for (let count = 0; count < max; count++) {
    BREAK_RE.lastIndex = start;
    const m = BREAK_RE.exec(text);
    if (!m) {
      visit(text.slice(start), text.length);
      return;
    }
    const at = m.index;
    let next = at + 1;
    if (text.charCodeAt(at) === CR) {
      if (at >= runEnd) {
        let j = at;
        while (j < text.length && text.charCodeAt(j) === CR) j++;
        runEnd = j;
        runLF = j < text.length && text.charCodeAt(j) === LF;
      }
      if (runLF) next = runEnd + 1;
    }
    visit(text.slice(start, at), next);
    start = next;
  }
}

/** Cuts `line` to `max` characters without splitting a surrogate pair. */
function cutLine(line: string, max: number): string {
  let end = max;
  const code = line.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return line.slice(0, end);
}

/**
 * Applies the caps to `text` in one linear pass. The kept lines joined with "\n" are the text to read;
 * when a cap stopped the reading, the last kept line is followed by an empty one (it ended in a break).
 */
export function limitPaste(text: string, limits: PasteLimits = DEFAULT_PASTE_LIMITS): LimitedPaste {
  const byChars = text.length > limits.maxChars;
  const input = byChars ? text.slice(0, limits.maxChars) : text;
  const lines: string[] = [];
  const cutLines: CutLine[] = [];
  const cut: number[] = [];
  let readChars = 0;
  eachLine(input, limits.maxLines, (line, end) => {
    if (line.length > limits.maxLineChars) {
      cut.push(lines.length + 1);
      if (cutLines.length < LISTED_CUTS) cutLines.push({ lineNo: lines.length + 1, length: line.length });
      lines.push(cutLine(line, limits.maxLineChars));
    } else lines.push(line);
    readChars = end;
  });
  const stoppedBy = readChars < input.length ? 'lines' : byChars ? 'chars' : null;
  if (stoppedBy === 'lines') lines.push('');
  return {
    lines,
    cut,
    report: {
      totalChars: text.length,
      readChars,
      readLines: stoppedBy === 'lines' ? lines.length - 1 : lines.length,
      stoppedBy,
      cutLines,
      cutCount: cut.length,
      limits: { ...limits },
    },
  };
}

const fmt = (n: number) => formatCount(n);
const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;

/** The report as sentences for the answer: what was read, and what was cut. Empty when nothing was. */
export function limitNotes(report: LimitReport): string[] {
  const out: string[] = [];
  const { limits } = report;
  if (report.stoppedBy === 'lines') {
    out.push(`the paste has more than ${limits.maxLines} lines; only the first ${limits.maxLines} were read`);
  } else if (report.stoppedBy === 'chars') {
    out.push(
      `the paste is ${fmt(report.totalChars)} characters long, more than the ${fmt(limits.maxChars)} I read: only lines 1-${report.readLines} were read and the remaining ${plural(report.totalChars - limits.maxChars, 'character')} were not`,
    );
  }
  if (report.cutCount > 0) {
    const listed = report.cutLines.map((c) => `line ${c.lineNo} (${fmt(c.length)} characters)`);
    const more = report.cutCount > listed.length ? ` and ${report.cutCount - listed.length} more` : '';
    out.push(
      `${report.cutCount === 1 ? 'one line is' : `${report.cutCount} lines are`} longer than ${fmt(limits.maxLineChars)} characters, more than any Redis Cluster output line: only the first ${fmt(limits.maxLineChars)} characters of ${listed.join(', ')}${more} were read, and a CLUSTER NODES line cut this way is not read as a node`,
    );
  }
  return out;
}

/** Unreadable entries listed per line; the rest are counted in one more issue. */
export const MAX_ISSUES_PER_LINE = 3;

/**
 * Bounds the parse issues of a paste: each line's text is redacted once (not once per issue) and at
 * most MAX_ISSUES_PER_LINE issues are kept per line, the last of them counting the ones left out. So a
 * line of thousands of bad entries costs one redaction and a few issues, not thousands of copies.
 */
export function boundIssues(issues: readonly ParseIssue[], redact: (text: string) => string): ParseIssue[] {
  const redacted = new Map<string, string>();
  const perLine = new Map<number, { count: number; last: number }>();
  const out: ParseIssue[] = [];
  for (const issue of issues) {
    const seen = perLine.get(issue.line) ?? { count: 0, last: -1 };
    seen.count++;
    perLine.set(issue.line, seen);
    if (seen.count > MAX_ISSUES_PER_LINE) continue;
    let text = redacted.get(issue.text);
    if (text === undefined) {
      text = redact(issue.text);
      redacted.set(issue.text, text);
    }
    seen.last = out.length;
    out.push({
      ...issue,
      text,
      expected: text === issue.text ? issue.expected : quotedSecrets(issue.expected, text),
    });
  }
  for (const { count, last } of perLine.values()) {
    const kept = out[last];
    if (count <= MAX_ISSUES_PER_LINE || !kept) continue;
    const more = count - MAX_ISSUES_PER_LINE;
    out[last] = {
      ...kept,
      expected: `${kept.expected}; and ${more} more unreadable entr${more === 1 ? 'y' : 'ies'} on this line, not listed`,
    };
  }
  return out;
}

/**
 * `expected` with the token it quotes (`..., got "<token>"`, always last) replaced by *** when redaction
 * removed that token from its line: an issue about a line that held a secret never quotes it back.
 */
function quotedSecrets(expected: string, redactedLine: string): string {
  return expected.replace(/got "(.*)"$/s, (whole, token: string) =>
    redactedLine.includes(token) ? whole : 'got "***"',
  );
}

/** The issue for a line cut by the per-line cap: it is not read, and says why. */
export function cutLineIssue(line: { text: string; lineNo: number }, maxLineChars: number): ParseIssue {
  return {
    line: line.lineNo,
    text: line.text,
    expected: `a line of at most ${formatCount(maxLineChars)} characters: this one is longer and was cut, so it is not read as a node`,
  };
}

/**
 * Which cleaned lines carry the cut end of a cut input line: the last one with its line number (a JSON
 * log line expands into several lines, and only the last of them was cut). Returns their `index`es.
 */
export function cutIndexes(
  lines: readonly { lineNo: number; index?: number }[],
  cut: readonly number[],
): Set<number> {
  const out = new Set<number>();
  if (cut.length === 0) return out;
  const wanted = new Set(cut);
  const last = new Map<number, number>();
  for (const l of lines) if (wanted.has(l.lineNo) && l.index !== undefined) last.set(l.lineNo, l.index);
  for (const index of last.values()) out.add(index);
  return out;
}

/**
 * The first `max` outputs of a paste; a note says how many more there were and from which line on they
 * were not read (a real paste holds one output per node, so more than `max` is not one cluster's worth).
 */
export function capOutputs<B extends { lines: readonly { lineNo: number }[] }>(
  blocks: readonly B[],
  max: number,
): { kept: B[]; note: string | null } {
  if (blocks.length <= max) return { kept: [...blocks], note: null };
  const from = blocks[max]?.lines[0]?.lineNo ?? 0;
  return {
    kept: blocks.slice(0, max),
    note: `the paste holds ${blocks.length} separate outputs (CLUSTER NODES, INFO, check reports), more than the ${max} I read: those from line ${from} on were not read`,
  };
}
