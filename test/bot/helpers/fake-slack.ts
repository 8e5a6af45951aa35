/**
 * A fake Slack Web API on loopback (node:http): answers auth.test, records chat.postMessage /
 * chat.update / chat.postEphemeral, the three calls of files.uploadV2, response_url posts, and serves
 * snippet files (only with the bot token). It can also fail the way Slack fails: HTTP 429 with
 * Retry-After, `{ok:false}` errors per channel, or the whole Web API down (reset or 503). Test-only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachFakeSocket, type FakeSocket } from './fake-socket.ts';

export interface ApiCall {
  method: string;
  args: Record<string, unknown>;
  /** What the fake answered (e.g. the ts it gave a posted message). */
  result: Record<string, unknown>;
  authorization: string | undefined;
  at: number;
}

export interface FakeSlack {
  url: string;
  apiUrl: string;
  calls: ApiCall[];
  /** Bodies POSTed to /respond/<id> (response_url), recorded when they arrive. */
  responses: { id: string; body: Record<string, unknown>; at: number }[];
  /** How long the answer to a response_url POST is held back (a slow Slack, or a slow machine). */
  respondDelayMs: number;
  /** File bytes uploaded to the upload URLs, by file id. */
  uploads: Map<string, string>;
  /** Snippet files served at /files/<name>. */
  files: Map<string, string>;
  /** File downloads seen: name and whether the bot token was sent. */
  downloads: { name: string; authorized: boolean }[];
  /** Channels where chat.postMessage answers not_in_channel. */
  notInChannel: Set<string>;
  /** When true, auth.test answers invalid_auth (a revoked or mistyped token). */
  rejectAuth: boolean;
  /**
   * Method -> how many of its next calls answer HTTP 429 with `Retry-After: retryAfter`. A key
   * `<method>:thread` counts only calls carrying a thread_ts (and is used before the plain key).
   */
  rateLimits: Map<string, number>;
  /** The Retry-After header value sent with a 429 (default '1'). */
  retryAfter: string;
  /** Calls answered 429 (not in `calls`: Slack did nothing with them). */
  limited: { method: string; channel: string; at: number }[];
  /** Channel -> the error chat.postMessage / chat.update / chat.postEphemeral answer there (ok:false). */
  channelErrors: Map<string, string>;
  /** The whole Web API (/api/*) down: 'reset' drops connections, 503 answers an HTML error page. */
  apiDown: false | 'reset' | 503;
  /** Web API requests refused while `apiDown` was set. */
  downHits: number;
  /** The Socket Mode side: apps.connections.open hands out its ws:// URL. */
  socket: FakeSocket;
  byMethod(method: string): ApiCall[];
  close(): Promise<void>;
}

export const BOT_TOKEN = 'xoxb-1111-2222-testtoken';
export const BOT_USER_ID = 'UBOTSELF';
export const BOT_ID = 'BBOTSELF';

