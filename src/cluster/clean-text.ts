/**
 * Undoes what Slack, markdown, terminals and log pipelines do to pasted Redis output, while keeping a
 * map from every cleaned line back to its original (1-based) line number.
 */
import { splitLines } from './paste-limits.ts';

/**
 * Cleaned text, for cleaned line i (0-based) the original line number (1-based) it came from, and its
 * width as a wrap saw it (trailing blanks and colour codes included).
 */
export interface CleanedText {
  text: string;
  lineMap: number[];
  widths: number[];
  /** How many trailing blanks were trimmed off each cleaned line. */
  blanks: number[];
}

interface Line {
  text: string;
  lineNo: number;
  /** Characters of colour codes removed: a byte-counting wrap (fold, a log viewer) counted them. */
  ansi?: number;
}

const MAX_LINES = 200_000;
const ESC = String.fromCharCode(27);
const ANSI_RE = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]|${ESC}[()][A-Z0-9]|\\[\\d{1,3}(?:;\\d{1,3})*m`, 'g');

/** Removes ANSI colour codes, also when the ESC byte was lost in the copy ("[32;1m[OK]"). */
export function stripAnsi(s: string): string {
  return s.replace(ANSI_RE, '');
}
const FENCE_ONLY_RE = /^\s*```\s*([A-Za-z][\w+-]{0,15})?\s*$/;
const FENCE_LANG =
  /^(text|txt|plaintext|plain|bash|sh|shell|console|shell-session|log|redis|conf|ini|json|none)\b\s*/i;
const SLACK_LINK_RE = /<((?:https?|mailto|ftp|tel):[^|<>\s]{0,2000})(?:\|([^<>]{0,2000}))?>/g;
/** A log line's timestamp prefix (ISO 8601 or syslog) and up to 6 more words, before a CLUSTER NODES line. */
const LOG_PREFIX_RE =
  /^(?:\[?\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z|[+-]\d\d:?\d\d)?\]?|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)(?:\s+\S{1,80}){0,6}?\s+(?=[0-9a-f]{40} \S{0,100}:\d)/;
/** Slack's single-asterisk bold around a word or run of words: "*a b*" -> "a b" (never "**" or "***"). */
const SLACK_BOLD_RE = /(^|\s)\*(?!\*)([^\s*](?:[^*]*[^\s*])?)\*(?!\*)(?=\s|$)/g;
const XTRACE_ASSIGN_RE = /^\++ [A-Za-z_][A-Za-z0-9_]*=(\$?)'(.*)$/;

function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;|&apos;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function unlinkSlack(s: string): string {
  if (!s.includes('<')) return s;
  return s.replace(SLACK_LINK_RE, (_m, url: string, label: string | undefined) => {
    if (label !== undefined && label !== '') return label;
    return url.startsWith('mailto:') ? url.slice(7) : url;
  });
}

/** Strips Slack/markdown quote markers ("> ", "> > > "), leaving ">>>" that has no space after it. */
function stripQuotes(s: string): string {
  let out = s;
  for (let i = 0; i < 20; i++) {
    const m = /^\s*>(?: |$)/.exec(out);
    if (!m) break;
    out = out.slice(m[0].length);
  }
  return out;
}

function stripFenceMarks(s: string): string {
  let out = s;
  if (out.trimStart().startsWith('```')) {
    out = out.trimStart().slice(3);
    const lang = FENCE_LANG.exec(out);
    if (lang && (out.length === lang[0].length || /\s$/.test(lang[0]))) out = out.slice(lang[0].length);
  }
  if (out.trimEnd().endsWith('```')) out = out.trimEnd().slice(0, -3);
  // a whole line wrapped in inline code: `...`
  const t = out.trim();
  if (t.length > 2 && t.startsWith('`') && t.endsWith('`') && !t.slice(1, -1).includes('`'))
    out = t.slice(1, -1);
  return out;
}

