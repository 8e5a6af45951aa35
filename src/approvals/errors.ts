/**
 * Coded errors of the approvals room, and the one table that reads the Lua scripts' negative returns.
 * Expected refusals (a self-approval, an expired request) are returned as values carrying these codes;
 * only broken promises (the store unreachable, a script misused) are thrown.
 */
import { CodedError } from '../cluster/coded-error.ts';

export type ApprovalErrorCode =
  /** No request with that id (or not a valid id). */
  | 'APPROVAL_NOT_FOUND'
  /** Someone decided it first, or it is past pending (the message says who and when). */
  | 'APPROVAL_ALREADY_DECIDED'
  | 'APPROVAL_EXPIRED'
  /** The approver is the requester and the cluster does not allow self-approval. */
  | 'APPROVAL_SELF'
  /** This user already approved; the second approval must come from someone else. */
  | 'APPROVAL_SAME_APPROVER'
  /** The user lacks the request/approve permission, or the channel may not name the cluster. */
  | 'APPROVAL_NOT_PERMITTED'
  | 'APPROVAL_WRONG_CHANNEL'
  /** The plan changes nothing (advice only): there is nothing to approve. */
  | 'APPROVAL_NOT_MUTATING'
  /** Another fix holds the cluster; nothing of this one ran. */
  | 'APPROVAL_CLUSTER_BUSY'
  /** The job vanished or was failed by the queue before it started; nothing ran. */
  | 'APPROVAL_JOB_LOST'
  /** The process running it stopped mid-run: what happened on the cluster is not known. */
  | 'APPROVAL_RUNNER_LOST'
  /** A move the state machine does not allow. */
  | 'APPROVAL_ILLEGAL_TRANSITION'
  /** The request changed between read and write, or the audit head moved (both retried internally). */
  | 'APPROVAL_CONFLICT'
  | 'APPROVAL_CHAIN_MOVED'
  | 'APPROVAL_ID_TAKEN'
  /** The worker that took it still runs (reconcile leaves it alone). */
  | 'APPROVAL_RUNNER_ALIVE'
  /** The queue Redis does not answer: nothing was recorded. */
  | 'APPROVAL_STORE_DOWN'
  /** The approvals config names an unknown action or option. */
  | 'APPROVAL_CONFIG'
  /** The audit chain does not verify. */
  | 'APPROVAL_AUDIT_BROKEN'
  | 'APPROVAL_INTERNAL';

/** An error of the approvals room with a stable `code`. */
export class ApprovalError extends CodedError<ApprovalErrorCode> {
  override name = 'ApprovalError';
}

/** True when `err` is an ApprovalError (optionally with the given code). */
export function isApprovalError(err: unknown, code?: ApprovalErrorCode): err is ApprovalError {
  return err instanceof ApprovalError && (code === undefined || err.code === code);
}

/**
 * The one table from a script's negative return to a code. Every script header lists the subset it
 * can return; the numbers never change meaning.
 */
export const SCRIPT_ERRORS: Readonly<Record<number, ApprovalErrorCode>> = {
  [-1]: 'APPROVAL_NOT_FOUND',
  [-2]: 'APPROVAL_EXPIRED',
  [-3]: 'APPROVAL_ID_TAKEN',
  [-4]: 'APPROVAL_SELF',
  [-5]: 'APPROVAL_CLUSTER_BUSY',
  [-6]: 'APPROVAL_RUNNER_ALIVE',
  [-7]: 'APPROVAL_ILLEGAL_TRANSITION',
  [-8]: 'APPROVAL_CONFLICT',
  [-9]: 'APPROVAL_CHAIN_MOVED',
  [-10]: 'APPROVAL_SAME_APPROVER',
};

/** A script's reply read through {@link SCRIPT_ERRORS}: ok with its detail, or the code it stopped on. */
export type ScriptOutcome =
  | { ok: true; detail: string }
  | { ok: false; code: ApprovalErrorCode; detail: string };

/** Reads a script reply `[status, detail]`: status >= 1 is success, a listed negative is its code. */
export function readScriptReply(reply: unknown): ScriptOutcome {
  const [status, detail] = Array.isArray(reply) ? reply : [reply, ''];
  const n = Number(status);
  const text = detail === null || detail === undefined ? '' : String(detail);
  if (n >= 1) return { ok: true, detail: text };
  const code = SCRIPT_ERRORS[n];
  if (!code) throw new ApprovalError('APPROVAL_INTERNAL', `unexpected script reply ${String(status)}`);
  return { ok: false, code, detail: text };
}

const DOWN_PATTERNS = [
  /enableOfflineQueue/i,
  /Connection is closed/i,
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EPIPE/,
  /Command timed out/i,
  /LOADING/,
  /MaxRetriesPerRequest/i,
];

/** Codes anything thrown at this room's edge: unreachable Redis becomes APPROVAL_STORE_DOWN. */
export function toApprovalError(err: unknown): ApprovalError {
  if (err instanceof ApprovalError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  const down = DOWN_PATTERNS.some((re) => re.test(message) || (typeof code === 'string' && re.test(code)));
  return down
    ? new ApprovalError(
        'APPROVAL_STORE_DOWN',
        'The approval store (queue Redis) is not reachable: nothing was recorded.',
        { cause: err },
      )
    : new ApprovalError('APPROVAL_INTERNAL', message, { cause: err });
}
