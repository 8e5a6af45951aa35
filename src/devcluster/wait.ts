/** Bounded polling helpers: every wait has a deadline and an iteration cap, and fails with a clear error. */
import { DevClusterError } from './errors.ts';

/** Options for {@link waitFor}. `what` names the condition in the timeout error. */
export interface WaitOptions {
  what: string;
  timeoutMs?: number;
  intervalMs?: number;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns a truthy value and resolves with that value. A probe that throws counts
 * as "not yet". Rejects with DEVCLUSTER_TIMEOUT (naming `what` and the last probe error) after `timeoutMs`.
 */
export async function waitFor<T>(
  probe: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  opts: WaitOptions,
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? 15_000;
  const intervalMs = Math.max(10, opts.intervalMs ?? 100);
  const deadline = Date.now() + timeoutMs;
  const maxRounds = Math.ceil(timeoutMs / intervalMs) + 2;
  let lastError = '';
  for (let round = 0; round < maxRounds; round++) {
    try {
      const value = await probe();
      if (value) return value;
      lastError = '';
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
    }
    if (Date.now() >= deadline) break;
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
  const detail = lastError ? ` (last error: ${lastError})` : '';
  throw new DevClusterError(
    'DEVCLUSTER_TIMEOUT',
    `timed out after ${timeoutMs} ms waiting for ${opts.what}${detail}`,
  );
}
