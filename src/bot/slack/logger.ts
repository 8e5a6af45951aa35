/**
 * Logging without secrets: a pino logger that redacts token/password/response_url fields and scrubs
 * token-shaped strings anywhere in messages, plus an adapter so Bolt logs through it.
 */
import { type Logger as BoltLogger, LogLevel } from '@slack/bolt';
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';

/** Field paths removed from every log line (pino matches exact paths; `*` is one level). */
export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'token',
  '*.token',
  'botToken',
  'appToken',
  'signingSecret',
  'response_url',
  '*.response_url',
  '*.*.response_url',
  'replyUrl',
  '*.replyUrl',
  'headers.authorization',
  '*.headers.authorization',
];

const SECRET_PATTERNS: [RegExp, string][] = [
  [/xox[abpr]-[A-Za-z0-9-]+/g, 'xox?-[redacted]'],
  [/xapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]'],
  [/https:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>]+/g, '[redacted response_url]'],
  [/(response_url["'=:\s]+)[^\s&"',}]+/gi, '$1[redacted]'],
  [/((?:password|passwd|requirepass|masterauth)["'=:\s]+)[^\s&"',}]+/gi, '$1[redacted]'],
  [/(Bearer\s+)[A-Za-z0-9._~+/-]+=*/g, '$1[redacted]'],
];

/** Replaces Slack tokens, response_urls, passwords and bearer tokens in `text`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [re, repl] of SECRET_PATTERNS) out = out.replace(re, repl);
  return out;
}

/** Creates the bot's pino logger; `destination` defaults to stdout. */
export function createLogger(
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options: LoggerOptions = {
    level,
    base: { app: 'redis-runbook' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: {
      err: (err: unknown) => {
        const e = err as { name?: string; message?: string; code?: unknown; stack?: string };
        return {
          type: e?.name ?? 'Error',
          message: scrubSecrets(String(e?.message ?? err)),
          ...(typeof e?.code === 'string' ? { code: e.code } : {}),
          ...(e?.stack ? { stack: scrubSecrets(e.stack) } : {}),
        };
      },
    },
    hooks: {
      logMethod(args, method) {
        const scrubbed = args.map((a) => (typeof a === 'string' ? scrubSecrets(a) : a));
        method.apply(this, scrubbed as Parameters<typeof method>);
      },
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

const TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/** Wraps a pino logger as @slack/logger's Logger, so Bolt's own lines are scrubbed too. */
export function boltLogger(base: Logger): BoltLogger {
  let log = base.child({ component: 'bolt' });
  const write = (level: 'debug' | 'info' | 'warn' | 'error', parts: unknown[]) => {
    const text = parts.map((p) => (typeof p === 'string' ? p : safeJson(p))).join(' ');
    log[level](scrubSecrets(text));
  };
  return {
    debug: (...m: unknown[]) => write('debug', m),
    info: (...m: unknown[]) => write('info', m),
    warn: (...m: unknown[]) => write('warn', m),
    error: (...m: unknown[]) => write('error', m),
    setLevel: (level: LogLevel) => {
      log.level = TO_PINO[level] ?? 'info';
    },
    getLevel: () => {
      const found = Object.entries(TO_PINO).find(([, v]) => v === log.level);
      return (found?.[0] as LogLevel | undefined) ?? LogLevel.INFO;
    },
    setName: (name: string) => {
      log = base.child({ component: name });
    },
  };
}

function safeJson(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
