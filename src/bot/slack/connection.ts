/**
 * Whether the bot can talk with Slack, for /readyz. Socket Mode: the WebSocket's state, followed from the
 * Socket Mode client's events (hello = connected; a close or reconnect = not), so a dropped connection
 * shows at once and a re-established one clears it. HTTP mode: Slack calls us, so the check is the Web
 * API answering auth.test (no retries, short timeout), remembered 30 s when it worked and 5 s when not,
 * so probes never add load on Slack.
 */
import { type Logger as BoltLogger, type SocketModeReceiver, webApi } from '@slack/bolt';
import type { CheckResult } from '../../ops/health/readiness.ts';
import { slackCode } from './transport.ts';

/** Follows `receiver`'s WebSocket; `check` answers from the last event seen, without I/O. */
export function socketModeCheck(receiver: SocketModeReceiver): () => Promise<CheckResult> {
  let state = 'not started';
  for (const event of ['connecting', 'connected', 'reconnecting', 'disconnecting', 'disconnected', 'close']) {
    receiver.client.on(event, () => {
      state = event;
    });
  }
  return async () =>
    state === 'connected'
      ? { ok: true, detail: 'Socket Mode connected' }
      : { ok: false, detail: `Socket Mode not connected (${state})` };
}

/** auth.test against the Web API with `token`, cached; `apiUrl` as for the app (a proxy, the tests' fake). */
export function webApiCheck(
  token: string,
  apiUrl: string | undefined,
  logger: BoltLogger,
): () => Promise<CheckResult> {
  const client = new webApi.WebClient(token, {
    ...(apiUrl ? { slackApiUrl: apiUrl } : {}),
    retryConfig: { retries: 0 },
    timeout: 3000,
    logger,
  });
  let last: { at: number; result: CheckResult } | null = null;
  let pending: Promise<CheckResult> | null = null;
  return async () => {
    if (last && Date.now() - last.at < (last.result.ok ? 30_000 : 5000)) return last.result;
    pending ??= client.auth
      .test()
      .then(
        (): CheckResult => ({ ok: true, detail: 'Web API answered auth.test' }),
        (err: unknown): CheckResult => ({
          ok: false,
          detail: `Web API auth.test failed (${slackCode(err)})`,
        }),
      )
      .then((result) => {
        last = { at: Date.now(), result };
        pending = null;
        return result;
      });
    return pending;
  };
}
