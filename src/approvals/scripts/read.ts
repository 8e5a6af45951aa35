/**
 * read: one consistent look at a request and the audit head, with the queue Redis's clock, so every
 * replica judges expiry by the same clock and hashes its entry on the head it saw.
 */
import type { Script } from './chain.ts';

/** Reads the clock, the chain head and a request in one step. */
export const READ: Script = {
  name: 'read',
  keys: 2,
  lua: `--[[ read: the server time, the audit chain head and one request, in one atomic read.
  KEYS[1] audit head hash | KEYS[2] request hash (any absent key reads as empty)
  ARGV none
  Returns { seconds, microseconds, head seq or '0', head hash or '', { field, value, ... } }
  Errors: none ]]
local t = redis.call('TIME')
local head = redis.call('HMGET', KEYS[1], 'seq', 'hash')
return { t[1], t[2], head[1] or '0', head[2] or '', redis.call('HGETALL', KEYS[2]) }
`,
};
