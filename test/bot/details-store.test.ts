/**
 * The Details store over a real queue Redis (a standalone redis-server on its own 127.A.B.1): what one
 * store instance keeps another reads, with its TTL and the cap on entries; memory only without a queue
 * Redis, and as the fallback when it is down or frozen, or the details are too large; every miss says why.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailsKeys, redisDetails } from '../../src/bot/details/redis.ts';
import { createDetailsStore, DETAILS_MISSING, type DetailsStore } from '../../src/bot/details/store.ts';
import type { BotMessage } from '../../src/bot/message.ts';
import { createLogger } from '../../src/bot/slack/logger.ts';
import { type QueueRedis as Conn, connectQueueRedis } from '../../src/ops/health/queue-redis.ts';
import { type QueueRedis, startQueueRedis } from '../approvals/helpers/queue-redis.ts';

let q: QueueRedis;
let conn: Conn;
let seq = 0;
const silent = createLogger('silent');

beforeAll(async () => {
  q = await startQueueRedis({ label: 'details-store-q' });
  conn = connectQueueRedis(q.url, silent);
  await conn.waitUntilReachable(5000);
});
afterAll(async () => {
  await conn?.close();
  await q?.stop();
});

/** A message with details whose evidence is `lines` lines long. */
function message(lines = 3): BotMessage {
  const n = ++seq;
  return {
    title: `verdict ${n}`,
    fallback: `verdict ${n}`,
    diagnosis: { secretish: 'never stored' } as unknown as BotMessage['diagnosis'],
    details: {
      tone: 'info',
      title: `prod: details ${n}`,
      fallback: `prod: details ${n}`,
      sections: [
        { heading: 'Findings (1)', lines: ['NODE_FAIL: m'], style: 'list' },
        {
          heading: 'Evidence',
          lines: Array.from({ length: lines }, (_, i) => `line ${i} ${n}`),
          style: 'verbatim',
          spill: true,
        },
      ],
    },
  };
}

const idOf = (m: BotMessage) => m.buttons?.find((b) => b.actionId === 'show_details')?.value ?? '';

function logged() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

function pair(prefix: string, opts: { max?: number; maxSharedBytes?: number } = {}) {
  const backend = redisDetails(conn.client, prefix, opts.max);
  const { lines, logger } = logged();
  const extra = opts.maxSharedBytes ? { maxSharedBytes: opts.maxSharedBytes } : {};
  const a = createDetailsStore({ shared: backend, logger, ...extra });
  const b = createDetailsStore({ shared: backend, logger: silent });
  return { a, b, lines };
}

async function expectMissing(store: DetailsStore, id: string, why: 'gone' | 'elsewhere' | 'unreachable') {
  expect(await store.get(id)).toEqual({ ok: false, why });
}

describe('memory only (no queue Redis)', () => {
  it('keeps the last 100 for their TTL; an unknown, malformed or forgotten id is gone', async () => {
    let now = 1_000;
    const store = createDetailsStore({ now: () => now, ttlMs: 60_000 });
    const first = await store.attach(message(), 'prod');
    expect(first.details).toBeUndefined();
    const id = idOf(first);
    expect(id).toMatch(/^m[A-Za-z0-9_-]{22}$/);
    const got = await store.get(id);
    expect(got.ok && got.kept.cluster).toBe('prod');
    await expectMissing(store, `m${'A'.repeat(22)}`, 'gone');
    await expectMissing(store, 'not an id; DEL everything', 'gone');
    const later = await store.attach(message(), null);
    for (let i = 0; i < 100; i++) await store.attach(message(), null);
    await expectMissing(store, id, 'gone');
    expect((await store.get(idOf(later))).ok).toBe(false);
    const fresh = idOf(await store.attach(message(), null));
    now += 60_001;
    await expectMissing(store, fresh, 'gone');
  });

  it('a message without details is returned as it is, with no button', async () => {
    const msg: BotMessage = { title: 't', fallback: 't' };
    expect(await createDetailsStore().attach(msg, null)).toBe(msg);
  });
});

