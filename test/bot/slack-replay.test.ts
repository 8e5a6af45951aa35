/**
 * Freshness and replay of signed Slack requests (issue 13): a timestamp more than 5 minutes off either
 * way is refused; the same signed command or button click sent twice, byte for byte, is answered once,
 * also across two bot instances sharing the queue Redis (a real standalone redis-server, claimed as
 * `serve` claims it); with that Redis down the bot still answers, falls back to its own memory and logs
 * it once.
 */

import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevCluster } from '../../src/devcluster/index.ts';
import { startStandalone } from '../../src/devcluster/start.ts';
import { connectQueueRedis, type QueueRedis } from '../../src/ops/health/queue-redis.ts';
import { startTestBot, type TestBot } from './helpers/bot.ts';
import { type FakeSlack, startFakeSlack, waitUntil } from './helpers/fake-slack.ts';
import { actionBody, postForm, signHeaders, slashBody } from './helpers/signed.ts';

const CONFIG = {
  clusters: [{ name: 'prod', seeds: ['127.0.0.1:1'] }],
  access: { channels: { COPS: ['prod'] } },
};

let fake: FakeSlack;
let queue: DevCluster;
let alone: TestBot;
let a: TestBot;
let b: TestBot;
const clients: QueueRedis[] = [];
let seq = 0;

/** Claims keys in the queue Redis the way `serve` wires it, over a client of its own (as each replica has). */
function claimIn(url: string) {
  const q = connectQueueRedis(url, pino({ level: 'silent' }));
  clients.push(q);
  return async (key: string, ttlMs: number) => (await q.client.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK';
}

beforeAll(async () => {
  fake = await startFakeSlack();
  queue = await startStandalone({ label: 'replay-queue' });
  const url = `redis://${queue.node(0).address}`;
  alone = await startTestBot(fake, CONFIG, {}, { pasteWorker: false });
  a = await startTestBot(fake, CONFIG, { claimEvent: claimIn(url) }, { pasteWorker: false });
  b = await startTestBot(fake, CONFIG, { claimEvent: claimIn(url) }, { pasteWorker: false });
  for (const q of clients) expect((await q.waitUntilReachable(5000)).ok).toBe(true);
}, 60_000);
afterAll(async () => {
  await alone?.stop();
  await a?.stop();
  await b?.stop();
  for (const q of clients) await q.close();
  await fake?.close();
  await queue?.stop();
});

const now = () => Math.floor(Date.now() / 1000);
/** A signed `/redis help`, its body and headers fixed so it can be sent again byte for byte. */
function help(ts = now()) {
  const body = slashBody({ text: 'help', responseUrl: `${fake.url}/respond/help-${++seq}` });
  return { body, headers: signHeaders(body, ts) };
}
const send = async (bot: TestBot, r: ReturnType<typeof help>) => {
  const res = await postForm(bot.url, r.body, r.headers);
  return { status: res.status, text: await res.text() };
};
const refusals = (bot: TestBot, code: string) =>
  bot.logs.filter((l) => l.includes('"event":"request_refused"') && l.includes(`"code":"${code}"`)).length;

describe('request freshness', () => {
  it('refuses a timestamp 10 minutes or a year in the future, as it refuses the past', async () => {
    for (const skew of [600, 365 * 24 * 3600, -600]) {
      const r = await send(alone, help(now() + skew));
      expect({ skew, status: r.status, text: r.text }).toEqual({ skew, status: 401, text: '' });
    }
    expect(refusals(alone, 'SLACK_TIMESTAMP_OUT_OF_WINDOW')).toBe(3);
    // inside the window (a clock 4 minutes ahead) is fine
    const ok = await send(alone, help(now() + 240));
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('redis-runbook');
  });
});

describe('replayed requests', () => {
  it('the same signed command twice: answered once', async () => {
    const r = help();
    const first = await send(alone, r);
    expect(first.status).toBe(200);
    expect(first.text).toContain('redis-runbook');
    const again = await send(alone, r);
    expect(again).toEqual({ status: 200, text: '' });
    expect(refusals(alone, 'SLACK_REPLAY')).toBe(1);
    // a new request from the same user is not a replay
    expect((await send(alone, help())).text).toContain('redis-runbook');
  });

  it('the same signed button click twice: handled once', async () => {
    const id = `click-${++seq}`;
    const body = actionBody('remediation_approve', 'req-1', `${fake.url}/respond/${id}`);
    const headers = signHeaders(body);
    expect((await postForm(alone.url, body, headers)).status).toBe(200);
    await waitUntil(() => fake.responses.find((x) => x.id === id), 10_000, 'the click answer');
    const before = refusals(alone, 'SLACK_REPLAY');
    expect((await postForm(alone.url, body, headers)).status).toBe(200);
    expect(refusals(alone, 'SLACK_REPLAY')).toBe(before + 1);
    // a later, different click is handled, so the replay had its chance to be handled too
    const later = `click-${++seq}`;
    const next = actionBody('remediation_approve', 'req-1', `${fake.url}/respond/${later}`);
    await postForm(alone.url, next);
    await waitUntil(() => fake.responses.find((x) => x.id === later), 10_000, 'the later click answer');
    expect(fake.responses.filter((x) => x.id === id)).toHaveLength(1);
  });

  it('two bot instances sharing the queue Redis answer a replay once between them', async () => {
    const r = help();
    expect((await send(a, r)).text).toContain('redis-runbook');
    expect(await send(b, r)).toEqual({ status: 200, text: '' });
    expect(refusals(b, 'SLACK_REPLAY')).toBe(1);
    const keys = (await queue.call(queue.node(0), ['KEYS', 'redis-runbook:slack-request:*'])) as string[];
    expect(keys.length).toBeGreaterThanOrEqual(1);
    const ttl = Number(await queue.cli(queue.node(0), 'TTL', keys[0] ?? ''));
    expect(ttl).toBeGreaterThan(290);
    expect(ttl).toBeLessThanOrEqual(302);
  });

  it('with the queue Redis down: still answers, remembers in memory, logs the outage once', async () => {
    await queue.kill(queue.node(0));
    const r = help();
    expect((await send(a, r)).text).toContain('redis-runbook');
    expect(await send(a, r)).toEqual({ status: 200, text: '' });
    expect((await send(a, help())).text).toContain('redis-runbook');
    const outages = a.logs.filter((l) => l.includes('"event":"replay_store_unavailable"'));
    expect(outages).toHaveLength(1);
    expect(outages.join('')).not.toContain(queue.node(0).address); // nor any URL or password
  });
});
