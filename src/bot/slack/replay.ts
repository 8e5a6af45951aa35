/**
 * Memory of Slack request signatures already answered, so a replayed command or button click is answered
 * once. In the queue Redis when one is configured (shared by every replica), else in process memory. A
 * queue Redis that is down or slow never refuses a request: the memory takes over and the outage is
 * logged once. Keys hold a hash of the signature, never a secret.
 */
import type { Logger } from 'pino';

/** Where seen signatures are remembered. */
export interface ReplayStore {
  /** Remembers `key` for `ttlSec` seconds; true when it was not remembered yet (first sight). */
  firstSeen(key: string, ttlSec: number): Promise<boolean>;
  close(): Promise<void>;
}

/** Seen keys in this process: expired ones are dropped as new ones come, and at most `max` are kept. */
export function memoryReplayStore(max = 100_000, now = () => Date.now()): ReplayStore {
  const seen = new Map<string, number>();
  return {
    async firstSeen(key, ttlSec) {
      const t = now();
      const until = seen.get(key);
      if (until !== undefined && until > t) return false;
      seen.delete(key);
      seen.set(key, t + ttlSec * 1000);
      // drop a few expired (or, past `max`, the oldest) entries per call: constant work, bounded size
      for (let i = 0; i < 4 || seen.size > max; i++) {
        const first = seen.entries().next().value;
        if (!first || (first[1] > t && seen.size <= max)) break;
        seen.delete(first[0]);
      }
      return true;
    },
    async close() {
      seen.clear();
    },
  };
}

/** Key prefix in the queue Redis. */
export const REPLAY_PREFIX = 'redis-runbook:slack-seen:';

/** The subset of an ioredis client this store uses. */
interface SetNxClient {
  set(key: string, value: string, ex: 'EX', ttl: number, nx: 'NX'): Promise<string | null>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: 'error' | 'ready', listener: (err?: Error) => void): unknown;
}

/** How long the first request waits for the first connection before using the memory. */
const FIRST_CONNECT_MS = 2000;

/**
 * Seen keys in the Redis at `url` (SET NX EX: atomic across replicas). ioredis is loaded and connects
 * when the store is made. Fails fast (no offline queue, a short command timeout), reconnects by itself,
 * and falls back to `fallback` on any error.
 */
export function redisReplayStore(
  url: string,
  logger: Logger,
  fallback: ReplayStore = memoryReplayStore(),
): ReplayStore {
  let down = false;
  const client: Promise<SetNxClient> = import('ioredis').then(async ({ Redis }) => {
    const r = new Redis(url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: FIRST_CONNECT_MS,
      commandTimeout: 500,
      retryStrategy: (attempt: number) => Math.min(attempt * 250, 5000),
    }) as unknown as SetNxClient & { connect(): Promise<void> };
    r.on('error', () => {}); // every failure is seen (and logged once) where a command fails
    r.on('ready', () => {
      if (down) logger.info({ event: 'replay_store_back' }, 'queue Redis answers again: replays are shared');
      down = false;
    });
    await r.connect().catch(() => {}); // not up yet: ioredis keeps trying, requests use the memory meanwhile
    return r;
  });
  client.catch(() => {});
  return {
    async firstSeen(key, ttlSec) {
      try {
        const r = await client;
        return (await r.set(REPLAY_PREFIX + key, '1', 'EX', ttlSec, 'NX')) === 'OK';
      } catch (err) {
        if (!down) {
          logger.warn(
            { event: 'replay_store_unavailable', code: codeOf(err) },
            'queue Redis not answering: replayed requests are recognised by this process only until it is back',
          );
        }
        down = true;
        return fallback.firstSeen(key, ttlSec);
      }
    },
    async close() {
      const r = await client.catch(() => null);
      if (r) await r.quit().catch(() => r.disconnect());
      await fallback.close();
    },
  };
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'ERROR';
}