describe('shared through the queue Redis', () => {
  it('another store reads what one kept: rendered fields only, 24 h TTL, under the hash-tagged prefix', async () => {
    const { a, b } = pair('t-details-share');
    const msg = message();
    const id = idOf(await a.attach(msg, 'prod'));
    expect(id).toMatch(/^s[A-Za-z0-9_-]{22}$/);
    const got = await b.get(id);
    expect(got).toEqual({ ok: true, kept: { cluster: 'prod', details: msg.details } });
    const key = detailsKeys('t-details-share').entry(id);
    expect(key).toBe(`{t-details-share}:details:${id}`);
    const ttl = await q.admin.pttl(key);
    expect(ttl).toBeGreaterThan(23.9 * 3600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3600_000);
    const raw = Buffer.from((await q.admin.get(key)) ?? '', 'base64');
    expect(raw.subarray(0, 2).toString('hex')).toBe('1f8b'); // gzip
    const { gunzipSync } = await import('node:zlib');
    expect(gunzipSync(raw).toString()).not.toContain('never stored');
  });

  it('keeps the newest `max` entries and deletes older ones as new ones come', async () => {
    const { a, b } = pair('t-details-cap', { max: 3 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(idOf(await a.attach(message(), null)));
    await expectMissing(b, ids[0]!, 'gone');
    await expectMissing(b, ids[1]!, 'gone');
    for (const id of ids.slice(2)) expect((await b.get(id)).ok).toBe(true);
    const { index } = detailsKeys('t-details-cap');
    expect(await q.admin.zcard(index)).toBe(3);
    expect(await q.admin.exists(detailsKeys('t-details-cap').entry(ids[0]!))).toBe(0);
  });

  it('an expired or unreadable entry is gone, and the unreadable one is logged', async () => {
    const { a, b, lines } = pair('t-details-expire');
    const id = idOf(await a.attach(message(), 'prod'));
    await q.admin.pexpire(detailsKeys('t-details-expire').entry(id), 1);
    await new Promise((r) => setTimeout(r, 20));
    await expectMissing(b, id, 'gone');
    const other = idOf(await a.attach(message(), 'prod'));
    await q.admin.set(detailsKeys('t-details-expire').entry(other), 'H4sI not gzip');
    const { logger, lines: bLines } = logged();
    const c = createDetailsStore({ shared: redisDetails(conn.client, 't-details-expire'), logger });
    await expectMissing(c, other, 'gone');
    expect(bLines.join('')).toContain('"event":"details_unreadable"');
    expect(lines.join('')).not.toContain('details_store_unavailable');
  });

  it('details too large to share stay with the process that posted them; another one says so', async () => {
    const { a, b, lines } = pair('t-details-large', { maxSharedBytes: 2048 });
    const id = idOf(await a.attach(message(20_000), 'prod'));
    expect(id).toMatch(/^m/);
    expect((await a.get(id)).ok).toBe(true);
    await expectMissing(b, id, 'elsewhere');
    expect(lines.join('')).toContain('"event":"details_too_large"');
  });
});

describe('queue Redis down or frozen', () => {
  it('falls back to memory at attach, says "unreachable" for shared ids at click, logs the outage once', async () => {
    const { a, b, lines } = pair('t-details-down');
    const before = idOf(await a.attach(message(), 'prod'));
    await new Promise((r) => setTimeout(r, 1200)); // appendfsync everysec: on disk before the kill
    await q.kill();
    try {
      const during = await Promise.all([a.attach(message(), 'prod'), a.attach(message(), null)]);
      const ids = during.map(idOf);
      for (const id of ids) expect(id).toMatch(/^m/);
      expect((await a.get(ids[0]!)).ok).toBe(true);
      await expectMissing(b, ids[0]!, 'elsewhere');
      // kept here as well when it was attached: the posting process still answers it
      expect((await a.get(before)).ok).toBe(true);
      await expectMissing(b, before, 'unreachable');
      const outages = lines.filter((l) => l.includes('"event":"details_store_unavailable"'));
      expect(outages).toHaveLength(1);
    } finally {
      await q.restart();
    }
    await conn.waitUntilReachable(10_000);
    expect((await b.get(before)).ok).toBe(true);
    expect(idOf(await a.attach(message(), null))).toMatch(/^s/);
    expect(lines.join('')).toContain('"event":"details_store_back"');
  });

  it('a frozen queue Redis does not hold the message up: it falls back', async () => {
    const { a, b } = pair('t-details-frozen');
    const before = idOf(await a.attach(message(), 'prod'));
    const node = q.server.node(0);
    await q.server.freeze(node);
    try {
      expect(idOf(await a.attach(message(), 'prod'))).toMatch(/^m/);
      await expectMissing(b, before, 'unreachable');
    } finally {
      await q.server.thaw(node);
    }
  });
});

describe('what a click that finds nothing says', () => {
  it('each reason has its own sentence, and the gone one is true for both modes', () => {
    expect(DETAILS_MISSING.gone).toContain('24 hours');
    expect(DETAILS_MISSING.gone).toContain('queue Redis');
    expect(DETAILS_MISSING.gone).toContain('in memory until it restarts');
    expect(DETAILS_MISSING.elsewhere).toContain('another replica');
    expect(DETAILS_MISSING.unreachable).toContain('not answering right now');
  });
});
