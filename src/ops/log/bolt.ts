/**
 * Bolt's logger (@slack/logger's interface) over pino, so Bolt, its WebClient and the Socket Mode client
 * write the same redacted JSON lines as the bot. Objects Bolt logs are redacted before they become text.
 * Imports only Bolt's types: loading this file does not load Bolt.
 */
import type { Logger as BoltLogger, LogLevel } from '@slack/bolt';
import type { Logger } from 'pino';
import { redactDeep } from './redact.ts';

type Level = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: readonly string[] = ['debug', 'info', 'warn', 'error'] satisfies Level[];

/** Wraps a pino logger as Bolt's Logger; every line carries `component` (Bolt's name for the caller). */
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
    setLevel: (level: LogLevel) => {
      log.level = LEVELS.includes(level) ? level : 'info';
    },
    getLevel: () => (LEVELS.includes(log.level) ? log.level : 'info') as LogLevel,
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
