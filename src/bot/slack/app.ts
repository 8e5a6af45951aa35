/**
 * Wires the bot core to Slack with Bolt: `/redis` commands, message and app_mention events (pastes,
 * snippets), and buttons. HTTP mode (HTTPReceiver at /slack/events) or Socket Mode with an app token.
 */

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver } from '@slack/bolt';
import type { Logger } from 'pino';
import { CodedError } from '../../cluster/coded-error.ts';
import { formatCount } from '../../cluster/util.ts';
import type { CheckResult } from '../../ops/health/readiness.ts';
import type { OpsRoute } from '../../ops/http/routes.ts';
import type { WorkTracker } from '../../ops/lifecycle/drain.ts';
import { boltLogger } from '../../ops/log/bolt.ts';
import { nullMetrics } from '../../ops/metrics.ts';
import {
  ACTION_REMEDIATION_APPROVE,
  ACTION_REMEDIATION_DENY,
  ACTION_REQUEST_FIX,
  type Bot,
  type BotDeps,
  createBot,
} from '../core.ts';
import { ACTION_SHOW_DETAILS } from '../details/store.ts';
import { ACTION_DIAGNOSE_AGAIN, ACTION_SHOW_NODES } from '../render/diagnosis.ts';
import { socketModeCheck, webApiCheck } from './connection.ts';
import type { SlackEnv } from './env.ts';
import { fetchFileText, type SlackFileRef } from './files.ts';
import { stripSlackReferences } from './mrkdwn.ts';
import type { RateLimitPolicy } from './rate-limit.ts';
import { type ReplayStore, replayStore } from './replay.ts';
import { guardRequests } from './request-guard.ts';
import { type Claim, sharedSeen } from './seen-shared.ts';
import { ackPayloads, createSlackTransport, postHint, postToReplyUrl, slackCode } from './transport.ts';

export interface SlackBotOptions extends Omit<BotDeps, 'transport' | 'logger'> {
  env: SlackEnv;
  logger: Logger;
  /**
   * Web API retries after a network error, a timeout or an HTTP 5xx (default 3; tests use 0 so nothing
   * waits). HTTP 429s are not counted here: see `rateLimit`.
   */
  retries?: number;
  /** How long a call waits out HTTP 429 Retry-After headers before giving up (default 3 retries, 10 s). */
  rateLimit?: RateLimitPolicy;
  /** HTTP mode: extra GET routes on the same server as /slack/events (/healthz, /readyz, /metrics). */
  routes?: OpsRoute[];
  /** Given every request's work (ack and all that follows), so shutdown can wait for it. */
  inFlight?: WorkTracker;
  /**
   * Claims a key in the queue Redis, so replicas answer a retried event, and a replayed command or
   * button click, once between them.
   */
  claimEvent?: Claim;
}

export interface RunningSlackBot {
  app: App;
  bot: Bot;
  /** HTTP mode: starts listening (port 0 = any free port) and returns it; Socket Mode: connects. */
  start(port?: number, host?: string): Promise<{ port: number | null }>;
  /** Stops taking Slack requests (closes the HTTP listener or the WebSocket); work in flight goes on. */
  stop(): Promise<void>;
  /** HTTP mode: drops connections still open (after `stop` took too long). */
  dropConnections(): void;
  /** Whether Slack is connected (Socket Mode) or its Web API answers (HTTP mode), for /readyz. */
  slackCheck(): Promise<CheckResult>;
}

/** The message fields we read; Bolt's union of message subtypes is wider than we need. */
interface IncomingMessage {
  type?: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts?: string;
  thread_ts?: string;
  channel?: string;
  files?: SlackFileRef[];
}

const PASTE_SUBTYPES = new Set([undefined, 'file_share', 'thread_broadcast']);
const ACTION_IDS = [
  ACTION_SHOW_DETAILS,
  ACTION_REMEDIATION_APPROVE,
  ACTION_REMEDIATION_DENY,
  ACTION_REQUEST_FIX,
  ACTION_DIAGNOSE_AGAIN,
  ACTION_SHOW_NODES,
];

/** Why the bot could not start: a rejected token (SLACK_AUTH) or no route to Slack (SLACK_UNREACHABLE). */
export class SlackStartError extends CodedError<'SLACK_AUTH' | 'SLACK_UNREACHABLE'> {
  override name = 'SlackStartError';
}

