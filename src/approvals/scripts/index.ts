/**
 * Runs the approval scripts: EVALSHA first, EVAL once when the server does not know the script yet
 * (after a restart or SCRIPT FLUSH). Every reply is read through errors.ts's one table.
 */
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { readScriptReply, type ScriptOutcome } from '../errors.ts';
import type { Script } from './chain.ts';

export { ANNOTATE } from './annotate.ts';
export { AUDIT_APPEND } from './audit-append.ts';
export type { Script } from './chain.ts';
export { CREATE } from './create.ts';
export { READ } from './read.ts';
export { TRANSITION } from './transition.ts';

const shas = new Map<string, string>();

function shaOf(script: Script): string {
  let sha = shas.get(script.lua);
  if (!sha) {
    sha = createHash('sha1').update(script.lua).digest('hex');
    shas.set(script.lua, sha);
  }
  return sha;
}

/** Runs `script` and returns its raw reply (keys first, then args). */
export async function evalScript(
  redis: Redis,
  script: Script,
  keys: string[],
  args: (string | number)[],
): Promise<unknown> {
  if (keys.length !== script.keys) throw new Error(`${script.name} takes ${script.keys} keys`);
  try {
    return await redis.evalsha(shaOf(script), script.keys, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error)?.message).startsWith('NOSCRIPT')) throw err;
    return redis.eval(script.lua, script.keys, ...keys, ...args);
  }
}

/** Runs a script whose reply is `{ status, detail }`, read through the error table. */
export async function runScript(
  redis: Redis,
  script: Script,
  keys: string[],
  args: (string | number)[],
): Promise<ScriptOutcome> {
  return readScriptReply(await evalScript(redis, script, keys, args));
}
