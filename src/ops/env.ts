/** Reads and checks the process settings of `serve` from the environment; every problem is listed, none thrown. */
import { DEFAULT_REDIS_URL } from './health/queue-redis.ts';
import { isLogLevel, LOG_LEVELS, type LogLevelName } from './logger.ts';

export interface OpsEnv {
  logLevel: LogLevelName;
  /** The queue Redis (approvals, jobs, audit, and the event memory replicas share). */
  redisUrl: string;
}

export type OpsEnvResult = { ok: true; env: OpsEnv } | { ok: false; problems: string[] };

/** Validates LOG_LEVEL (default info) and REDIS_URL (default redis://127.0.0.1:6379). */
export function readOpsEnv(env: NodeJS.ProcessEnv = process.env): OpsEnvResult {
  const problems: string[] = [];
  const logLevel = env.LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!isLogLevel(logLevel)) {
    problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, not "${env.LOG_LEVEL}".`);
  }
  const redisUrl = env.REDIS_URL?.trim() || DEFAULT_REDIS_URL;
  if (!isRedisUrl(redisUrl)) {
    problems.push(
      'REDIS_URL must be a redis:// or rediss:// URL such as redis://queue:6379 (the queue Redis).',
    );
  }
  if (problems.length > 0 || !isLogLevel(logLevel)) return { ok: false, problems };
  return { ok: true, env: { logLevel, redisUrl } };
}

function isRedisUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
  } catch {
    return false;
  }
}
