/**
 * The break-glass record: `redis-runbook apply --yes` skips approval, so when a queue Redis is
 * configured it writes the same audit chain: a `break-glass` entry before anything runs (who, on which
 * host, why, the exact plan), one `step` entry per executed step, and the outcome. Never blocks the fix
 * on the audit: if the queue Redis does not answer, the caller is told, and the run is not recorded.
 */
import { hostname } from 'node:os';
import type { ExecutionEvent, ExecutionResult, Plan } from '../actions/types.ts';
import { toApprovalError } from './errors.ts';
import { approvalKeys, newId } from './keys.ts';
import { outcomeOf } from './outcome.ts';
import { handlerConnection, whenReady } from './queue.ts';
import { type AuditSubject, draftFor, planNote } from './record.ts';
import { createRequestStore } from './requests.ts';
import { createStepAudit } from './step-audit.ts';

/** An audited break-glass run. */
export interface BreakGlassRecord {
  /** "bg-" and 8 letters or digits: the request id its entries share. */
  id: string;
  listener(event: ExecutionEvent): Promise<void>;
  /** Records the outcome and closes the connection. */
  finish(result: ExecutionResult): Promise<void>;
}

/**
 * Connects (waiting up to `waitMs`), records the `break-glass` entry and returns the recorder; a string
 * says why nothing could be recorded (the fix may still run: that is the point of breaking glass).
 */
export async function openBreakGlass(opts: {
  url: string;
  prefix: string;
  plan: Plan;
  actor: string;
  reason: string;
  waitMs?: number;
}): Promise<BreakGlassRecord | string> {
  const redis = handlerConnection(opts.url);
  if (!(await whenReady(redis, opts.waitMs ?? 2000))) {
    redis.disconnect();
    return 'the queue Redis (REDIS_URL) does not answer';
  }
  const store = createRequestStore({ redis, keys: approvalKeys(opts.prefix) });
  const subject: AuditSubject = {
    id: `bg-${newId().slice(3)}`,
    cluster: opts.plan.cluster,
    channel: `terminal:${hostname()}`,
    thread: null,
    action: opts.plan.action,
    params: opts.plan.params,
    plan: opts.plan,
  };
  try {
    await store.record(
      draftFor(subject, 'break-glass', opts.actor, {
        plan: planNote(opts.plan),
        outcome: `apply --yes without approval; reason: ${opts.reason}`,
      }),
    );
  } catch (err) {
    redis.disconnect();
    return `the audit entry could not be written (${toApprovalError(err).code})`;
  }
  const steps = createStepAudit((d) => store.record(d), subject, opts.actor);
  return {
    id: subject.id,
    listener: (event) => steps.listener(event),
    async finish(result) {
      await steps.flush();
      const outcome = outcomeOf(result);
      await store
        .record(
          draftFor(subject, outcome.to, opts.actor, {
            outcome: outcome.message,
            code: outcome.code,
            fingerprintAfter: outcome.fingerprintAfter,
            diagnosis: outcome.after,
          }),
        )
        .catch(() => undefined)
        .finally(() => redis.disconnect());
    },
  };
}
