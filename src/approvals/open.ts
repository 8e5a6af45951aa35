/**
 * Opens the approvals room on one queue Redis for an entry point (serve, shell, demo): connections,
 * store, queue and service now; the worker and the reconciler when asked. No state another replica
 * needs lives here: requests, jobs, locks, heartbeats and the audit are all in the queue Redis.
 */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config/schema.ts';
import { approvalKeys } from './keys.ts';
import { checkQueueRedis, createFixQueue, handlerConnection, whenReady, workerConnection } from './queue.ts';
import { startReconciler } from './reconcile.ts';
import { createRequestStore } from './requests.ts';
import { type ApprovalService, createApprovalService } from './service.ts';
import type { ApprovalMetrics, Executor, FixObserver } from './types.ts';
import { type FixWorker, type FixWorkerOptions, startFixWorker } from './worker.ts';

/** Where the queue Redis is, the registry, and what to log and count. */
export interface OpenOptions {
  url: string;
  config: Config;
  logger: Logger;
  metrics?: ApprovalMetrics;
  /** Overrides config.approvals.prefix (tests give each file its own). */
  prefix?: string;
}

/** Timings a test may shorten; production uses the defaults. */
export type WorkerTimings = Pick<
  FixWorkerOptions,
  'lockDurationMs' | 'stalledIntervalMs' | 'heartbeatMs' | 'concurrency'
>;

/** The approvals room as one process uses it; `close` ends everything it started. */
export interface ApprovalRuntime {
  service: ApprovalService;
  /** This process's name in the audit and its heartbeat. */
  runner: string;
  /** Waits up to `ms` for the queue Redis; then returns its durability warnings (or that it is down). */
  check(ms?: number): Promise<{ up: boolean; warnings: string[] }>;
  /** Starts this process's worker (at most one) and the reconciler. */
  startWorker(
    executor: Executor,
    observer?: FixObserver,
    timings?: WorkerTimings & { reconcileMs?: number },
  ): FixWorker;
  /** Resolves once no fix job is waiting or running (true), or after `timeoutMs` (false). */
  idle(timeoutMs: number): Promise<boolean>;
  /** Drains the worker (bounded by `drainMs`), stops the reconciler, closes queue and connections. */
  close(drainMs?: number): Promise<{ finished: boolean }>;
}

/** Opens the store, queue and service over `url`; connects in the background and reconnects forever. */
export function openApprovals(opts: OpenOptions): ApprovalRuntime {
  const { logger } = opts;
  const keys = approvalKeys(opts.prefix ?? opts.config.approvals.prefix);
  const redis = handlerConnection(opts.url, logger);
  const store = createRequestStore({ redis, keys, ...(opts.metrics ? { metrics: opts.metrics } : {}) });
  const queue = createFixQueue(redis, keys);
  queue.on('error', (err) => logger.debug({ event: 'queue_error', err }));
  const service = createApprovalService({ config: opts.config, redis, store, queue, keys, logger });
  const runner = `worker:${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  let worker: FixWorker | null = null;
  let reconciler: { stop(): Promise<void> } | null = null;
  let blocking: ReturnType<typeof workerConnection> | null = null;

  return {
    service,
    runner,
    async check(ms = 3000) {
      if (!(await whenReady(redis, ms))) return { up: false, warnings: [] };
      return { up: true, warnings: await checkQueueRedis(redis) };
    },
    startWorker(executor, observer, timings = {}) {
      if (worker) return worker;
      blocking = workerConnection(opts.url, logger);
      worker = startFixWorker({
        connection: blocking,
        redis,
        keys,
        store,
        executor,
        logger,
        runner,
        ...(observer ? { observer } : {}),
        ...(opts.metrics ? { metrics: opts.metrics } : {}),
        ...timings,
      });
      reconciler = startReconciler(
        { store, queue, keys, logger, actor: runner, ...(observer ? { observer } : {}) },
        timings.reconcileMs ?? 15_000,
      );
      return worker;
    },
    async idle(timeoutMs) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed').catch(() => null);
        const queued = counts ? Object.values(counts).reduce((a, b) => a + b, 0) : 1;
        if (queued === 0 && (worker?.running().length ?? 0) === 0) return true;
        if (Date.now() >= end) return false;
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    async close(drainMs = 8000) {
      await reconciler?.stop();
      const drained = worker ? await worker.drain(drainMs) : { finished: true };
      await queue.close().catch(() => undefined);
      blocking?.disconnect();
      redis.disconnect();
      return drained;
    },
  };
}
