/**
 * Checks every signed HTTP request before Bolt sees it: a timestamp more than 5 minutes off in EITHER
 * direction is refused (Bolt checks only the past), and a validly signed command or button click whose
 * signature was already seen is a replay: acknowledged with an empty 200 and not handled again. Events
 * pass on (Bolt and the bot dedupe them by event_id); bad signatures are left to Bolt to refuse.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ReplayStore } from './replay.ts';

export interface RequestGuardOptions {
  signingSecret: string;
  store: ReplayStore;
  logger: Logger;
  /** Largest accepted |now - timestamp| in seconds (Slack's window: 300). */
  windowSec?: number;
  /** Largest body read (Bolt's default, 4 MB). */
  bodyLimit?: number;
  /** The path Bolt serves (default /slack/events). */
  path?: string;
  /** Current time in ms (tests). */
  now?: () => number;
}

const FORM = 'application/x-www-form-urlencoded';

/** True when `signature` is Slack's v0 HMAC of `ts` and `body` under `secret` (constant-time compare). */
export function validSignature(secret: string, ts: number, body: string, signature: string): boolean {
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        resolve(null);
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Wraps Bolt's request listener with the freshness and replay checks. */
export function guardRequests(inner: RequestListener, opts: RequestGuardOptions): RequestListener {
  const window = opts.windowSec ?? 300;
  const limit = opts.bodyLimit ?? 4 * 1024 * 1024;
  const path = opts.path ?? '/slack/events';
  const now = opts.now ?? (() => Date.now());
  const { logger } = opts;

  async function check(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req, limit);
    if (body === null) {
      res.writeHead(413).end();
      return;
    }
    // Bolt reads the body from here instead of the (consumed) stream.
    (req as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
    const text = body.toString('utf8');
    const form = req.headers['content-type'] === FORM;
    if (form && new URLSearchParams(text).get('ssl_check') === '1') return inner(req, res);
    const ts = Number(req.headers['x-slack-request-timestamp']);
    const nowSec = now() / 1000;
    if (!Number.isFinite(ts) || Math.abs(nowSec - ts) > window) {
      logger.warn(
        { event: 'request_refused', code: 'SLACK_TIMESTAMP_OUT_OF_WINDOW', skewSec: Math.round(ts - nowSec) },
        'refused a request whose timestamp is more than 5 minutes off',
      );
      res.writeHead(401).end();
      return;
    }
    const signature = req.headers['x-slack-signature'];
    if (!form || typeof signature !== 'string' || !validSignature(opts.signingSecret, ts, text, signature))
      return inner(req, res);
    const key = createHash('sha256').update(signature).digest('hex');
    const ttl = Math.max(1, Math.ceil(ts + window - nowSec) + 1);
    if (await opts.store.firstSeen(key, ttl)) return inner(req, res);
    logger.warn(
      { event: 'request_refused', code: 'SLACK_REPLAY' },
      'a signed request was sent again: ignored',
    );
    res.writeHead(200).end();
  }

  return (req, res) => {
    const url = req.url ?? '/';
    if (req.method !== 'POST' || url.split('?')[0] !== path) return inner(req, res);
    check(req, res).catch((err: unknown) => {
      logger.error(
        { event: 'request_guard_failed', code: (err as Error)?.name ?? 'ERROR' },
        'request check failed',
      );
      if (!res.headersSent) res.writeHead(500).end();
    });
  };
}
