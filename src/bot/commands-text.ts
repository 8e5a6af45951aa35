/**
 * The free-text arguments of `/redis explain <text>` and `/redis slot <key>...`: the raw text after the
 * subcommand (newlines kept), and keys split on blanks with quotes keeping a key with spaces whole.
 * Undoes Slack's entities, links and smart quotes. Pure and linear.
 */

/** Most keys one `slot` command takes. */
export const MAX_KEYS = 100;
/** Longest key accepted from chat. */
export const MAX_KEY_CHARS = 1024;

/** The text after "/redis" (optional) and the first word, untouched otherwise. */
export function textAfterSubcommand(input: string): string {
  const m = /^\s*(?:\/redis\b\s*)?\S+/i.exec(input);
  return m ? input.slice(m[0].length).trim() : '';
}

/** Slack's &amp; &lt; &gt;, <url|label> links and smart quotes, undone once. */
export function unslack(text: string): string {
  return text
    .replace(/<(?:https?|mailto):[^|<>\s]{0,2000}\|([^<>]{0,2000})>/g, '$1')
    .replace(/<((?:https?|mailto):[^|<>\s]{0,2000})>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2018\u2019]/g, "'");
}

/**
 * Splits keys on blanks; "double" or 'single' quotes keep blanks inside a key, and backticks around a
 * key (Slack code) are dropped. Returns null when a quote is not closed.
 */
export function splitKeys(text: string): string[] | null {
  const keys: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let started = false;
  for (const ch of unslack(text)) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) keys.push(cur);
      cur = '';
      started = false;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (quote) return null;
  if (started) keys.push(cur);
  return keys.map((k) => (k.length > 2 && k.startsWith('`') && k.endsWith('`') ? k.slice(1, -1) : k));
}
