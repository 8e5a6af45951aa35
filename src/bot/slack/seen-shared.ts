/**
 * Slack event ids already handled, shared by every replica through the queue Redis (one SET NX PX per
 * event), so a retry Slack delivers to another replica is still answered once. Each replica also keeps
 * its own bounded memory. When the queue Redis does not answer, that local memory decides alone: a
 * retry may then be answered twice, never dropped.
 */
import { SeenKeys } from './dedupe.ts';

/** Claims `key` for `ttlMs` unless someone holds it; resolves true when this caller claimed it. */
export type Claim = (key: string, ttlMs: number) => Promise<boolean>;

/** A memory of seen keys that may be shared across processes. */
export interface SeenStore {
  /** Records `key`; resolves true when it had been seen already (here or, with a claim, anywhere). */
  checkAndAdd(key: string): Promise<boolean>;
}

/** Slack retries an event for about 5 minutes; remember ids three times as long. */
const TTL_MS = 15 * 60_000;

/** Seen keys in local memory, and through `claim` in the queue Redis when one is given. */
export function sharedSeen(claim?: Claim, prefix = 'redis-runbook:slack-event:'): SeenStore {
  const local = new SeenKeys(5000, TTL_MS);
  return {
    async checkAndAdd(key) {
      if (local.checkAndAdd(key)) return true;
      if (!claim) return false;
      try {
        return !(await claim(`${prefix}${key}`, TTL_MS));
      } catch {
        return false;
      }
    },
  };
}
