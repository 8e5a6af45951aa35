/** create: stores a new pending request and its `requested` audit entry together, or neither. */
import { CHAIN_LUA, type Script } from './chain.ts';

/** Creates a pending request and its `requested` entry together. */
export const CREATE: Script = {
  name: 'create',
  keys: 4,
  lua: `--[[ create: store a new request if its id is free, with its audit entry, atomically.
  KEYS[1] request hash | KEYS[2] audit head | KEYS[3] audit stream | KEYS[4] set of live request ids
  ARGV[1] seq | [2] head hash it was hashed on | [3] entry hash | [4] entry JSON | [5] request id
       [6..] field, value, ... of the request
  Returns { 1, id } created
  Errors: { -3, '' } id taken | { -9, '' } audit head moved ]]
${CHAIN_LUA}
if redis.call('EXISTS', KEYS[1]) == 1 then return { -3, '' } end
if not chainReady(KEYS[2], ARGV[1], ARGV[2]) then return { -9, '' } end
local fields = {}
for i = 6, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', KEYS[1], unpack(fields))
redis.call('SADD', KEYS[4], ARGV[5])
chainWrite(KEYS[2], KEYS[3], ARGV[1], ARGV[3], ARGV[4])
return { 1, ARGV[5] }
`,
};