/** Unescapes a JSON string body ("a\\nb" -> "a\nb"); falls back to replacing the common escapes. */
function unescapeJsonString(body: string): string {
  try {
    const v: unknown = JSON.parse(`"${body}"`);
    if (typeof v === 'string') return v;
  } catch {
    // not valid JSON string syntax: do it by hand below
  }
  return body
    .replace(/\\r\\n|\\n|\\r/g, '\n')
    .replace(/\\t/g, '\t')
    .replace(/\\"/g, '"')
    .replace(/\\\\/g, '\\');
}

function longestEscapedString(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\n') ? value : null;
  if (depth > 8 || value === null || typeof value !== 'object') return null;
  let best: string | null = null;
  for (const v of Object.values(value as Record<string, unknown>)) {
    const s = longestEscapedString(v, depth + 1);
    if (s !== null && (best === null || s.length > best.length)) best = s;
  }
  return best;
}

/** If a line is a log record carrying multi-line output as "\n" escapes, returns the unescaped output. */
function expandEscapedLine(s: string): string | null {
  if (!/\\n/.test(s)) return null;
  const brace = s.indexOf('{');
  if (brace >= 0) {
    try {
      const parsed: unknown = JSON.parse(s.slice(brace, s.lastIndexOf('}') + 1));
      const found = longestEscapedString(parsed);
      if (found !== null) return found;
    } catch {
      // not a whole JSON object: fall through to the quoted-string scan
    }
  }
  // a quoted string carrying "\n" escapes: "..." (JSON, Go, Java logs) or '...' (Python bytes/str repr)
  for (const re of [/"((?:[^"\\]|\\.)*)"/g, /'((?:[^'\\]|\\.)*)'/g]) {
    for (const m of s.matchAll(re)) {
      const body = m[1] ?? '';
      if (body.includes('\\n'))
        return unescapeJsonString(re.source.startsWith("'") ? body.replace(/"/g, '\\"') : body);
    }
  }
  return unescapeJsonString(s);
}

/** Turns shell xtrace noise into plain output: "+ redis-cli ..." -> "redis-cli ...", "+ v='...'" -> "...". */
function expandShellTrace(lines: Line[]): Line[] {
  const out: Line[] = [];
  let inQuote = false;
  let ansiC = false;
  for (const l of lines) {
    let text = l.text;
    if (!inQuote) {
      const m = XTRACE_ASSIGN_RE.exec(text);
      if (m) {
        ansiC = m[1] === '$';
        text = m[2] ?? '';
        inQuote = true;
      } else if (/^\++ \S/.test(text)) text = text.replace(/^\++ /, '');
    }
    if (inQuote && /'\s*$/.test(text) && !/\\'\s*$/.test(text)) {
      text = text.replace(/'\s*$/, '');
      inQuote = false;
    }
    if (ansiC) {
      for (const part of unescapeJsonString(text.replace(/\\'/g, "'").replace(/"/g, '\\"')).split(/\r?\n/))
        out.push({ text: part, lineNo: l.lineNo });
      if (!inQuote) ansiC = false;
      continue;
    }
    out.push({ ...l, text });
  }
  return out;
}

/** Cleans one already-split line of markup; returns the cleaned line, trailing blanks kept. */
function cleanLine(line: Line): Line {
  const raw = line.text;
  let s = stripAnsi(raw);
  const ansi = raw.length - s.length;
  s = decodeEntities(s);
  s = unlinkSlack(s);
  s = stripQuotes(s);
  s = stripFenceMarks(s);
  s = stripQuotes(s);
  s = s.replace(/(?<!\*)\*\*(?!\*)/g, '').replace(/\t/g, ' ');
  // Slack bold: "*myself,master*" or a whole line wrapped in single asterisks ("*** WARNING" is left alone)
  if (s.includes('*')) s = s.replace(SLACK_BOLD_RE, '$1$2');
  s = s.replace(LOG_PREFIX_RE, '');
  s = s.replace(/[\u00a0\u2007\u202f]/g, ' ').replace(/\u200b|\u200c|\u200d|\ufeff/g, '');
  // smart punctuation from chat clients and word processors
  s = s
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\u2014/g, '--')
    .replace(/\u2013/g, '-');
  return { text: s, lineNo: line.lineNo, ansi };
}

/**
 * Undoes Slack/markdown/log mangling of a paste: code fences, HTML entities, Slack auto-links, quote
 * prefixes, bold markers, ANSI colours, CRLF, tabs, trailing spaces, JSON log lines with "\n" escapes and
 * shell xtrace lines. Fence-only lines become blank lines (so block boundaries survive). Never throws.
 */
export function cleanPastedText(text: string): CleanedText {
  const rawLines = splitLines(text, MAX_LINES);
  let lines: Line[] = [];
  for (let i = 0; i < rawLines.length; i++) {
    const raw = rawLines[i] ?? '';
    const lineNo = i + 1;
    if (FENCE_ONLY_RE.test(decodeEntities(stripQuotes(raw)))) {
      lines.push({ text: '', lineNo });
      continue;
    }
    const expanded = expandEscapedLine(raw);
    if (expanded !== null) {
      for (const part of splitLines(expanded)) lines.push({ text: part, lineNo });
    } else lines.push({ text: raw, lineNo });
  }
  lines = expandShellTrace(lines.map(cleanLine));
  const cleaned = lines.map((l) => (FENCE_ONLY_RE.test(l.text) ? '' : l.text.trimEnd()));
  const widths = lines.map((l, i) => (cleaned[i] === '' ? 0 : l.text.length + (l.ansi ?? 0)));
  const blanks = lines.map((l, i) => (cleaned[i] === '' ? 0 : l.text.length - (cleaned[i] ?? '').length));
  return { text: cleaned.join('\n'), lineMap: lines.map((l) => l.lineNo), widths, blanks };
}
