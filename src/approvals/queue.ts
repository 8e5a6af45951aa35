/**
 * The queue Redis: its two kinds of connection (fail-fast for chat handlers, blocking for the worker),
 * the start-up check of its durability settings, and the one way a job is added: after an approval,
 * with a job id derived from the request id, one attempt, no backoff. Both connections reconnect on
 * their own, so the bot recovers from a queue Redis restart without restarting itself.
 */
import { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { ApprovalKeys } from './keys.ts';
import type { ApprovalRequest } from './types.ts';

/** The BullMQ queue of approved fixes. */
export const QUEUE_NAME = 'fixes';
const DAY_S = 24 * 3600;

/** What a job carries: the request id and cluster name only (the plan stays in the request). */
export interface FixJobData {
  requestId: string;
  cluster: string;
}

/**
 * Job options: one attempt and no backoff (mutating work is never retried), kept for 7 days when done
 * and 30 days when failed so a duplicate add in that window returns the existing job.
 */
export const JOB_OPTIONS = {
  attempts: 1,
  removeOnComplete: { age: 7 * DAY_S },
  removeOnFail: { age: 30 * DAY_S },
} as const;

/** The job id for a request: "run-" plus the request id ("run-fx-ab12cd34": no ':', never all digits). */
export function jobIdFor(requestId: string): string {
  return `run-${requestId}`;
}

/** Reconnect forever, at most every 2 s: the queue Redis may come back at any time. */
const reconnect = (times: number) => Math.min(100 * times, 2000);

/** A connection with `options` (over the shared reconnect policy and RESP2), watched as `role`. */
function connection(
  url: string,
  role: string,
  options: RedisOptions,
  logger: Logger | undefined,
  extra: RedisOptions,
): Redis {
  const redis = new Redis(url, { retryStrategy: reconnect, protocol: 2, ...options, ...extra });
  watch(redis, role, logger);
  return redis;
}

/**
 * A connection for chat handlers: a command fails at once while the queue Redis is down (no offline
 * queue, no retries), so a click gets a clear answer instead of hanging.
 */
export function handlerConnection(url: string, logger?: Logger, extra: RedisOptions = {}): Redis {
  const failFast = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: 5000,
  };
  return connection(url, 'handler', failFast, logger, extra);
}

/** A connection for the BullMQ worker: blocking commands, retried until the server is back. */
export function workerConnection(url: string, logger?: Logger, extra: RedisOptions = {}): Redis {
  return connection(url, 'worker', { maxRetriesPerRequest: null, connectTimeout: 5000 }, logger, extra);
}

/** Logs a connection going down and coming back once each (never the URL: it may hold a password). */
function watch(redis: Redis, role: string, logger?: Logger): void {
  let down = false;
  redis.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger?.warn({ event: 'queue_redis_down', role, code: (err as { code?: string }).code ?? 'ERROR' });
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger?.info({ event: 'queue_redis_back', role });
  });
}

/** The queue used to add approved fixes (over a fail-fast connection). */
export function createFixQueue(connection: Redis, keys: ApprovalKeys): Queue<FixJobData> {
  return new Queue<FixJobData>(QUEUE_NAME, { connection, prefix: keys.tag });
}

/**
 * Adds the job of an approved request. Idempotent while the job exists: a second add with the same id
 * returns the first job, so two replicas (or a click and the reconciler) never make two.
 */
export async function enqueue(queue: Queue<FixJobData>, req: ApprovalRequest): Promise<string> {
  const job = await queue.add(
    'fix',
    { requestId: req.id, cluster: req.cluster },
    { jobId: jobIdFor(req.id), ...JOB_OPTIONS },
  );
  return job.id ?? jobIdFor(req.id);
}

/**
 * Warnings about the queue Redis's durability: without `appendonly yes` an approval or audit entry can
 * be lost in a restart; without `maxmemory-policy noeviction` Redis may evict them under memory pressure.
 */
export async function checkQueueRedis(redis: Redis): Promise<string[]> {
  const warnings: string[] = [];
  try {
    const aof = (await redis.config('GET', 'appendonly')) as string[];
    if (aof[1] !== 'yes') {
      warnings.push(
        'appendonly is not yes: approvals and audit entries since the last snapshot are lost if it restarts',
      );
    }
    const policy = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (policy[1] !== 'noeviction') {
      warnings.push(
        `maxmemory-policy is ${policy[1] ?? 'unknown'}, not noeviction: Redis may evict approvals and audit entries`,
      );
    }
  } catch (err) {
    warnings.push(
      `could not read its settings with CONFIG GET (${(err as Error).message.split('\n')[0]}); check appendonly yes and maxmemory-policy noeviction by hand`,
    );
  }
  return warnings;
}

/** Resolves true once `redis` is ready, false after `timeoutMs` (it keeps trying in the background). */
export function whenReady(redis: Redis, timeoutMs = 5000): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.on('ready', onReady);
  });
}
