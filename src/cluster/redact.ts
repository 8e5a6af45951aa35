/**
 * Removes secrets (Redis passwords, Slack tokens, URL credentials) from text we echo back to users.
 * Linear in the length of the text: every pattern is bounded, so no input makes a rule backtrack over a
 * whole line once per match attempt.
 */

/** A quoted value (bounded, one line) or a bare token. */
const VALUE = `("[^"\\n]{0,512}"|'[^'\\n]{0,512}'|\\S+)`;

const RULES: readonly [RegExp, string][] = [
  [/\b(rediss?|https?):\/\/([^:/@\s]{0,256}):([^@\s]{0,512})@/gi, '$1://$2:***@'],
  // Redis commands are case-insensitive: `auth <password>` typed at a redis-cli prompt is a secret too.
  [/\b(AUTH)(\s+)(?:(\S+)(\s+))?(\S+)/gi, '$1$2$3$4***'],
  [
    new RegExp(
      `\\b(requirepass|masterauth|masteruser|REDISCLI_AUTH|password|passwd|pass)(\\s*[=:\\s]\\s*)${VALUE}`,
      'gi',
    ),
    '$1$2***',
  ],
  [/\bxox[abpers]-[0-9A-Za-z-]+/g, 'xox*-***'],
  [/\bxapp-[0-9A-Za-z-]+/g, 'xapp-***'],
  [/https:\/\/hooks\.slack\.com\/\S+/g, 'https://hooks.slack.com/***'],
];

/** redis-cli's credential options, with their value. */
const CLI_OPTION_RE = new RegExp(`(\\s)(-a|--pass|--askpass|--user)(\\s+)${VALUE}`, 'gi');
const CLI_RE = /redis-cli\b/i;

/** Blanks the value of every credential option after the first "redis-cli" of each line. */
function redactCliOptions(text: string): string {
  if (!CLI_RE.test(text)) return text;
  return text
    .split('\n')
    .map((line) => {
      const at = line.search(CLI_RE);
      if (at < 0) return line;
      return line.slice(0, at) + line.slice(at).replace(CLI_OPTION_RE, '$1$2$3***');
    })
    .join('\n');
}

/**
 * What every rule above needs somewhere in the text: a URL, a password/auth/user keyword, a Slack token
 * prefix, or redis-cli. Text without any of them is returned as is (most INFO values of a live probe,
 * ~180 of them for 60 nodes, which otherwise ran all the rules: ~4 ms).
 */
const MAY_HOLD_SECRET = /:\/\/|pass|auth|user|xox[abpers]-|xapp-|redis-cli/i;

/** Returns `text` with passwords and tokens replaced by "***"; harmless text is returned unchanged. */
export function redactSecrets(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  let out = redactCliOptions(text);
  for (const [re, repl] of RULES) out = out.replace(re, repl);
  return out;
}
