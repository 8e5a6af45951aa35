/**
 * The process logger: pino JSON lines (label levels, ISO times), with every logged object and every child
 * binding passed through `redactDeep` and every message through `scrubSecrets`, so no secret reaches a
 * log at any depth. pino-pretty is used only when NODE_ENV=development and it is installed (a
 * devDependency): production never loads it.
 */
import { createRequire } from 'node:module';
import { hostname } from 'node:os';
import {
  type Bindings,
  type ChildLoggerOptions,
  type DestinationStream,
  type Logger,
  type LoggerOptions,
  pino,
} from 'pino';
import { redactDeep, scrubSecrets } from './log/redact.ts';

export { isSecretKey, redactDeep, scrubSecrets } from './log/redact.ts';

/** The levels LOG_LEVEL accepts, most to least severe. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** True when `level` is one of {@link LOG_LEVELS}. */
export function isLogLevel(level: string): level is LogLevelName {
  return (LOG_LEVELS as readonly string[]).includes(level);
}

/**
 * Creates the logger at `level`; `destination` defaults to stdout. With `pretty` (default: NODE_ENV is
 * development) and pino-pretty installed, lines are pretty-printed instead of JSON.
 */
export function createLogger(
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
  pretty = process.env.NODE_ENV === 'development',
): Logger {
  const options: LoggerOptions = {
    level,
    base: { app: 'redis-runbook', pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: {
      level: (label) => ({ level: label }),
      bindings: (bindings) => redactDeep(bindings) as Record<string, unknown>, // the root's only
      log: (obj) => redactDeep(obj) as Record<string, unknown>,
    },
    serializers: {
      // `log.error(err)` takes its message from err.message, which no formatter sees: scrub it here.
      msg: (msg: unknown) => (typeof msg === 'string' ? scrubSecrets(msg) : msg),
      // The log formatter already turned errors into redacted plain objects; keep them as they are.
      err: (err: unknown) => (err instanceof Error ? redactDeep(err) : err),
    },
  };
  const logger = destination
    ? pino(options, destination)
    : pretty && prettyInstalled()
      ? pino({ ...options, transport: { target: 'pino-pretty' } })
      : pino(options);
  return redactChildBindings(logger);
}

/**
 * pino applies `formatters.bindings` to the root's bindings only, never to a child's. Children are
 * created from their parent's prototype chain, so one `child` set on the root redacts the bindings of
 * every descendant.
 */
function redactChildBindings(root: Logger): Logger {
  type Child = (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) => Logger;
  const child = root.child as unknown as Child;
  root.child = function (this: Logger, bindings: Bindings, options?: ChildLoggerOptions) {
    return child.call(this, redactDeep(bindings) as Bindings, options);
  } as unknown as Logger['child'];
  return root;
}

function prettyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** Correlation fields a child logger carries: the cluster, the approval request and the job. */
export interface LogContext {
  cluster?: string;
  requestId?: string;
  jobId?: string;
}

/** A child of `logger` bound to the fields of `ctx` that are set (and only those: never spread input). */
export function withContext(logger: Logger, ctx: LogContext): Logger {
  const bindings: Record<string, string> = {};
  if (ctx.cluster !== undefined) bindings.cluster = ctx.cluster;
  if (ctx.requestId !== undefined) bindings.requestId = ctx.requestId;
  if (ctx.jobId !== undefined) bindings.jobId = ctx.jobId;
  return logger.child(bindings);
}
