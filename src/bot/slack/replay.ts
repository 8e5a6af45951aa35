/**
 * Memory of Slack request signatures already answered, so a replayed command or button click is answered
 * once. Each process remembers in its own bounded memory, and through `claim` in the queue Redis too, so
 * replicas share it. A queue Redis that does not answer never refuses a request: the process memory
 * decides alone meanwhile, and the outage is logged once. Keys hold a hash of the signature, never a secret.
 */
import type { Logger } from 'pino';
import type { Claim } from './seen-shared.ts';

/** Where seen signatures are remembered. */
export interface ReplayStore {
  /** Remembers `key` for `ttlSec` seconds; true when nobody had seen it yet (first sight). */
  firstSeen(key: string, ttlSec: number): Promise<boolean>;
}

/** Key prefix in the queue Redis. */
export const REPLAY_PREFIX = 'redis-runbook:slack-request:';

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
  };
}

/** The process memory, shared through `claim` (SET NX with the key's TTL in the queue Redis) when given. */
export function replayStore(claim: Claim | undefined, logger: Logger): ReplayStore {
  const local = memoryReplayStore();
  let down = false;
  return {
    async firstSeen(key, ttlSec) {
      if (!(await local.firstSeen(key, ttlSec))) return false;
      if (!claim) return true;
      try {
        const first = await claim(`${REPLAY_PREFIX}${key}`, ttlSec * 1000);
        if (down)
          logger.info({ event: 'replay_store_back' }, 'queue Redis answers again: replays are shared');
        down = false;
        return first;
      } catch (err) {
        if (!down) {
          logger.warn(
            { event: 'replay_store_unavailable', code: codeOf(err) },
            'queue Redis not answering: replayed requests are recognised by this process only until it is back',
          );
        }
        down = true;
        return true;
      }
    },
  };
}

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : 'ERROR';
}
