/**
 * An executor for approvals tests whose side effect is real and countable: each run INCRs a counter on a
 * real redis-server (a "target" that stands in for the cluster), between the events a real executor
 * emits. It can hold mid-run (for crash and shutdown tests) or throw after its first step started.
 * Not a Redis stub: the count is read back from the server. Test-only.
 */
import type { Redis } from 'ioredis';
import type { ExecutionResult, Plan } from '../../../src/actions/types.ts';
import type { Executor } from '../../../src/approvals/types.ts';

export interface CountingOptions {
  /** Waits this long inside the first step, after the INCR (abortable). */
  holdMs?: number;
  /** Throws after the first step started and counted. */
  throwMidway?: boolean;
  /** Returns refused ACTION_FINGERPRINT_CHANGED before any step (a changed topology). */
  refuse?: boolean;
  /** The hold does not end on abort (a step that cannot be interrupted). */
  ignoreAbort?: boolean;
}

/** An executor that counts each run in `counterKey` on `target`. */
export function countingExecutor(target: Redis, counterKey: string, opts: CountingOptions = {}): Executor {
  return async (plan: Plan, listener, signal): Promise<ExecutionResult> => {
    const t0 = Date.now();
    const base = { stepsTotal: plan.steps.length, fingerprintBefore: plan.fingerprint };
    if (opts.refuse) {
      await listener({
        type: 'preflight',
        fingerprint: 'e'.repeat(64),
        matches: false,
        detail: 'topology changed',
      });
      return {
        ...base,
        outcome: 'refused',
        code: 'ACTION_FINGERPRINT_CHANGED',
        message: 'The topology changed since the plan was approved',
        stepsDone: 0,
        fingerprintBefore: 'e'.repeat(64),
        elapsedMs: Date.now() - t0,
      };
    }
    await listener({ type: 'preflight', fingerprint: plan.fingerprint, matches: true, detail: 'unchanged' });
    let done = 0;
    for (const [index, step] of plan.steps.entries()) {
      if (signal.aborted) break;
      await listener({
        type: 'step-started',
        index,
        total: plan.steps.length,
        id: step.id,
        title: step.title,
        display: step.display,
      });
      await target.incr(counterKey);
      if (opts.throwMidway) throw new Error('executor crashed mid-step');
      if (opts.holdMs && index === 0)
        await sleep(opts.holdMs, opts.ignoreAbort ? new AbortController().signal : signal);
      await listener({ type: 'step-finished', index, outcome: 'ok', elapsedMs: Date.now() - t0 });
      done += 1;
    }
    if (done < plan.steps.length) {
      return {
        ...base,
        outcome: 'failed',
        code: 'ACTION_STEP_FAILED',
        message: 'Stopped by shutdown after the current step',
        stepsDone: done,
        failedStep: done,
        clusterState: 'the remaining steps did not run',
        elapsedMs: Date.now() - t0,
      };
    }
    const after = {
      state: 'ok' as const,
      fingerprint: 'a'.repeat(64),
      rootCauses: ['healthy' as const],
      causeGone: true,
      expectedHolds: true,
      remaining: [],
    };
    await listener({ type: 'verified', after });
    return {
      ...base,
      outcome: 'succeeded',
      message: 'Done; the re-diagnosis confirms the fix',
      stepsDone: done,
      fingerprintAfter: after.fingerprint,
      after,
      elapsedMs: Date.now() - t0,
    };
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
