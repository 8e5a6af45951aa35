/**
 * The Lua shared by every script that writes the audit chain: check that the chain head is still the
 * one the caller hashed its entry on, then append the entry and move the head, in that order. A script
 * calls chainReady before any write and chainWrite last, so a refused script changes nothing.
 */
import { GENESIS } from '../audit/chain.ts';

/** Lua functions chainReady(headKey, seq, prev) and chainWrite(headKey, streamKey, seq, hash, entry). */
export const CHAIN_LUA = `
local function chainReady(headKey, seq, prev)
  local head = redis.call('HMGET', headKey, 'seq', 'hash')
  local curSeq = tonumber(head[1] or '0')
  local curHash = head[2] or '${GENESIS}'
  return curSeq + 1 == tonumber(seq) and curHash == prev
end
local function chainWrite(headKey, streamKey, seq, hash, entry)
  redis.call('XADD', streamKey, '*', 'seq', seq, 'hash', hash, 'entry', entry)
  redis.call('HSET', headKey, 'seq', seq, 'hash', hash)
end
`;

/** A script: its Lua text and how many of its arguments are keys. */
export interface Script {
  name: string;
  lua: string;
  keys: number;
}
