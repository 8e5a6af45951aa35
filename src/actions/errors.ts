/**
 * Coded errors of the remediation actions: one code per way planning or execution can stop. Refusals
 * are returned as values (types.ts Refusal) and carry these codes too; executors throw ActionError.
 */
import { CodedError } from '../cluster/coded-error.ts';

export type ActionErrorCode =
  /** No such action, or a parameter is missing, malformed or does not name a known node. */
  | 'ACTION_UNKNOWN'
  | 'ACTION_BAD_PARAMS'
  /** The planner refuses: unsafe, or not needed (reasons say which). */
  | 'ACTION_REFUSED'
  | 'ACTION_NOT_NEEDED'
  /**
   * The planner refuses: the plan would leave a master with fewer good replicas than its
   * min-replicas-to-write, so it would refuse every write (NOREPLICAS); or keys would move from or to a
   * master that refuses writes now, so MIGRATE would fail.
   */
  | 'ACTION_MIN_REPLICAS'
  /** Re-checked just before running: the topology changed since the plan, or the same params now plan differently. */
  | 'ACTION_FINGERPRINT_CHANGED'
  | 'ACTION_PLAN_CHANGED'
  /** A terminal without --yes and without a TTY to ask on. */
  | 'ACTION_CONFIRMATION_REQUIRED'
  /** Advice only (restart-node): nothing to execute. */
  | 'ACTION_ADVICE_ONLY'
  /** A step failed: Redis refused it, the credentials lack a permission, a node did not answer. */
  | 'ACTION_STEP_FAILED'
  | 'ACTION_NOPERM'
  | 'ACTION_UNREACHABLE'
  /** MIGRATE found the key already on the target (BUSYKEY) and REPLACE was not turned on. */
  | 'ACTION_BUSYKEY'
  /** A wait step's condition did not hold in time. */
  | 'ACTION_TIMEOUT'
  /** Every step ran, but the re-diagnosis does not confirm the fix. */
  | 'ACTION_NOT_CONFIRMED'
  /** Anything unexpected, coded at the boundary so every report and audit entry has a code. */
  | 'ACTION_INTERNAL';

/** An error of the remediation room with a stable `code`. */
export class ActionError extends CodedError<ActionErrorCode> {
  override name = 'ActionError';
}

/** True when `err` is an ActionError (optionally with the given code). */
export function isActionError(err: unknown, code?: ActionErrorCode): err is ActionError {
  return err instanceof ActionError && (code === undefined || err.code === code);
}

/** Codes anything thrown: an ActionError keeps its code; everything else becomes ACTION_INTERNAL. */
export function toActionError(err: unknown): ActionError {
  if (err instanceof ActionError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ActionError('ACTION_INTERNAL', message, { cause: err });
}
