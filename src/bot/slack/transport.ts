/**
 * The Slack side of the Transport: chat.postMessage / chat.update / postEphemeral / response_url and
 * files.uploadV2. Overflow that Block Kit cannot hold goes to a file in the thread, or (if the upload
 * fails) to continuation messages; nothing is dropped.
 */

import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { CodedError } from '../../cluster/coded-error.ts';
import type { BotMessage, EphemeralTarget, FileUpload, MessageRef, Transport } from '../message.ts';
import {
  type Block,
  continuationPayloads,
  type Rendered,
  renderBlocks,
  type SlackPayload,
  sectionPlain,
} from './blocks.ts';
import { DEFAULT_RATE_LIMIT, type RateLimitPolicy, withRateLimit } from './rate-limit.ts';

/** An error posting to Slack, with Slack's error string (e.g. not_in_channel) as `code`. */
export class SlackPostError extends CodedError<string> {
  override name = 'SlackPostError';
}

export interface SlackTransportOptions {
  /** How long a response_url POST may take. */
  replyUrlTimeoutMs?: number;
  /** How long to wait out HTTP 429s (the WebClient must reject them: `rejectRateLimitedCalls`). */
  rateLimit?: RateLimitPolicy;
}

/** Builds the Slack transport over a WebClient (whose base URL may point at a proxy or a test double). */
export function createSlackTransport(
  client: webApi.WebClient,
  logger: Logger,
  opts: SlackTransportOptions = {},
): Transport {
  const replyTimeout = opts.replyUrlTimeoutMs ?? 10_000;
  const policy = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  const limited = <T>(method: string, call: () => Promise<T>) => withRateLimit(method, call, logger, policy);

  async function postPayload(channel: string, payload: SlackPayload, threadTs?: string): Promise<MessageRef> {
    const res = await limited('chat.postMessage', () =>
      client.chat.postMessage({
        channel,
        text: payload.text,
        blocks: payload.blocks as never,
        unfurl_links: false,
        unfurl_media: false,
        ...(threadTs ? { thread_ts: threadTs } : {}),
      }),
    );
    if (!res.ts) throw new SlackPostError('no_ts', 'chat.postMessage returned no ts');
    return { channel: res.channel ?? channel, ts: res.ts };
  }

  async function upload(parent: MessageRef, file: FileUpload): Promise<void> {
    await limited('files.uploadV2', () =>
      client.filesUploadV2({
        channel_id: parent.channel,
        thread_ts: parent.ts,
        filename: file.filename,
        title: file.title,
        content: file.content,
        ...(file.comment ? { initial_comment: file.comment } : {}),
      }),
    );
  }

  /** Posts what did not fit into the thread under `thread`: spilled sections as a file, the rest as messages. */
  async function overflow(thread: MessageRef, msg: BotMessage, r: Rendered): Promise<void> {
    const label = msg.title ?? msg.fallback.slice(0, 80);
    let chunked = r.rest;
    if (r.spilled.length > 0) {
      const content = [label, '', ...r.spilled.map(sectionPlain)].join('\n\n');
      try {
        await upload(thread, {
          filename: 'evidence.txt',
          title: `${label}: full evidence`,
          content,
          comment: `Full evidence for "${label}" (${content.split('\n').length} lines).`,
        });
      } catch (err) {
        logger.warn(
          { event: 'upload_failed', code: slackCode(err) },
          'file upload failed; posting in chunks',
        );
        chunked = [...r.spilled, ...r.rest];
      }
    }
    for (const payload of continuationPayloads(chunked, label))
      await postPayload(thread.channel, payload, thread.ts);
  }

  return {
    async post(channel, msg) {
      const r = renderBlocks(msg);
      const ref = await postPayload(channel, r.payload);
      await overflow(ref, msg, r);
      return ref;
    },
    async reply(parent, msg) {
      const r = renderBlocks(msg);
      const ref = await postPayload(parent.channel, r.payload, parent.ts);
      await overflow(parent, msg, r);
      return ref;
    },
    async update(ref, msg) {
      const r = renderBlocks(msg);
      await limited('chat.update', () =>
        client.chat.update({
          channel: ref.channel,
          ts: ref.ts,
          text: r.payload.text,
          blocks: r.payload.blocks as never,
        }),
      );
      await overflow(ref, msg, r);
    },
    async ephemeral(to: EphemeralTarget, msg) {
      const r = renderBlocks(msg, 'Continued below.');
      const label = msg.title ?? 'continued';
      const payloads = [r.payload, ...continuationPayloads([...r.spilled, ...r.rest], label)];
      for (const payload of payloads) {
        if (to.replyUrl) await postToReplyUrl(to.replyUrl, payload, replyTimeout);
        else {
          await limited('chat.postEphemeral', () =>
            client.chat.postEphemeral({
              channel: to.channel,
              user: to.user,
              text: payload.text,
              blocks: payload.blocks as never,
              ...(to.threadTs ? { thread_ts: to.threadTs } : {}),
            }),
          );
        }
      }
    },
    upload,
    explainFailure: postHint,
  };
}

/** Renders an ephemeral ack body: the first payload, plus what did not fit (to send by response_url). */
export function ackPayloads(msg: BotMessage): {
  ack: SlackPayload & { response_type: 'ephemeral' };
  more: SlackPayload[];
} {
  const r = renderBlocks(msg, 'Continued below.');
  const more = continuationPayloads([...r.spilled, ...r.rest], msg.title ?? 'continued');
  return { ack: { response_type: 'ephemeral', ...r.payload }, more };
}

/** POSTs an ephemeral payload to a response_url (a secret: never log it). */
export async function postToReplyUrl(url: string, payload: SlackPayload, timeoutMs = 10_000): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, ...payload }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  await res.arrayBuffer();
  if (!res.ok) throw new SlackPostError('response_url_failed', `response_url answered HTTP ${res.status}`);
}

const MEMBERSHIP =
  'I am not a member of this channel, so I cannot post the thread here. Invite me to this channel (/invite) and run the command again.';
const HINTS: Record<string, string> = {
  not_in_channel: MEMBERSHIP,
  channel_not_found: `Slack says I cannot see this channel (channel_not_found): it is private or a DM I am not part of. ${MEMBERSHIP.slice(MEMBERSHIP.indexOf('Invite'))}`,
  is_archived: 'This channel is archived, so I cannot post in it.',
  restricted_action: 'A workspace setting does not let me post in this channel.',
  rate_limited: 'Slack is rate-limiting my messages right now, so the thread could not be posted.',
  slack_webapi_request_error:
    'I could not reach the Slack Web API (network error or Slack outage), so the thread could not be posted.',
  slack_webapi_http_error: 'The Slack Web API is failing (HTTP error), so the thread could not be posted.',
};
const AUTH = ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'];

/** What a failed Slack post means for the user, in one sentence that names the fix when there is one. */
export function postHint(err: unknown): string {
  const code = slackCode(err);
  if (AUTH.includes(code)) return `Slack rejected my token (${code}); an admin must check SLACK_BOT_TOKEN.`;
  return HINTS[code] ?? `Slack refused my message (${code}), so the thread could not be posted.`;
}

/** Slack's error string from a WebClient error, else the error's code. */
export function slackCode(err: unknown): string {
  const e = err as { data?: { error?: unknown }; code?: unknown } | null;
  const code = e?.data?.error ?? e?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

export type { Block };
