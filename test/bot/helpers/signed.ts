/** Sends requests to the bot the way Slack does: signed (v0 HMAC-SHA256), form or JSON bodies. Test-only. */
import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

/** Slack's v0 signature headers for `body` at `ts` (seconds). */
export function signHeaders(body: string, ts = Math.floor(Date.now() / 1000), secret = SIGNING_SECRET) {
  const sig = `v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig };
}

export interface SlashArgs {
  text: string;
  user?: string;
  channel?: string;
  responseUrl: string;
}

let triggers = 0;

/** The form body of a `/redis` slash command as Slack sends it, with a fresh trigger_id each call. */
export function slashBody(a: SlashArgs): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T1',
    team_domain: 'example',
    channel_id: a.channel ?? 'COPS',
    channel_name: 'ops',
    user_id: a.user ?? 'UALICE',
    user_name: 'alice',
    command: '/redis',
    text: a.text,
    api_app_id: 'A1',
    response_url: a.responseUrl,
    // Slack gives every invocation its own trigger_id, so two identical commands are two requests, not a
    // replay (the replay guard answers a byte-identical body once).
    trigger_id: `${Date.now()}.${++triggers}.${process.pid}`,
  }).toString();
}

/** POSTs a signed form body (content-type exactly application/x-www-form-urlencoded). */
export async function postForm(botUrl: string, body: string, headers = signHeaders(body)) {
  return fetch(botUrl, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
  });
}

/** POSTs a signed Events API JSON body; `retryNum` sets X-Slack-Retry-Num like Slack's retries. */
export async function postEvent(botUrl: string, payload: unknown, retryNum?: number) {
  const body = JSON.stringify(payload);
  return fetch(botUrl, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      ...signHeaders(body),
      ...(retryNum !== undefined
        ? { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' }
        : {}),
    },
  });
}

let eventCounter = 0;

/** An event_callback envelope around `event`. */
export function eventEnvelope(event: Record<string, unknown>, eventId = `Ev${++eventCounter}${Date.now()}`) {
  return {
    token: 'legacy',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: 'UBOTSELF', is_bot: true }],
    event,
  };
}

/** The `payload=` form body of a block_actions click. */
export function actionBody(
  actionId: string,
  value: string,
  responseUrl: string,
  user = 'UALICE',
  channel = 'COPS',
  /** The thread the clicked message is in (a bot reply under a paste). */
  threadTs?: string,
) {
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'example' },
    user: { id: user, username: 'alice', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    container: { type: 'message', message_ts: '1700000001.000100', channel_id: channel, is_ephemeral: false },
    trigger_id: '1.2.3',
    channel: { id: channel, name: 'ops' },
    message: { ts: '1700000001.000100', text: 'verdict', ...(threadTs ? { thread_ts: threadTs } : {}) },
    response_url: responseUrl,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: 'b1',
        text: { type: 'plain_text', text: 'Approve' },
        value,
        action_ts: String(Date.now() / 1000),
      },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
