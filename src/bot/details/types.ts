/** The shapes of the details store, apart so its parts (memory, codec, queue Redis) import no cycle. */
import type { BotMessage } from '../message.ts';

/** A kept detailed view, and the cluster it is about (null for a paste), so a click can be access-checked. */
export interface KeptDetails {
  details: BotMessage;
  cluster: string | null;
}

/**
 * Why a click found nothing: `gone` (never kept, expired, dropped or forgotten at a restart), `elsewhere`
 * (kept only in the memory of the replica that posted it, and this one does not have it), `unreachable`
 * (kept in the queue Redis, which does not answer now).
 */
export type DetailsLookup =
  | { ok: true; kept: KeptDetails }
  | { ok: false; why: 'gone' | 'elsewhere' | 'unreachable' };

/** Keeps detailed views behind Details buttons and finds them again on a click. */
export interface DetailsStore {
  /** `msg` without its `details`, which are kept, and with a Details button pointing at them. */
  attach(msg: BotMessage, cluster: string | null): Promise<BotMessage>;
  /** The details behind a button's value, or why there are none. */
  get(id: string): Promise<DetailsLookup>;
}

/** The queue Redis as the store uses it; both calls reject when it does not answer. */
export interface DetailsBackend {
  /** Keeps `value` under `id` for `ttlMs`, dropping the oldest entries past the cap. */
  keep(id: string, value: string, ttlMs: number): Promise<void>;
  /** The value kept under `id`, or null (never kept, expired, dropped). */
  fetch(id: string): Promise<string | null>;
}
