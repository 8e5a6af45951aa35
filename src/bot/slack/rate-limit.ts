/**
 * Bounded handling of Slack's HTTP 429: the WebClient is built with `rejectRateLimitedCalls`, so a 429
 * reaches us at once with its Retry-After, and this wrapper waits and retries a few times within a
 * budget. A 429 means Slack did not post anything, so retrying it cannot duplicate a message. Beyond
 * the budget the call fails with code `rate_limited` and the caller falls back (thread -> response_url).
 */
import type { Logger } from 'pino';

/** How long to keep retrying rate-limited calls. */
export interface RateLimitPolicy {
  /** Retries after a 429 (default 3). */
  retries: number;
  /** Total time one call may spend waiting out Retry-After headers (default 10 s). */
  maxWaitMs: number;
}

/** The default: up to 3 retries and 10 s of waiting per call, so a step arrives late rather than never. */
export const DEFAULT_RATE_LIMIT: RateLimitPolicy = { retries: 3, maxWaitMs: 10_000 };

/** Code of the WebClient's WebAPIRateLimitedError. */
const RATE_LIMITED = 'slack_webapi_rate_limited_error';

/** A Web API call that stayed rate-limited beyond the policy; `code` is always `rate_limited`. */
export class RateLimitedError extends Error {
  readonly code = 'rate_limited';
  readonly retryAfterS: number;
  constructor(method: string, retryAfterS: number, attempts: number) {
    super(`Slack kept rate-limiting ${method} (${attempts} attempts, last Retry-After ${retryAfterS} s)`);
    this.name = 'RateLimitedError';
    this.retryAfterS = retryAfterS;
  }
}

/** Seconds Slack asked us to wait, when `err` is a WebClient rate-limit rejection. */
export function retryAfterOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; retryAfter?: unknown } | null;
  if (e?.code !== RATE_LIMITED) return undefined;
  return typeof e.retryAfter === 'number' && e.retryAfter >= 0 ? e.retryAfter : 1;
}

/**
 * Runs `call`; on a 429 waits its Retry-After and runs it again, at most `policy.retries` times and
 * `policy.maxWaitMs` of waiting in all. Throws RateLimitedError when the budget runs out, and any other
 * error unchanged. Each wait is logged (method and seconds only).
 */
export async function withRateLimit<T>(
  method: string,
  call: () => Promise<T>,
  logger: Logger,
  policy: RateLimitPolicy = DEFAULT_RATE_LIMIT,
): Promise<T> {
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const retryAfterS = retryAfterOf(err);
      if (retryAfterS === undefined) throw err;
      const waitMs = Math.max(retryAfterS * 1000, 100);
      if (attempt > policy.retries || waited + waitMs > policy.maxWaitMs) {
        logger.warn(
          { event: 'slack_rate_limit_gave_up', method, attempts: attempt, retryAfterS, waitedMs: waited },
          'Slack rate limit outlasted the retry budget',
        );
        throw new RateLimitedError(method, retryAfterS, attempt);
      }
      logger.warn(
        { event: 'slack_rate_limited', method, attempt, retryAfterS },
        'Slack rate-limited a call; waiting Retry-After before retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      waited += waitMs;
    }
  }
}
