/**
 * The one classifier of what Redis (or the connection) answered a step: MOVED, ASK, TRYAGAIN, BUSYKEY,
 * NOPERM, NOAUTH/WRONGPASS, LOADING, CLUSTERDOWN, refused or silent nodes, and any other error. Each
 * becomes an ActionError with a stable code and a message that never holds a password (scrubbed), and
 * that says, for a mutating command without an answer, that it may have run and was not retried.
 */
import { classifyError, scrub } from '../../diagnose/probe/connect.ts';
import { ActionError, type ActionErrorCode } from '../errors.ts';

/** What kind of answer a failed command got. */
export type ReplyKind =
  | 'moved'
  | 'ask'
  | 'tryagain'
  | 'busykey'
  | 'noperm'
  | 'auth'
  | 'loading'
  | 'clusterdown'
  | 'unreachable'
  | 'timeout'
  | 'error';

const CODES: Record<ReplyKind, ActionErrorCode> = {
  moved: 'ACTION_STEP_FAILED',
  ask: 'ACTION_STEP_FAILED',
  tryagain: 'ACTION_STEP_FAILED',
  busykey: 'ACTION_BUSYKEY',
  noperm: 'ACTION_NOPERM',
  auth: 'ACTION_NOPERM',
  loading: 'ACTION_STEP_FAILED',
  clusterdown: 'ACTION_STEP_FAILED',
  unreachable: 'ACTION_UNREACHABLE',
  timeout: 'ACTION_UNREACHABLE',
  error: 'ACTION_STEP_FAILED',
};

const HINTS: Partial<Record<ReplyKind, string>> = {
  noperm:
    'the remediation user lacks this permission: grant it the ACL the README (Fixing) lists for this action',
  auth: "the remediation credentials were refused: check the cluster's remediation username and password env var",
  loading: 'the node is still loading its dataset: wait until it answers, then plan again',
  clusterdown: 'the cluster refuses this while it is down',
  moved: 'the slot is served by another node than the plan expected: plan again',
  ask: 'the slot is being migrated: plan again once the migration is settled',
  tryagain: 'the keys of a multi-key command are split by a slot migration',
};

const LOST_CONNECTION =
  /ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE|Connection is closed|Stream isn't writeable/i;

/** Sorts an error message (a Redis error reply or a client/socket error) into a ReplyKind. */
export function replyKind(message: string): ReplyKind {
  const m = message.trim();
  if (/^MOVED \d+ /.test(m)) return 'moved';
  if (/^ASK \d+ /.test(m)) return 'ask';
  if (/^TRYAGAIN\b/.test(m)) return 'tryagain';
  // MIGRATE wraps the target's reply: "ERR Target instance replied with error: BUSYKEY ..."
  if (/\bBUSYKEY\b/.test(m)) return 'busykey';
  if (/\bNOPERM\b/.test(m)) return 'noperm';
  if (/\b(NOAUTH|WRONGPASS)\b/.test(m) || /invalid password|AUTH failed/i.test(m)) return 'auth';
  if (/^LOADING\b/.test(m)) return 'loading';
  if (/^CLUSTERDOWN\b/.test(m)) return 'clusterdown';
  const kind = classifyError(m);
  if (kind === 'refused') return 'unreachable';
  if (kind === 'timeout') return 'timeout';
  if (LOST_CONNECTION.test(m)) return 'unreachable';
  return 'error';
}

/** An ActionError that also says which kind of reply caused it and the (scrubbed) reply itself. */
export class ReplyError extends ActionError {
  readonly kind: ReplyKind;
  /** The reply or client error, password removed. */
  readonly reply: string;

  constructor(kind: ReplyKind, reply: string, message: string) {
    super(CODES[kind], message);
    this.name = 'ReplyError';
    this.kind = kind;
    this.reply = reply;
  }
}

/** Where and what a failed command was, for the message. */
export interface ReplyContext {
  /** The "ip:port" the command went to. */
  address: string;
  /** The command; only its name (first two words) goes into the message, never its arguments' secrets. */
  argv?: readonly (string | number)[];
  /** Whether the command changes the cluster (then an unanswered one may have run). */
  mutating?: boolean;
  /** Secrets to remove from the reply text (the password). */
  secrets?: readonly (string | undefined)[];
}

/** The command's name for messages: "CLUSTER FAILOVER", "MIGRATE", never its arguments. */
export function commandName(argv: readonly (string | number)[] | undefined): string {
  if (!argv || argv.length === 0) return 'connect';
  const [a, b] = argv.map((x) => String(x).toUpperCase());
  return a === 'CLUSTER' || a === 'CONFIG' || a === 'ACL' || a === 'CLIENT' || a === 'FUNCTION'
    ? `${a} ${b ?? ''}`.trim()
    : a!;
}

/** Classifies `err` (a thrown reply or client error) into a ReplyError for `ctx`. */
export function replyError(err: unknown, ctx: ReplyContext): ReplyError {
  if (err instanceof ReplyError) return err;
  let text = err instanceof Error ? err.message : String(err);
  for (const s of ctx.secrets ?? []) text = scrub(text, s);
  const kind = replyKind(text);
  const what = `${ctx.address} ${commandName(ctx.argv)}`;
  const unsure =
    ctx.mutating && (kind === 'timeout' || kind === 'unreachable') && ctx.argv
      ? ' It may or may not have run; it was not retried.'
      : '';
  const hint = HINTS[kind];
  return new ReplyError(kind, text, `${what}: ${text}${hint ? ` (${hint})` : ''}.${unsure}`);
}

/** True when `err` is a ReplyError whose reply starts with one of `prefixes` (case-insensitive). */
export function replyStartsWith(err: unknown, prefixes: readonly string[]): boolean {
  if (!(err instanceof ReplyError)) return false;
  const reply = err.reply.toLowerCase();
  return prefixes.some((p) => reply.startsWith(p.toLowerCase()));
}

/** Bytes (a key name) for a message: quoted when they are printable UTF-8, else `<hex …>`. Never lossy. */
export function showBytes(b: Buffer): string {
  const text = b.toString('utf8');
  return Buffer.from(text, 'utf8').equals(b) && !b.some((byte) => byte < 0x20)
    ? JSON.stringify(text)
    : `<hex ${b.toString('hex')}>`;
}
