/**
 * One audit entry per executed step, from the executor's events: the step's exact commands (from its
 * step-started event), its outcome and time (from step-finished or step-failed). Shared by the worker
 * and the break-glass path. Appends never throw into the run; `flush` waits for the ones in flight so
 * the outcome entry comes after every step entry.
 */
import type { Logger } from 'pino';
import type { ExecutionEvent } from '../actions/types.ts';
import { type AuditSubject, draftFor } from './record.ts';
import type { AuditDraft, AuditEntry } from './types.ts';

/** Audits steps of one run; `started` counts the steps that began (so a throw can tell "nothing ran"). */
export interface StepAudit {
  listener(event: ExecutionEvent): Promise<void>;
  started(): number;
  flush(): Promise<void>;
}

/** Builds the step auditor of `subject`'s run by `actor`. */
export function createStepAudit(
  record: (draft: AuditDraft) => Promise<AuditEntry>,
  subject: AuditSubject,
  actor: string,
  logger?: Logger,
): StepAudit {
  const steps = new Map<number, { title: string; display: string[]; total: number }>();
  const pending = new Set<Promise<unknown>>();
  let started = 0;
  return {
    async listener(event) {
      if (event.type === 'step-started') {
        started += 1;
        steps.set(event.index, { title: event.title, display: event.display, total: event.total });
        return;
      }
      if (event.type !== 'step-finished' && event.type !== 'step-failed') return;
      const s = steps.get(event.index);
      const failed = event.type === 'step-failed';
      const write = record(
        draftFor(subject, 'step', actor, {
          outcome: failed ? `failed: ${event.message}` : event.outcome,
          code: failed ? event.code : null,
          step: {
            index: event.index + 1,
            total: s?.total ?? subject.plan.steps.length,
            title: s?.title ?? `step ${event.index + 1}`,
            commands: s?.display ?? [],
            elapsedMs: event.elapsedMs,
          },
        }),
      ).catch((err: unknown) => logger?.error({ event: 'step_audit_failed', err }, 'a step was not audited'));
      pending.add(write);
      await write;
      pending.delete(write);
    },
    started: () => started,
    async flush() {
      await Promise.all([...pending]);
    },
  };
}
