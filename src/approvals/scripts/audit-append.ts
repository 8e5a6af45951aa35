/** audit-append: appends one audit entry that changes no request (refused clicks, steps, break-glass). */
import { CHAIN_LUA, type Script } from './chain.ts';

/** Appends one audit entry on an unchanged chain head. */
export const AUDIT_APPEND: Script = {
  name: 'audit-append',
  keys: 2,
  lua: `--[[ audit-append: append an entry only if the chain head is still the one it was hashed on.
  KEYS[1] audit head hash | KEYS[2] audit stream
  ARGV[1] seq of the new entry | [2] hash of the head it was hashed on | [3] its hash | [4] its JSON
  Returns { 1, seq } appended
  Errors: { -9, '' } the head moved (hash again on the new head) ]]
${CHAIN_LUA}
if not chainReady(KEYS[1], ARGV[1], ARGV[2]) then return { -9, '' } end
chainWrite(KEYS[1], KEYS[2], ARGV[1], ARGV[3], ARGV[4])
return { 1, ARGV[1] }
`,
};
