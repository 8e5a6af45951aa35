/**
 * transition: the one compare-and-set that moves a request, with its audit entry in the same script, so
 * a move and its record can never be separated. The legal moves are generated from policy.ts, so the
 * Lua and the TypeScript cannot disagree about the state machine.
 */
import { isFinal, TRANSITIONS } from '../policy.ts';
import { REQUEST_STATES } from '../types.ts';
import { CHAIN_LUA, type Script } from './chain.ts';

const legal = REQUEST_STATES.map(
  (from) => `['${from}'] = { ${TRANSITIONS[from].map((to) => `['${to}'] = true`).join(', ')} }`,
).join(',\n  ');
const finals = REQUEST_STATES.filter(isFinal)
  .map((s) => `['${s}'] = true`)
  .join(', ');

/** Moves a request and appends its entry, or changes nothing. */
export const TRANSITION: Script = {
  name: 'transition',
  keys: 6,
  lua: `--[[ transition: move one request from state A to B, or change nothing.
  KEYS[1] request hash | [2] audit head | [3] audit stream | [4] set of live request ids
      [5] the cluster's running-fix lock | [6] a worker's heartbeat key
  ARGV[1] expected state | [2] new state | [3] expected version | [4] audit seq | [5] head hash it was
      hashed on | [6] entry hash | [7] entry JSON | [8] now, ms (queue Redis clock, read just before)
      [9] lock: 'take' | 'release' | 'none' | [10] heartbeat: 'absent' (must not exist) | 'none'
      | 'beat:<ms>' (set it for that long with the move: a running request always has a live heartbeat)
      [11] approver to add ('' for none) | [12] approvals JSON after the move ('' to keep)
      [13] ms to keep a finished request | [14..] field, value, ... to set
  Returns { 1, new version } moved
  Errors: { -1 } no such request | { -8, state } state or version changed | { -7, state } illegal move
      { -2 } expired | { -4 } approver is the requester | { -10 } approver already approved
      { -5, holder } cluster lock held by another request | { -6 } heartbeat alive | { -9 } head moved ]]
${CHAIN_LUA}
local legal = {
  ${legal}
}
local finals = { ${finals} }
local req = KEYS[1]
if redis.call('EXISTS', req) == 0 then return { -1, '' } end
local cur = redis.call('HMGET', req, 'state', 'version', 'expiresAt', 'requestedBy', 'selfApproval', 'approvals', 'id')
if cur[1] ~= ARGV[1] or cur[2] ~= ARGV[3] then return { -8, cur[1] or '' } end
if not (legal[ARGV[1]] and legal[ARGV[1]][ARGV[2]]) then return { -7, cur[1] } end
local approver = ARGV[11]
if approver ~= '' then
  if tonumber(ARGV[8]) > tonumber(cur[3]) then return { -2, '' } end
  if approver == cur[4] and cur[5] ~= '1' then return { -4, '' } end
  for _, a in ipairs(cjson.decode(cur[6] or '[]')) do
    if a.user == approver then return { -10, '' } end
  end
end
if ARGV[9] == 'take' then
  local holder = redis.call('GET', KEYS[5])
  if holder and holder ~= cur[7] then return { -5, holder } end
end
if ARGV[10] == 'absent' and redis.call('EXISTS', KEYS[6]) == 1 then return { -6, '' } end
if not chainReady(KEYS[2], ARGV[4], ARGV[5]) then return { -9, '' } end
local version = tonumber(cur[2]) + 1
local fields = { 'state', ARGV[2], 'version', tostring(version) }
if ARGV[12] ~= '' then fields[#fields + 1] = 'approvals'; fields[#fields + 1] = ARGV[12] end
for i = 14, #ARGV do fields[#fields + 1] = ARGV[i] end
redis.call('HSET', req, unpack(fields))
if ARGV[9] == 'take' then redis.call('SET', KEYS[5], cur[7]) end
if string.sub(ARGV[10], 1, 5) == 'beat:' then
  redis.call('SET', KEYS[6], 'alive', 'PX', tonumber(string.sub(ARGV[10], 6)))
end
if ARGV[9] == 'release' and redis.call('GET', KEYS[5]) == cur[7] then redis.call('DEL', KEYS[5]) end
if finals[ARGV[2]] then
  redis.call('SREM', KEYS[4], cur[7])
  redis.call('PEXPIRE', req, ARGV[13])
end
chainWrite(KEYS[2], KEYS[3], ARGV[4], ARGV[6], ARGV[7])
return { 1, tostring(version) }
`,
};
