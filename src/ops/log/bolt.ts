/**
 * Bolt's logger (@slack/logger's interface) over pino, so Bolt, its WebClient and the Socket Mode client
 * write the same redacted JSON lines as the bot. Objects Bolt logs are redacted before they become text.
 * Imports only Bolt's types: loading this file does not load Bolt.
 */
import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';
import { redactDeep } from './redact.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';

/** Bolt's name for a pino level (trace counts as debug; fatal and silent as error). */
function boltLevel(level: string): LogLevel {
  const name = level === 'trace' ? 'debug' : level === 'fatal' || level === 'silent' ? 'error' : level;
  return name as LogLevel;
}

/**
 * Wraps a pino logger as Bolt's Logger; every line carries `component` (Bolt's name for the caller). The
 * level is the pino logger's (LOG_LEVEL), whatever Bolt asks for.
 */
export function boltLogger(base: Logger): BoltLogger {
  let log = base.child({ component: 'bolt' });
  const write = (level: Level, parts: unknown[]) => {
    log[level](
      parts
        .map((p) => (typeof p === 'string' || p instanceof Error ? asText(p) : asText(redactDeep(p))))
        .join(' '),
    );
  };
  return {
    debug: (...m: unknown[]) => write('debug', m),
    info: (...m: unknown[]) => write('info', m),
    warn: (...m: unknown[]) => write('warn', m),
    error: (...m: unknown[]) => write('error', m),
    // LOG_LEVEL decides for every line: Bolt sets INFO on any logger it is given, which is ignored here.
    setLevel: () => undefined,
    getLevel: () => boltLevel(log.level),
    setName: (name: string) => {
      log = base.child({ component: name });
    },
  };
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
