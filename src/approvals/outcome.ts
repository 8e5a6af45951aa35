/**
 * What a run means for its request, pure: succeeded only when the executor says so; failed when it
 * stopped (or refused) and says what state it left; unknown-outcome when it threw after a command may
 * have reached the cluster, because then nobody can say what changed.
 */
import { toActionError } from '../actions/errors.ts';
import type { ExecutionResult } from '../actions/types.ts';
import type { RunResult } from './types.ts';

/** The final state and what the audit and the thread say about it. */
export interface RunOutcome extends RunResult {
  to: 'succeeded' | 'failed' | 'unknown-outcome';
}

/** From an ExecutionResult. `refused` and `not-confirmed` are failures with their own codes. */
export function outcomeOf(result: ExecutionResult): RunOutcome {
  const after = result.after ? { state: result.after.state, rootCauses: result.after.rootCauses } : null;
  const fingerprintAfter = result.fingerprintAfter ?? result.after?.fingerprint ?? result.fingerprintBefore;
  if (result.outcome === 'succeeded') {
    return { to: 'succeeded', code: null, message: result.message, fingerprintAfter, after };
  }
  const code =
    result.code ??
    (result.outcome === 'refused'
      ? 'ACTION_REFUSED'
      : result.outcome === 'not-confirmed'
        ? 'ACTION_NOT_CONFIRMED'
        : 'ACTION_STEP_FAILED');
  const where =
    result.outcome === 'refused'
      ? 'nothing was changed'
      : `${result.stepsDone} of ${result.stepsTotal} steps done${result.clusterState ? `; ${result.clusterState}` : ''}`;
  return { to: 'failed', code, message: `${result.message} (${where})`, fingerprintAfter, after };
}

/** From an executor that threw: failed if no step had started, else unknown-outcome. */
export function outcomeOfThrow(err: unknown, stepsStarted: number, fingerprint: string): RunOutcome {
  const coded = toActionError(err);
  const message = coded.message.split('\n')[0] ?? coded.code;
  if (stepsStarted === 0) {
    return {
      to: 'failed',
      code: coded.code,
      message: `${message} (no step had started: nothing was changed)`,
      fingerprintAfter: fingerprint,
      after: null,
    };
  }
  return {
    to: 'unknown-outcome',
    code: coded.code,
    message: `${message} (stopped during step ${stepsStarted}: check the cluster before doing anything else)`,
    fingerprintAfter: null,
    after: null,
  };
}
