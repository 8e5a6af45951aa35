/**
 * The `copy-functions` step (add-node): the cluster's function libraries onto the new master, as
 * `redis-cli --cluster add-node` copies them. FUNCTION LIST on the source (none: skipped with a note) and
 * on the target (exactly the same libraries: skipped, already done; any other: fails and changes
 * nothing, never REPLACE or FLUSH), then FUNCTION DUMP as a Buffer (the payload is binary, never turned
 * into text) and FUNCTION RESTORE of that Buffer, then FUNCTION LIST again to confirm. Each command is sent
 * once; a RESTORE that finds a library already there (loaded meanwhile) fails and overwrites nothing.
 */
import { librariesText, parseFunctionList, sameLibraries } from '../../cluster/parse-functions.ts';
import type { FunctionLibrary } from '../../cluster/types.ts';
import { ActionError } from '../errors.ts';
import type { CopyFunctionsStep } from '../types.ts';
import type { NodeSession, StepRunner } from './context.ts';

const LIST = ['FUNCTION', 'LIST', 'WITHCODE'];

async function libraries(s: NodeSession): Promise<FunctionLibrary[]> {
  return parseFunctionList(await s.call(LIST));
}

/** Copies the libraries; skipped when there are none or they are already there. */
export const runCopyFunctions: StepRunner<CopyFunctionsStep> = async (step, ctx) => {
  const [src, dst] = [await ctx.session(step.source), await ctx.session(step.target)];
  const [from, to] = [step.source.address, step.target.address];
  const have = await libraries(src);
  if (have.length === 0)
    return { outcome: 'skipped', note: `the cluster has no functions (FUNCTION LIST on ${from} is empty)` };
  const there = await libraries(dst);
  if (there.length > 0) {
    if (sameLibraries(have, there))
      return {
        outcome: 'skipped',
        note: `already done: ${to} holds the same libraries (${librariesText(have)})`,
      };
    throw new ActionError(
      'ACTION_REFUSED',
      `${to} already holds other function libraries (${librariesText(there)}) than ${from} (${librariesText(have)}): nothing was copied or overwritten. Delete them on ${to} by hand (FUNCTION DELETE) if they are leftovers, then plan again`,
    );
  }
  if (!src.callBuffer || !dst.callBuffer)
    throw new ActionError('ACTION_INTERNAL', 'this run has no binary-safe connection for FUNCTION DUMP');
  const payload = await src.callBuffer(['FUNCTION', 'DUMP']);
  if (!Buffer.isBuffer(payload))
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${from} FUNCTION DUMP gave no payload: nothing was restored`,
    );
  await dst.callBuffer(['FUNCTION', 'RESTORE', payload]);
  const after = await libraries(dst);
  if (!sameLibraries(have, after))
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${to} lists ${librariesText(after) || 'no library'} after FUNCTION RESTORE, not ${librariesText(have)}`,
    );
  return {
    outcome: 'ok',
    note: `${to} now holds ${librariesText(have)} (a ${payload.length}-byte FUNCTION DUMP of ${from})`,
  };
};
