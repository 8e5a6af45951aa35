/**
 * The fix worker: takes an approved request's job, moves it to executing (one CAS that also takes the
 * cluster's lock), runs the injected executor, audits every executed step, and records the outcome.
 * Never retries: one attempt, a stalled job is failed (maxStalledCount 0), a second delivery of a job
 * finds its request past `approved` and does nothing, and any failure is an UnrecoverableError. One fix
 * per cluster: a lock taken in the same CAS as approved -> executing and released in the one that records
 * the outcome (BullMQ's deduplication would drop a second approved job silently, and worker concurrency
 * bounds one process, not the replicas). It reaches the chat only through the observer it is given; it
 * never imports the bot.
 */
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ActionError, type ActionErrorCode } from '../actions/errors.ts';
import type { ExecutionEvent } from '../actions/types.ts';
import { ApprovalError, type ApprovalErrorCode } from './errors.ts';
import type { ApprovalKeys } from './keys.ts';
import { outcomeOf, outcomeOfThrow, type RunOutcome } from './outcome.ts';
import { type FixJobData, QUEUE_NAME } from './queue.ts';
import type { RequestStore } from './requests.ts';
import { createStepAudit } from './step-audit.ts';
import type { ApprovalMetrics, ApprovalRequest, Executor, FixObserver } from './types.ts';

/** What the worker needs; the timings have production defaults. */
export interface FixWorkerOptions {
  /** A blocking connection (maxRetriesPerRequest null); BullMQ duplicates it as it needs. */
  connection: Redis;
  /** A fail-fast connection for the heartbeat. */
  redis: Redis;
  keys: ApprovalKeys;
  store: RequestStore;
  executor: Executor;
  observer?: FixObserver;
  logger: Logger;
  metrics?: ApprovalMetrics;
  /** This process's id in the audit and the heartbeat key ("worker:<host>:<pid>:<random>"). */
  runner: string;
  /** Jobs at once (different clusters; one cluster never runs two). Default 4. */
  concurrency?: number;
  /** BullMQ job lock, ms (default 30 s); a job whose lock lapses is failed, never re-run. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** Heartbeat lifetime, ms (default 15 s; renewed every third of it). */
  heartbeatMs?: number;
}

/** A running worker. */
export interface FixWorker {
  worker: Worker<FixJobData>;
  /** Requests running in this process now. */
  running(): string[];
  /**
   * Graceful stop: take no new job, let each running plan finish its current step (the executor sees
   * the abort), wait at most `timeoutMs`, then close. A plan still running after that is left
   * `executing` with no heartbeat, so the reconciler records unknown-outcome; it is never run again.
   */
  drain(timeoutMs: number): Promise<{ finished: boolean }>;
}