/**
 * Bolt's HTTP receiver (with `routes` beside /slack/events) behind the freshness and replay checks of
 * request-guard.ts.
 */
function guardedReceiver(
  signingSecret: string,
  store: ReplayStore,
  logger: Logger,
  slackLog: ReturnType<typeof boltLogger>,
  routes: OpsRoute[] | undefined,
): HTTPReceiver {
  const receiver = new HTTPReceiver({
    signingSecret,
    logger: slackLog,
    processBeforeResponse: false,
    ...(routes ? { customRoutes: routes } : {}),
  });
  receiver.requestListener = guardRequests(receiver.requestListener, { signingSecret, store, logger });
  return receiver;
}

/** The note for a snippet read only in part: its name, how much was read, how big it is. */
function snippetCutNote(file: SlackFileRef, cut: { readBytes: number; sizeBytes: number | null }): string {
  const n = (x: number) => formatCount(x);
  const size = cut.sizeBytes ? ` of its ${n(cut.sizeBytes)}` : '';
  return `the snippet ${file.name ?? file.id ?? ''} is larger than I read: only its first ${n(cut.readBytes)} bytes${size} were read`;
}

/** Builds the Bolt app and the bot core behind it; nothing listens until `start`. */
export function createSlackBot(opts: SlackBotOptions): RunningSlackBot {
  const { env, logger } = opts;
  const socketMode = env.appToken !== undefined;
  const slackLog = boltLogger(logger);
  const metrics = opts.metrics ?? nullMetrics;
  const receiver = socketMode
    ? new SocketModeReceiver({
        appToken: env.appToken ?? '',
        logger: slackLog,
        // apps.connections.open goes to the same Web API base (GovSlack, a proxy, a test double).
        installerOptions: { clientOptions: env.apiUrl ? { slackApiUrl: env.apiUrl } : {} },
      })
    : null;
  const replays = replayStore(opts.claimEvent, logger);
  const app = new App({
    token: env.botToken,
    receiver: receiver ?? guardedReceiver(env.signingSecret ?? '', replays, logger, slackLog, opts.routes),
    logger: slackLog,
    developerMode: false,
    // auth.test runs in start(), where a bad token or an unreachable Slack is a clear error, not a crash.
    deferInitialization: true,
    clientOptions: {
      ...(env.apiUrl ? { slackApiUrl: env.apiUrl } : {}),
      retryConfig: { retries: opts.retries ?? 3, factor: 2, minTimeout: 500, maxTimeout: 4000 },
      // A 429 is handed to the transport at once (see rate-limit.ts): the WebClient's own handling would
      // wait any Retry-After, however long, with its whole request queue paused, and count 429s as retries.
      rejectRateLimitedCalls: true,
      timeout: 10_000,
      // Few Web API calls in flight at once: Slack rate-limits posting anyway, and fewer concurrent fetches
      // leave the event loop free to acknowledge new commands within Slack's 3 s.
      maxRequestConcurrency: 32,
    },
  });
  const transport = createSlackTransport(
    app.client,
    logger,
    opts.rateLimit ? { rateLimit: opts.rateLimit } : {},
  );
  const bot = createBot({ ...opts, transport, logger });
  const events = sharedSeen(opts.claimEvent);
  const slackCheck = receiver ? socketModeCheck(receiver) : webApiCheck(env.botToken, env.apiUrl, slackLog);
  const apiHost = env.apiUrl ? [new URL(env.apiUrl).host] : [];
  let server: Server | null = null;
  const inFlight = opts.inFlight;
  // Global middleware: next() resolves once every listener is done, so this tracks each request's work.
  if (inFlight) app.use(async ({ next }) => inFlight.track(next()));

  app.command(/^\/redis/, async ({ command, ack }) => {
    const started = performance.now();
    const replyUrl = command.response_url;
    await bot.command(
      { user: command.user_id, channel: command.channel_id, replyUrl, text: command.text ?? '' },
      async (msg) => {
        const { ack: body, more } = ackPayloads(msg);
        await ack(body);
        metrics.slackAck('command', (performance.now() - started) / 1000);
        for (const extra of more) {
          await postToReplyUrl(replyUrl, extra).catch((err) =>
            logger.warn(
              { event: 'reply_url_failed', code: slackCode(err) },
              'ack continuation not delivered',
            ),
          );
        }
      },
    );
  });

  const onMessage = async (
    raw: IncomingMessage,
    eventId: string | undefined,
    botUserId: string | undefined,
    mentioned: boolean,
  ) => {
    if (raw.bot_id || !PASTE_SUBTYPES.has(raw.subtype) || !raw.channel || !raw.ts) return;
    if (botUserId && raw.user === botUserId) return;
    if (!mentioned && botUserId && raw.text?.includes(`<@${botUserId}>`)) return; // app_mention answers it
    if (eventId && (await events.checkAndAdd(eventId))) {
      logger.debug({ event: 'duplicate_event', eventId }, 'event already handled (Slack retry)');
      return;
    }
    let text = stripSlackReferences(raw.text ?? '');
    const notes: string[] = [];
    for (const file of (raw.files ?? []).slice(0, 5)) {
      try {
        const got = await fetchFileText(file, { token: env.botToken, extraHosts: apiHost });
        text += `\n${got.text}`;
        if (got.cut) notes.push(snippetCutNote(file, got.cut));
      } catch (err) {
        logger.info({ event: 'file_skipped', code: slackCode(err), file: file.id }, 'file not read');
      }
    }
    try {
      await bot.paste({
        user: raw.user ?? 'unknown',
        channel: raw.channel,
        threadTs: raw.thread_ts ?? raw.ts,
        text,
        mentioned,
        ...(notes.length > 0 ? { notes } : {}),
      });
    } catch (err) {
      // No response_url comes with an event, and postEphemeral needs the same membership: log it clearly.
      logger.warn(
        { event: 'paste_reply_failed', code: slackCode(err), channel: raw.channel, hint: postHint(err) },
        'could not answer a paste',
      );
    }
  };

  app.event('message', async ({ event, body, context }) => {
    await onMessage(event as unknown as IncomingMessage, body.event_id, context.botUserId, false);
  });
  app.event('app_mention', async ({ event, body, context }) => {
    await onMessage(event as unknown as IncomingMessage, body.event_id, context.botUserId, true);
  });

  for (const actionId of ACTION_IDS) {
    app.action(actionId, async ({ ack, body, action }) => {
      const started = performance.now();
      await ack();
      metrics.slackAck('action', (performance.now() - started) / 1000);
      const value = 'value' in action && typeof action.value === 'string' ? action.value : '';
      const channel = ('channel' in body && body.channel?.id) || '';
      const replyUrl =
        'response_url' in body && typeof body.response_url === 'string' ? body.response_url : undefined;
      // The thread the clicked message is in (or starts), for answers that belong under it.
      const message = (body as { message?: { ts?: unknown; thread_ts?: unknown } }).message;
      const thread = message?.thread_ts ?? message?.ts;
      await bot.action({
        actionId,
        value,
        user: body.user.id,
        channel,
        ...(replyUrl ? { replyUrl } : {}),
        ...(typeof thread === 'string' ? { threadTs: thread } : {}),
      });
    });
  }

  app.error(async (err) => {
    logger.error({ event: 'bolt_error', code: slackCode(err), err }, 'unhandled error in a Slack listener');
  });

  return {
    app,
    bot,
    async start(port = env.port, host?: string) {
      try {
        await app.init();
      } catch (err) {
        const code = slackCode(err);
        const bad = ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired'];
        throw new SlackStartError(
          bad.includes(code) ? 'SLACK_AUTH' : 'SLACK_UNREACHABLE',
          bad.includes(code)
            ? `Slack rejected SLACK_BOT_TOKEN (${code})`
            : `could not reach the Slack Web API${env.apiUrl ? ` at ${env.apiUrl}` : ''} (${code})`,
        );
      }
      // The paste reader starts now, so the first paste is not kept waiting; if it cannot, pastes retry it.
      await opts
        .warm?.()
        .catch((err: unknown) =>
          logger.warn(
            { event: 'paste_reader_not_started', code: slackCode(err) },
            'paste reader not started',
          ),
        );
      if (socketMode) {
        await app.start();
        return { port: null };
      }
      server = (await app.start(host ? { port, host } : port)) as Server;
      return { port: (server.address() as AddressInfo).port };
    },
    async stop() {
      await app.stop();
      await opts.release?.();
    },
    dropConnections() {
      server?.closeAllConnections();
    },
    slackCheck,
  };
}
