/**
 * The details store's queue Redis side: one entry per message under `{prefix}:details:<id>` with a TTL,
 * and an index of them (sorted by when they were kept) so the newest {@link SHARED_DETAILS} stay and
 * older ones are deleted as new ones come: what a flood of pastes can put in the queue Redis is bounded.
 * One script keeps an entry and trims the index together; reading is a plain GET.
 */
import type { Redis } from 'ioredis';
import { evalScript, type Script } from '../../approvals/scripts/index.ts';
import { SHARED_DETAILS } from './store.ts';
import type { DetailsBackend } from './types.ts';

/** Stores one entry and drops the oldest past the cap, atomically. */
export const KEEP_DETAILS: Script = {
  name: 'keep-details',
  keys: 2,
  lua: `--[[ keep-details: store one message's details, then forget the oldest entries past the cap.
  KEYS[1] the entry | KEYS[2] the index (sorted set: entry key -> ms when kept)
  ARGV[1] value | [2] TTL (ms) | [3] now (ms) | [4] most entries kept
  Returns the number of older entries deleted ]]
local ttl = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now, KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - ttl)
local over = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
local dropped = 0
if over > 0 then
  local old = redis.call('ZPOPMIN', KEYS[2], over)
  for i = 1, #old, 2 do
    dropped = dropped + redis.call('DEL', old[i])
  end
end
redis.call('PEXPIRE', KEYS[2], ttl)
return dropped
`,
};

/** The key names of the details of one bot deployment (`prefix` as in config approvals.prefix). */
export function detailsKeys(prefix: string) {
  const tag = `{${prefix}}`;
  return { entry: (id: string) => `${tag}:details:${id}`, index: `${tag}:details` };
}

/** The details backend over `redis` (a fail-fast connection: no offline queue, short timeouts). */
export function redisDetails(redis: Redis, prefix: string, max = SHARED_DETAILS): DetailsBackend {
  const keys = detailsKeys(prefix);
  return {
    async keep(id, value, ttlMs) {
      await evalScript(redis, KEEP_DETAILS, [keys.entry(id), keys.index], [value, ttlMs, Date.now(), max]);
    },
    fetch: (id) => redis.get(keys.entry(id)),
  };
}