/** Starts the worker and its heartbeat. */
export function startFixWorker(opts: FixWorkerOptions): FixWorker {
  const { store, logger, observer, runner } = opts;
  const heartbeatKey = opts.keys.heartbeat(runner);
  const heartbeatMs = opts.heartbeatMs ?? 15_000;
  const beat = () =>
    opts.redis.set(heartbeatKey, String(process.pid), 'PX', heartbeatMs).catch(() => undefined);
  void beat();
  const timer = setInterval(beat, Math.max(200, Math.floor(heartbeatMs / 3)));
  timer.unref();
  const active = new Map<string, AbortController>();

  const tell = async (what: () => Promise<void> | undefined) => {
    try {
      await what();
    } catch (err) {
      logger.warn({ event: 'observer_failed', err }, 'could not report a fix transition to the chat');
    }
  };

  async function run(req: ApprovalRequest, log: Logger): Promise<RunOutcome> {
    const controller = new AbortController();
    active.set(req.id, controller);
    const steps = createStepAudit((d) => store.record(d), req, runner, log);
    const listener = async (event: ExecutionEvent) => {
      await steps.listener(event);
      await tell(() => observer?.progress(req, event));
    };
    try {
      return outcomeOf(await opts.executor(req.plan, listener, controller.signal));
    } catch (err) {
      return outcomeOfThrow(err, steps.started(), req.plan.fingerprint);
    } finally {
      await steps.flush();
      active.delete(req.id);
    }
  }

  const worker = new Worker<FixJobData>(
    QUEUE_NAME,
    async (job) => {
      const { requestId } = job.data;
      const log = logger.child({ requestId, jobId: job.id, cluster: job.data.cluster });
      const t0 = Date.now();
      const start = await store.start(requestId, runner, heartbeatKey, heartbeatMs);
      if (!start.ok) {
        if (start.code === 'APPROVAL_CLUSTER_BUSY' && start.request) {
          const message = `another fix (${start.detail}) is running on ${start.request.cluster}; nothing of this one ran. Request it again once that one is done.`;
          const lost = await store.abandon(requestId, runner, 'APPROVAL_CLUSTER_BUSY', message);
          if (lost.ok) await tell(() => observer?.changed(lost.request, 'failed'));
          const cause = new ApprovalError('APPROVAL_CLUSTER_BUSY', message);
          throw Object.assign(new UnrecoverableError(`${cause.code}: ${message}`), { cause });
        }
        // Already executing or finished (a second delivery), or gone: never run it again.
        log.warn({ event: 'job_skipped', code: start.code, state: start.detail }, 'job has nothing to run');
        return { skipped: start.code };
      }
      const req = start.request;
      log.info({ event: 'fix_started', action: req.action }, 'fix started');
      await tell(() => observer?.changed(req, 'executing'));
      const outcome = await run(req, log);
      const done = await store.finish(requestId, outcome.to, runner, outcome);
      opts.metrics?.job(outcome.to, (Date.now() - t0) / 1000);
      log.info({ event: 'fix_finished', outcome: outcome.to, code: outcome.code }, 'fix finished');
      if (done.ok) await tell(() => observer?.changed(done.request, outcome.to));
      else log.error({ event: 'fix_outcome_not_recorded', code: done.code }, 'outcome could not be recorded');
      if (outcome.to !== 'succeeded') {
        // "Never again": BullMQ moves it to failed with no retry; the coded error rides along as the cause.
        const cause = codedError(outcome.code, outcome.message);
        throw Object.assign(new UnrecoverableError(`${cause.code}: ${outcome.message}`), { cause });
      }
      return { outcome: outcome.to };
    },
    {
      connection: opts.connection,
      prefix: opts.keys.tag,
      concurrency: opts.concurrency ?? 4,
      maxStalledCount: 0,
      lockDuration: opts.lockDurationMs ?? 30_000,
      stalledInterval: opts.stalledIntervalMs ?? 30_000,
      removeOnComplete: { age: 7 * 24 * 3600 },
      removeOnFail: { age: 30 * 24 * 3600 },
    },
  );
  worker.on('error', (err) => logger.warn({ event: 'worker_error', err }, 'fix worker error'));
  worker.on('failed', (job, err) => {
    if (err.message.includes('stalled')) {
      logger.warn({ event: 'job_stalled', jobId: job?.id }, 'a fix job stalled; it is failed, never re-run');
    }
  });

  return {
    worker,
    running: () => [...active.keys()],
    async drain(timeoutMs) {
      for (const c of active.values())
        c.abort(new ApprovalError('APPROVAL_INTERNAL', 'the bot is shutting down'));
      // Take no new job, without waiting (BullMQ's own close would wait for the running job unbounded).
      await worker.pause(true).catch(() => undefined);
      const end = Date.now() + timeoutMs;
      while (active.size > 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      const finished = active.size === 0;
      clearInterval(timer);
      // With no heartbeat, whatever still runs here reads as interrupted to the next reconcile.
      await opts.redis.del(heartbeatKey).catch(() => undefined);
      await worker.close(!finished).catch(() => undefined);
      return { finished };
    },
  };
}

/** The coded error of an outcome: an ActionError for ACTION_* codes, else an ApprovalError. */
function codedError(code: string | null, message: string): ActionError | ApprovalError {
  if (code?.startsWith('ACTION_')) return new ActionError(code as ActionErrorCode, message);
  return new ApprovalError((code as ApprovalErrorCode | null) ?? 'APPROVAL_INTERNAL', message);
}
