/**
 * The queue Redis connection used for readiness, the shared event memory and the Details store:
 * fail-fast (no offline queue, one attempt per command, short timeouts) so a
 * caller learns at once that Redis is down, while the client keeps reconnecting in the background with
 * a capped delay, so readiness comes back on its own. Its error listener turns reconnect noise into one
 * log line per outage. The URL's password never appears in a message.
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { CheckResult } from './readiness.ts';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** The fail-fast client and the checks over it. */
export interface QueueRedis {
  client: Redis;
  /** PING; ok when it answers PONG. */
  check(): Promise<CheckResult>;
  /** Polls {@link check} until it is ok or `ms` passed; resolves with the last result. */
  waitUntilReachable(ms: number): Promise<CheckResult>;
  close(): Promise<void>;
}

/** "redis://host:port/db" with any user info removed, for messages. */
export function describeRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'REDIS_URL';
  }
}

/** Connects (lazily, in the background) to the queue Redis at `url`. */
export function connectQueueRedis(url: string, logger: Logger): QueueRedis {
  const where = describeRedisUrl(url);
  const log = logger.child({ component: 'queue-redis' });
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: 1500,
    // Reconnect forever (readiness must recover without a restart), at most every 2 s.
    retryStrategy: (attempt) => Math.min(200 * attempt, 2000),
    connectionName: 'redis-runbook',
  });
  let lastError = '';
  let down = false;
  client.on('error', (err: Error) => {
    lastError = err.message;
    if (!down) log.warn({ event: 'queue_redis_down', where, err }, 'queue Redis not answering');
    down = true;
  });
  client.on('ready', () => {
    if (down) log.info({ event: 'queue_redis_up', where }, 'queue Redis answering again');
    down = false;
    lastError = '';
  });
  client.connect().catch(() => undefined); // failures are reported through 'error' and by check()

  async function check(): Promise<CheckResult> {
    try {
      const reply = await client.ping();
      return reply === 'PONG' ? { ok: true } : { ok: false, detail: `PING answered ${reply}` };
    } catch (err) {
      const why = lastError || (err as Error).message;
      return { ok: false, detail: `queue Redis at ${where} is not answering (${why})` };
    }
  }

  return {
    client,
    check,
    async waitUntilReachable(ms) {
      const end = Date.now() + ms;
      for (;;) {
        const result = await check();
        if (result.ok || Date.now() >= end) return result;
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async close() {
      try {
        await Promise.race([client.quit(), new Promise((r) => setTimeout(r, 500))]);
      } catch {
        // already closed or never connected
      }
      client.disconnect();
    },
  };
}
