/** Parses the text after `/redis` (or a line typed in the shell) into a command. Pure. */
import { parseHostPort } from '../config/target.ts';
import { holdsRedisError } from '../diagnose/explain/recognise.ts';
import { MAX_KEY_CHARS, MAX_KEYS, splitKeys, textAfterSubcommand } from './commands-text.ts';

export type Command =
  | { kind: 'help' }
  | { kind: 'diagnose'; cluster: string }
  | { kind: 'check'; cluster: string }
  | { kind: 'runbook-list' }
  | { kind: 'runbook'; runbook: string; cluster: string }
  | { kind: 'nodes'; cluster: string }
  | { kind: 'settings'; cluster: string }
  | { kind: 'clusters' }
  /** Explain a Redis or client error; `text` is everything after the subcommand (or the whole error). */
  | { kind: 'explain'; text: string }
  /** Hash slots of keys; the last word may name a registered cluster (the core decides). */
  | { kind: 'slot'; keys: string[] };

export type CommandErrorCode =
  | 'UNKNOWN_SUBCOMMAND'
  | 'MISSING_ARGUMENT'
  | 'TOO_MANY_ARGUMENTS'
  | 'ADHOC_TARGET';

/** Why a command line was not understood, and what would work instead. */
export interface CommandError {
  code: CommandErrorCode;
  message: string;
  hint: string;
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: CommandError };

/** Subcommands with their usage, in the order help lists them. */
export const SUBCOMMANDS = [
  { name: 'diagnose', usage: 'diagnose <cluster>' },
  { name: 'check', usage: 'check <cluster>' },
  { name: 'nodes', usage: 'nodes <cluster>' },
  { name: 'settings', usage: 'settings <cluster>' },
  { name: 'explain', usage: 'explain <error text>' },
  { name: 'slot', usage: 'slot <key>... [cluster]' },
  { name: 'runbook', usage: 'runbook list | runbook <name> <cluster>' },
  { name: 'clusters', usage: 'clusters' },
  { name: 'help', usage: 'help' },
] as const;

const HELP_WORDS = new Set(['', 'help', '-h', '--help', '?']);

/** Parses `diagnose prod-cluster` and friends; never throws, and never accepts a host:port target. */
export function parseCommand(input: string): ParseResult {
  const words = tokenize(input);
  const head = (words[0] ?? '').toLowerCase();
  const args = words.slice(1);
  if (HELP_WORDS.has(head)) return ok({ kind: 'help' });
  switch (head) {
    case 'diagnose':
    case 'check':
    case 'nodes':
    case 'settings':
      return withCluster(head, args, (cluster) => ({ kind: head, cluster }));
    case 'explain':
      return parseExplain(input);
    case 'slot':
    case 'keyslot':
      return parseSlot(input);
    case 'clusters':
      return args.length === 0 ? ok({ kind: 'clusters' }) : tooMany('clusters');
    case 'runbook':
    case 'runbooks':
      return parseRunbook(args);
    default:
      // "/redis MOVED 5649 10.0.0.2:6379": the error itself, typed or pasted after the command.
      if (holdsRedisError(input)) return ok({ kind: 'explain', text: input.replace(/^\s*\/redis\b/i, '') });
      return fail('UNKNOWN_SUBCOMMAND', `"${clip(head)}" is not a /redis subcommand.`, unknownHint(head));
  }
}

function parseExplain(input: string): ParseResult {
  const text = textAfterSubcommand(input);
  if (text === '') {
    return fail(
      'MISSING_ARGUMENT',
      '`explain` needs the error text.',
      'Usage: /redis explain <error>, e.g. /redis explain MOVED 5649 10.0.0.2:6379',
    );
  }
  return ok({ kind: 'explain', text });
}

function parseSlot(input: string): ParseResult {
  const keys = splitKeys(textAfterSubcommand(input));
  const usage = 'Usage: /redis slot <key>... [cluster]; quote a key that holds blanks.';
  if (keys === null) return fail('MISSING_ARGUMENT', 'A quote around a key is not closed.', usage);
  if (keys.length === 0) return fail('MISSING_ARGUMENT', '`slot` needs at least one key.', usage);
  if (keys.length > MAX_KEYS || keys.some((k) => k.length > MAX_KEY_CHARS)) {
    return fail(
      'TOO_MANY_ARGUMENTS',
      `At most ${MAX_KEYS} keys of up to ${MAX_KEY_CHARS} characters each.`,
      'For more keys, use redis-runbook slot in a terminal.',
    );
  }
  return ok({ kind: 'slot', keys });
}

function parseRunbook(args: string[]): ParseResult {
  const name = args[0];
  if (name === undefined || name.toLowerCase() === 'list') {
    return args.length <= 1 ? ok({ kind: 'runbook-list' }) : tooMany('runbook list');
  }
  return withCluster(
    'runbook',
    args.slice(1),
    (cluster) => ({ kind: 'runbook', runbook: name, cluster }),
    name,
  );
}

function withCluster(
  sub: string,
  args: string[],
  build: (cluster: string) => Command,
  runbook?: string,
): ParseResult {
  const usage = runbook === undefined ? `${sub} <cluster>` : `runbook ${runbook} <cluster>`;
  const cluster = args[0];
  if (cluster === undefined) {
    return fail(
      'MISSING_ARGUMENT',
      `\`${sub}\` needs a cluster name.`,
      `Usage: /redis ${usage}. Try /redis clusters.`,
    );
  }
  if (args.length > 1) return tooMany(usage);
  if (parseHostPort(cluster) || (/^\[?[0-9a-fA-F.:]+\]?$/.test(cluster) && cluster.includes(':'))) {
    return fail(
      'ADHOC_TARGET',
      `"${clip(cluster)}" is an address; chat only works on clusters registered in the config.`,
      'Name a registered cluster (/redis clusters lists them), or paste CLUSTER NODES output for an offline diagnosis.',
    );
  }
  return ok(build(cluster));
}

/** Splits on whitespace, unescaping Slack's &amp;/&lt;/&gt; and dropping quotes or backticks around words. */
export function tokenize(input: string): string[] {
  const text = input.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return text
    .trim()
    .replace(/^\/redis\b/i, '')
    .split(/\s+/)
    .map((w) => w.replace(/^[`'"]+|[`'"]+$/g, ''))
    .filter((w) => w.length > 0);
}

function unknownHint(word: string): string {
  const near = SUBCOMMANDS.map((s) => s.name).find((name) => editDistance(name, word) <= 2);
  const list = SUBCOMMANDS.map((s) => s.name).join(', ');
  return near ? `Did you mean \`${near}\`? Subcommands: ${list}.` : `Subcommands: ${list}. Try /redis help.`;
}

function tooMany(usage: string): ParseResult {
  return fail('TOO_MANY_ARGUMENTS', 'Too many words for this subcommand.', `Usage: /redis ${usage}`);
}

function ok(command: Command): ParseResult {
  return { ok: true, command };
}

function fail(code: CommandErrorCode, message: string, hint: string): ParseResult {
  return { ok: false, error: { code, message, hint } };
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

/** Levenshtein distance, bounded to short words (subcommand names). */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || b.length > 40) return 99;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 99;
}
