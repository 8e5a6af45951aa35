/** annotate: records where a request's card was posted; not a transition, so not audited. */
import type { Script } from './chain.ts';

/** Sets a request's card and thread. */
export const ANNOTATE: Script = {
  name: 'annotate',
  keys: 1,
  lua: `--[[ annotate: set the card and thread of an existing request (never creates one).
  KEYS[1] request hash
  ARGV[1] card ts | [2] thread ts
  Returns { 1, '' } set
  Errors: { -1, '' } no such request ]]
if redis.call('EXISTS', KEYS[1]) == 0 then return { -1, '' } end
redis.call('HSET', KEYS[1], 'card', ARGV[1], 'thread', ARGV[2])
return { 1, '' }
`,
};
