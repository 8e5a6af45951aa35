/** Removes secrets (Redis passwords, Slack tokens, URL credentials) from text we echo back to users. */

const RULES: readonly [RegExp, string][] = [
  [/(redis-cli\b[^\n]*?\s)(-a|--pass|--askpass|--user)(\s+)("[^"]*"|'[^']*'|\S+)/gi, '$1$2$3***'],
  [/\b(rediss?|https?):\/\/([^:/@\s]*):([^@\s]*)@/gi, '$1://$2:***@'],
  [/\b(AUTH)(\s+)(?:(\S+)(\s+))?(\S+)/g, '$1$2$3$4***'],
  [
    /\b(requirepass|masterauth|masteruser|REDISCLI_AUTH|password|passwd|pass)(\s*[=:\s]\s*)("[^"]*"|'[^']*'|\S+)/gi,
    '$1$2***',
  ],
  [/\bxox[abpers]-[0-9A-Za-z-]+/g, 'xox*-***'],
  [/\bxapp-[0-9A-Za-z-]+/g, 'xapp-***'],
  [/https:\/\/hooks\.slack\.com\/\S+/g, 'https://hooks.slack.com/***'],
];

/** Returns `text` with passwords and tokens replaced by "***"; harmless text is returned unchanged. */
export function redactSecrets(text: string): string {
  let out = text;
  for (const [re, repl] of RULES) out = out.replace(re, repl);
  return out;
}
