/**
 * Reconciles live requests with reality, at start-up and then periodically, on any replica:
 * - executing with its worker's heartbeat gone (a crash, a kill, a forced shutdown) becomes
 *   unknown-outcome, audited, and is never run again: nobody knows which commands reached the cluster;
 * - approved with no job (a crash between the approval and the add) gets its job, added idempotently;
 * - approved whose job already ended without starting it becomes failed: nothing ran;
 * - pending past its expiry becomes expired, so its card loses its buttons.
 * Every move is the same CAS as everywhere else, so two reconcilers (or a reconciler and a worker)
 * never both win.
 */
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { ApprovalKeys } from './keys.ts';
import { enqueue, type FixJobData, jobIdFor } from './queue.ts';
import type { RequestStore } from './requests.ts';
import type { AuditEventName, FixObserver, Moved } from './types.ts';

/** What a reconcile pass reads and whom it tells. */
export interface ReconcileOptions {
  store: RequestStore;
  queue: Queue<FixJobData>;
  keys: ApprovalKeys;
  logger: Logger;
  observer?: FixObserver;
  /** Who the audit names for these moves (this process). */
  actor: string;
}

/** What one pass did, by request id. */
export interface ReconcileReport {
  unknown: string[];
  enqueued: string[];
  lost: string[];
  expired: string[];
}

/** One pass over every live request. Never throws for one request's trouble; logs it and goes on. */
export async function reconcile(opts: ReconcileOptions): Promise<ReconcileReport> {
  const { store, queue, keys, logger, actor } = opts;
  const report: ReconcileReport = { unknown: [], enqueued: [], lost: [], expired: [] };
  const told = async (moved: Moved, event: AuditEventName, into: string[]) => {
    if (!moved.ok) return;
    into.push(moved.request.id);
    logger.warn({ event: 'reconciled', requestId: moved.request.id, to: moved.request.state });
    try {
      await opts.observer?.changed(moved.request, event);
    } catch (err) {
      logger.warn({ event: 'observer_failed', err }, 'could not report a reconciled request');
    }
  };
  for (const id of await store.live()) {
    try {
      const req = await store.get(id);
      if (!req) continue;
      if (req.state === 'executing') {
        const message =
          'The process running this fix stopped before recording an outcome. Some commands may have reached the cluster: check it before doing anything else. It will not be run again.';
        const moved = await store.markUnknown(id, actor, keys.heartbeat(req.runner ?? '-'), message);
        await told(moved, 'unknown-outcome', report.unknown);
      } else if (req.state === 'approved') {
        const state = await queue.getJobState(jobIdFor(id));
        if (state === 'unknown') {
          await enqueue(queue, req);
          report.enqueued.push(id);
          logger.warn({ event: 'reconciled', requestId: id, to: 'enqueued' });
        } else if (state === 'completed' || state === 'failed') {
          const message = `The job ended (${state}) before it started this fix: nothing ran. Request it again.`;
          await told(await store.abandon(id, actor, 'APPROVAL_JOB_LOST', message), 'failed', report.lost);
        }
      } else if (req.state === 'pending') {
        await told(await store.expire(id, actor), 'expired', report.expired);
      }
    } catch (err) {
      logger.warn({ event: 'reconcile_failed', requestId: id, err }, 'could not reconcile a request');
    }
  }
  return report;
}

/** Runs {@link reconcile} now and every `everyMs`; `stop()` ends it and waits for a pass in flight. */
export function startReconciler(opts: ReconcileOptions, everyMs = 15_000): { stop(): Promise<void> } {
  let current: Promise<unknown> = reconcile(opts).catch(() => undefined);
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped) return;
    current = current.then(() => reconcile(opts)).catch(() => undefined);
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
