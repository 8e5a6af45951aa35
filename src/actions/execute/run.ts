/**
 * Runs a plan's steps in order through the step-runner registry and emits an event before and after
 * each. Stops at the first failure and says which step failed; the steps after it never start. No step
 * is ever run twice and no mutating command is retried: a command without an answer is reported as
 * possibly run. A listener that throws, or hangs, never stops or stalls the plan.
 */
import { ActionError, toActionError } from '../errors.ts';
import type { ExecutionEvent, ExecutionListener, Plan } from '../types.ts';
import type { ExecContext, NodeSession, StepOutcome } from './context.ts';
import { runnerFor } from './runners.ts';

/** How long one listener call may hold the run before the run goes on without waiting for it. */
export const LISTENER_CAP_MS = 2000;

/** What the steps did. */
export interface RunResult {
  /** Steps that finished (ok or skipped), from the first. */
  stepsDone: number;
  /** Index of the step that failed, when one did. */
  failedStep?: number;
  error?: ActionError;
  outcomes: StepOutcome[];
}

/** What the runner needs from the connections of the run. */
export interface RunSessions {
  session(node: { id: string | null; address: string }): Promise<NodeSession>;
  reachableSessions(): Promise<NodeSession[]>;
  readonly migrateAuth: readonly string[];
}

/**
 * Wraps a listener so that events reach it in order, and a listener that throws is ignored and one that
 * takes longer than `capMs` is no longer waited for.
 */
export function eventSink(
  listener: ExecutionListener | undefined,
  capMs = LISTENER_CAP_MS,
): (e: ExecutionEvent) => Promise<void> {
  if (!listener) return async () => undefined;
  return async (event) => {
    let timer: NodeJS.Timeout | undefined;
    const cap = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, capMs);
      timer.unref?.();
    });
    try {
      await Promise.race([Promise.resolve().then(() => listener(event)), cap]);
    } catch {
      // A transport that cannot show an event must not stop the plan.
    } finally {
      clearTimeout(timer);
    }
  };
}

/** Runs `plan.steps` in order; resolves with what happened, never rejects. */
export async function runSteps(
  plan: Plan,
  sessions: RunSessions,
  emit: (e: ExecutionEvent) => Promise<void>,
  signal: AbortSignal,
): Promise<RunResult> {
  const outcomes: StepOutcome[] = [];
  const total = plan.steps.length;
  for (const [index, step] of plan.steps.entries()) {
    const fail = async (error: ActionError, elapsedMs: number): Promise<RunResult> => {
      await emit({ type: 'step-failed', index, code: error.code, message: error.message, elapsedMs });
      return { stepsDone: index, failedStep: index, error, outcomes };
    };
    if (signal.aborted) {
      return fail(
        new ActionError(
          'ACTION_STEP_FAILED',
          `stopped before step ${index + 1}: a stop was requested (the worker shutting down, or Ctrl-C)`,
        ),
        0,
      );
    }
    const runner = runnerFor(step);
    if (!runner) return fail(new ActionError('ACTION_INTERNAL', `no runner for step kind "${step.kind}"`), 0);
    await emit({ type: 'step-started', index, total, id: step.id, title: step.title, display: step.display });
    const ctx: ExecContext = {
      session: (node) => sessions.session(node),
      reachableSessions: () => sessions.reachableSessions(),
      emit,
      stepIndex: index,
      migrateAuth: sessions.migrateAuth,
      signal,
    };
    const started = Date.now();
    let outcome: StepOutcome;
    try {
      outcome = await runner(step, ctx);
    } catch (err) {
      return fail(toActionError(err), Date.now() - started);
    }
    outcomes.push(outcome);
    await emit({
      type: 'step-finished',
      index,
      outcome: outcome.outcome,
      ...(outcome.note ? { note: outcome.note } : {}),
      elapsedMs: Date.now() - started,
    });
  }
  return { stepsDone: total, outcomes };
}
