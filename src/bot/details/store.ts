/**
 * The "Details" button: a message's detailed view is kept aside and shown to whoever clicks; the button
 * carries a random id (128 bits), never the details or a command. With a queue Redis the details are kept
 * there for every replica to read (24 h, the newest 1,000); without one, or while it does not answer, or
 * for details over 256 KiB stored, in this process's memory only (its last 100 views, lost at a restart),
 * and the id says which, so a click on another replica gets an answer that says so. Never rejects: the
 * message it is attached to is posted whatever happens here.
 */

import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { formatCount } from '../../cluster/util.ts';
import { codeOf } from '../error-text.ts';
import { decodeDetails, encodeDetails } from './codec.ts';
import { LocalDetails } from './local.ts';
import type { DetailsBackend, DetailsLookup, DetailsStore, KeptDetails } from './types.ts';

export type { DetailsBackend, DetailsLookup, DetailsStore, KeptDetails } from './types.ts';

/** Action id of the Details button. */
export const ACTION_SHOW_DETAILS = 'show_details';

/** How many detailed views one process keeps in its memory. */
export const KEPT_DETAILS = 100;
/** How many detailed views the queue Redis keeps (the newest; older ones are deleted as new ones come). */
export const SHARED_DETAILS = 1000;
/** How long details are kept (both in the queue Redis and in memory). */
export const DETAILS_TTL_MS = 24 * 3600_000;
/** Largest stored value (gzipped JSON in base64); larger details stay in the posting process's memory. */
export const MAX_SHARED_DETAILS_BYTES = 256 * 1024;
/** Longest a queue Redis call may take before the store falls back (or answers the click). */
const BACKEND_TIMEOUT_MS = 2000;

/** "m" (this process's memory) or "s" (the queue Redis), then 22 base64url characters. */
const ID = /^[ms][A-Za-z0-9_-]{22}$/;
const newId = (where: 'm' | 's') => `${where}${randomBytes(16).toString('base64url')}`;

/** Where and how long details are kept; tests shorten the limits. */
export interface DetailsStoreOptions {
  /** The queue Redis; absent: memory only. */
  shared?: DetailsBackend;
  /** Logs outages (once each), details too large to share, and unreadable stored values. */
  logger?: Logger;
  max?: number;
  ttlMs?: number;
  maxSharedBytes?: number;
  now?: () => number;
}

/** A store of detailed views: shared through `opts.shared` when given, else this process's memory. */
export function createDetailsStore(opts: DetailsStoreOptions = {}): DetailsStore {
  const { shared, logger } = opts;
  const ttlMs = opts.ttlMs ?? DETAILS_TTL_MS;
  const maxBytes = opts.maxSharedBytes ?? MAX_SHARED_DETAILS_BYTES;
  const local = new LocalDetails(opts.max ?? KEPT_DETAILS, ttlMs, opts.now);
  let down = false;
  const failed = (err: unknown, when: 'attach' | 'click') => {
    if (!down)
      logger?.warn(
        { event: 'details_store_unavailable', code: codeOf(err), when },
        'queue Redis not answering: details are kept in this process only until it is back',
      );
    down = true;
  };
  const answered = () => {
    if (down) logger?.info({ event: 'details_store_back' }, 'queue Redis answers again: details are shared');
    down = false;
  };

  /** Keeps `kept` in the queue Redis (and a copy here) when it can; else here only. Returns its id. */
  async function keep(kept: KeptDetails): Promise<string> {
    if (shared) {
      try {
        const value = await encodeDetails(kept);
        if (value.length > maxBytes) {
          logger?.warn(
            { event: 'details_too_large', bytes: value.length, max: maxBytes },
            'details too large to share: kept in this process only',
          );
        } else {
          const id = newId('s');
          await bounded(shared.keep(id, value, ttlMs));
          answered();
          local.set(id, kept);
          return id;
        }
      } catch (err) {
        failed(err, 'attach');
      }
    }
    const id = newId('m');
    local.set(id, kept);
    return id;
  }

  return {
    async attach(msg, cluster) {
      const { details, ...rest } = msg;
      if (!details) return msg;
      const id = await keep({ details, cluster });
      return {
        ...rest,
        buttons: [...(rest.buttons ?? []), { actionId: ACTION_SHOW_DETAILS, label: 'Details', value: id }],
      };
    },
    async get(id) {
      if (!ID.test(id)) return { ok: false, why: 'gone' };
      const here = local.get(id);
      if (here) return { ok: true, kept: here };
      if (id.startsWith('m') || !shared)
        return { ok: false, why: id.startsWith('m') && shared ? 'elsewhere' : 'gone' };
      let value: string | null;
      try {
        value = await bounded(shared.fetch(id));
        answered();
      } catch (err) {
        failed(err, 'click');
        return { ok: false, why: 'unreachable' };
      }
      if (value === null) return { ok: false, why: 'gone' };
      const kept = await decodeDetails(value);
      if (kept) return { ok: true, kept };
      logger?.warn({ event: 'details_unreadable' }, 'a kept details value could not be read');
      return { ok: false, why: 'gone' };
    },
  };
}

/** `p`, or a rejection after {@link BACKEND_TIMEOUT_MS} (a frozen queue Redis never holds a reply up). */
function bounded<T>(p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('queue Redis did not answer in time'), { code: 'TIMEOUT' })),
      BACKEND_TIMEOUT_MS,
    );
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** What a click shows when the details are not there, for each reason. */
export const DETAILS_MISSING: Record<Exclude<DetailsLookup, { ok: true }>['why'], string> = {
  gone: `These details are no longer kept (the bot keeps them for 24 hours: the newest ${formatCount(SHARED_DETAILS)} in its queue Redis, or, without one, its last ${KEPT_DETAILS} in memory until it restarts): run the diagnosis again.`,
  elsewhere:
    'These details were kept only in the memory of the bot process that posted them (its queue Redis was not answering then, or they were too large to share), and this process does not have them (another replica answered, or that one restarted): run the diagnosis again.',
  unreachable:
    'These details are kept in the queue Redis, which is not answering right now: try again in a moment, or run the diagnosis again.',
};

/** What a click on a Details button that is no longer kept shows. */
export const DETAILS_GONE = DETAILS_MISSING.gone;