/** Starts the fake on 127.0.0.1 with a free port. */
export async function startFakeSlack(): Promise<FakeSlack> {
  let tsCounter = 1_700_000_000;
  let fileCounter = 0;
  const fake = {
    calls: [] as ApiCall[],
    responses: [] as FakeSlack['responses'],
    uploads: new Map<string, string>(),
    files: new Map<string, string>(),
    downloads: [] as FakeSlack['downloads'],
    notInChannel: new Set<string>(),
    rejectAuth: false,
    rateLimits: new Map<string, number>(),
    retryAfter: '1',
    limited: [] as FakeSlack['limited'],
    channelErrors: new Map<string, string>(),
    apiDown: false as FakeSlack['apiDown'],
    downHits: 0,
    respondDelayMs: 0,
  };
  let base = '';
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      res.writeHead(500).end(String(err));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', base);
    const raw = await readBody(req);
    if (req.method === 'GET' && url.pathname.startsWith('/files/')) {
      const name = url.pathname.slice('/files/'.length);
      const authorized = req.headers.authorization === `Bearer ${BOT_TOKEN}`;
      fake.downloads.push({ name, authorized });
      const text = fake.files.get(name);
      if (!authorized || text === undefined) {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end(text);
      return;
    }
    if (url.pathname.startsWith('/respond/')) {
      fake.responses.push({
        id: url.pathname.slice(9),
        body: JSON.parse(raw.toString('utf8')),
        at: Date.now(),
      });
      if (fake.respondDelayMs > 0) await new Promise((r) => setTimeout(r, fake.respondDelayMs));
      res.writeHead(200).end('ok');
      return;
    }
    if (url.pathname.startsWith('/upload/')) {
      const id = url.pathname.slice(8);
      const form = await new Response(new Uint8Array(raw), {
        headers: { 'content-type': req.headers['content-type'] ?? '' },
      }).formData();
      const part = form.get('body') ?? form.get('file');
      const text = typeof part === 'string' ? part : part ? await part.text() : raw.toString('utf8');
      fake.uploads.set(id, text);
      res.writeHead(200).end(`OK - ${text.length}`);
      return;
    }
    if (!url.pathname.startsWith('/api/')) {
      res.writeHead(404).end();
      return;
    }
    if (fake.apiDown) {
      fake.downHits += 1;
      if (fake.apiDown === 'reset') req.socket.destroy();
      else res.writeHead(503, { 'content-type': 'text/html' }).end('<html>Service Unavailable</html>');
      return;
    }
    const method = url.pathname.slice(5);
    const args = parseArgs(raw, req.headers['content-type'] ?? '');
    const key = args.thread_ts && fake.rateLimits.get(`${method}:thread`) ? `${method}:thread` : method;
    const pending = fake.rateLimits.get(key) ?? 0;
    if (pending > 0) {
      fake.rateLimits.set(key, pending - 1);
      fake.limited.push({ method, channel: String(args.channel ?? ''), at: Date.now() });
      res
        .writeHead(429, { 'content-type': 'application/json', 'retry-after': fake.retryAfter })
        .end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const result = answer(method, args);
    fake.calls.push({ method, args, result, authorization: req.headers.authorization, at: Date.now() });
    json(res, result);
  }

  function answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const channel = String(args.channel ?? args.channel_id ?? '');
    const channelError = fake.channelErrors.get(channel);
    if (channelError && ['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(method)) {
      return { ok: false, error: channelError };
    }
    switch (method) {
      case 'auth.test':
        if (fake.rejectAuth) return { ok: false, error: 'invalid_auth' };
        return {
          ok: true,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
          team_id: 'T1',
          user: 'redis-runbook',
          url: base,
        };
      case 'chat.postMessage':
        if (fake.notInChannel.has(channel)) return { ok: false, error: 'not_in_channel' };
        tsCounter += 1;
        return { ok: true, channel, ts: `${tsCounter}.000100`, message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${tsCounter}.000200` };
      case 'files.getUploadURLExternal': {
        fileCounter += 1;
        const id = `F${fileCounter}`;
        return { ok: true, upload_url: `${base}/upload/${id}`, file_id: id };
      }
      case 'apps.connections.open':
        return { ok: true, url: `${base.replace('http', 'ws')}/link/` };
      case 'files.completeUploadExternal':
        return { ok: true, files: [{ id: 'F', title: 'uploaded' }] };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const socket = attachFakeSocket(server, '/link');
  return Object.assign(fake, {
    socket,
    url: base,
    apiUrl: `${base}/api/`,
    byMethod: (m: string) => fake.calls.filter((c) => c.method === m),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function parseArgs(raw: Buffer, contentType: string): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (contentType.includes('application/json')) return JSON.parse(text || '{}') as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(text)) {
    out[k] = k === 'blocks' || k === 'files' ? JSON.parse(v) : v;
  }
  return out;
}

function json(res: ServerResponse, body: unknown) {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Polls `check` every 20 ms until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitUntil<T>(
  check: () => T | undefined | false,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
