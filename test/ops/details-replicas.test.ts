/**
 * The Details button across two `serve` processes and one queue Redis, as behind a load balancer: a
 * click on replica B shows what replica A attached (a live verdict and a paste reply), still checked
 * against the clicker's channel and permission; an expired or unknown id gets a clear answer; with the
 * queue Redis down the answer is still posted, its Details are kept by the replica that posted it, and
 * each click says what happened; after the queue Redis is back, B reads what A kept before.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detailsKeys } from '../../src/bot/details/redis.ts';
import { DETAILS_MISSING } from '../../src/bot/details/store.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { type QueueRedis, startQueueRedis } from '../approvals/helpers/queue-redis.ts';
import { fixture } from '../bot/helpers/big-dump.ts';
import { allText } from '../bot/helpers/block-text.ts';
import { type ApiCall, type FakeSlack, startFakeSlack, waitUntil } from '../bot/helpers/fake-slack.ts';
import { serveEnv } from '../bot/helpers/serve.ts';
import { actionBody, eventEnvelope, postEvent, postForm, slashBody } from '../bot/helpers/signed.ts';
import { type ServeProcess, spawnServe } from './helpers/serve-process.ts';

const PREFIX = 'details-replicas';
let fake: FakeSlack;
let cluster: DevCluster;
let q: QueueRedis;
let dir: string;
let replicas: { bot: ServeProcess; url: string }[] = [];
let n = 0;
let tsSeq = 1_810_000_000;

beforeAll(async () => {
  [fake, cluster, q] = await Promise.all([
    startFakeSlack(),
    startCluster({ masters: 3, label: 'details-replicas' }),
    startQueueRedis({ label: 'details-replicas-q' }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'details-replicas-'));
  const config = join(dir, 'redis-runbook.yml');
  const seeds = cluster.nodes.map((x) => `"${x.address}"`).join(', ');
  writeFileSync(
    config,
    [
      'clusters:',
      '  - name: prod',
      `    seeds: [${seeds}]`,
      'access:',
      '  channels: { COPS: [prod], COTHER: [] }',
      '  permissions: { diagnose: [UALICE, UBOB] }',
      'approvals:',
      `  prefix: ${PREFIX}`,
      '',
    ].join('\n'),
  );
  const bots = [0, 1].map(() =>
    spawnServe(['--config', config, '--host', '127.0.0.1'], serveEnv(fake, q.url)),
  );
  replicas = await Promise.all(
    bots.map(async (bot) => ({ bot, url: `http://127.0.0.1:${await bot.port()}/slack/events` })),
  );
}, 120_000);
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.bot.stop()));
  await Promise.all([fake?.close(), cluster?.stop(), q?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const replica = (i: 0 | 1) => replicas[i] as { bot: ServeProcess; url: string };
const repliesTo = (ts: string) => fake.byMethod('chat.postMessage').filter((c) => c.args.thread_ts === ts);

/** The Details button's value on a posted or updated message. */
function detailsId(call: ApiCall): string {
  const blocks = call.args.blocks as { elements?: { action_id?: string; value?: string }[] }[];
  const button = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'show_details');
  return String(button?.value ?? '');
}

/** `diagnose prod` on replica `i`; resolves with the verdict's ts and its Details id. */
async function diagnose(i: 0 | 1): Promise<{ ts: string; id: string }> {
  const body = slashBody({
    text: 'diagnose prod',
    user: 'UALICE',
    responseUrl: `${fake.url}/respond/d${++n}`,
  });
  const before = fake.byMethod('chat.update').length;
  expect((await postForm(replica(i).url, body)).status).toBe(200);
  const verdict = await waitUntil(
    () =>
      fake
        .byMethod('chat.update')
        .slice(before)
        .find((c) => detailsId(c) !== ''),
    30_000,
    'a verdict with a Details button',
  );
  return { ts: String(verdict.args.ts), id: detailsId(verdict) };
}

/** A pasted CLUSTER NODES dump on replica `i`; resolves with the thread and the reply's Details id. */
async function paste(i: 0 | 1, text = fixture('down-nodes-n1.txt')): Promise<{ ts: string; id: string }> {
  const ts = `${++tsSeq}.000300`;
  const event = { type: 'message', channel: 'COPS', user: 'UALICE', text, ts };
  expect((await postEvent(replica(i).url, eventEnvelope(event))).status).toBe(200);
  const reply = await waitUntil(() => repliesTo(ts)[0], 20_000, 'the paste reply');
  return { ts, id: detailsId(reply) };
}

/**
 * Clicks Details with `id` on replica `i` as `user` in `channel` (in the thread `thread`); resolves with
 * what was posted in the thread, or else what the clicker alone was told.
 */
async function click(i: 0 | 1, id: string, thread: string, user = 'UBOB', channel = 'COPS') {
  const key = `c${++n}`;
  const count = repliesTo(thread).length;
  const body = actionBody('show_details', id, `${fake.url}/respond/${key}`, user, channel, thread);
  expect((await postForm(replica(i).url, body)).status).toBe(200);
  return waitUntil(
    () => {
      const posted = repliesTo(thread).slice(count)[0];
      if (posted) return { where: 'thread', text: allText(posted) };
      const told = fake.responses.find((r) => r.id === key);
      return told ? { where: 'clicker', text: allText({ args: told.body }) } : undefined;
    },
    20_000,
    `the answer to click ${key}`,
  );
}

/** The clicker alone was told `text` (nothing was posted in the thread). */
function toldOnly(answer: { where: string; text: string }, text: string) {
  expect(answer.where).toBe('clicker');
  expect(answer.text).toContain(text);
}

describe('Details across two replicas and one queue Redis', () => {
  it('a click on replica B shows the findings of a diagnosis replica A posted, kept 24 h', async () => {
    const { ts, id } = await diagnose(0);
    expect(id).toMatch(/^s[A-Za-z0-9_-]{22}$/);
    const shown = await click(1, id, ts);
    expect(shown.where).toBe('thread');
    expect(shown.text).toContain('prod: details');
    expect(shown.text).toMatch(/Findings \(\d+\)/);
    const ttl = await q.admin.pttl(detailsKeys(PREFIX).entry(id));
    expect(ttl).toBeGreaterThan(23 * 3600_000);
  });

  it('a paste reply from replica A shows its details on replica B', async () => {
    const { ts, id } = await paste(0);
    const shown = await click(1, id, ts);
    expect(shown).toMatchObject({ where: 'thread' });
    expect(shown.text).toContain('Whose view this is');
  });

  it('a paste with secrets in it: none reaches the queue Redis, the thread or either log', async () => {
    const text = [
      '$ redis-cli -a Hunter2pw -h 10.0.0.1 -p 7000 cluster nodes',
      fixture('down-nodes-n1.txt'),
      'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.9:7000@17000 master - 0 0 9 connected 9 requirepass Hunter3pw',
      'cluster_state:ok masterauth Hunter4pw',
      'redis://bob:Hunter5pw@10.0.0.9:6379',
      'AUTH Hunter6pw',
    ].join('\n');
    const { ts, id } = await paste(0, text);
    const stored = await q.admin.get(detailsKeys(PREFIX).entry(id));
    const json = gunzipSync(Buffer.from(stored ?? '', 'base64')).toString();
    expect(json).toContain('requirepass ***'); // the line is echoed, its secret is not
    expect(json).toContain('masterauth ***');
    const shown = await click(1, id, ts);
    expect(shown.where).toBe('thread');
    const out = [
      json,
      ...fake.calls.map((c) => JSON.stringify(c.args)),
      ...replicas.map((r) => r.bot.out.stdout),
    ];
    expect(out.join('\n')).not.toMatch(/Hunter\dpw/);
  });

  it('on B, a clicker without the permission, or in a channel without the cluster, is refused', async () => {
    const { ts, id } = await diagnose(0);
    const noPerm = await click(1, id, ts, 'UMALLORY');
    expect(noPerm.where).toBe('clicker');
    expect(noPerm.text).toContain('do not have the "diagnose" permission');
    const elsewhere = await click(1, id, ts, 'UBOB', 'COTHER');
    expect(elsewhere.where).toBe('clicker');
    expect(elsewhere.text).toContain('not available in this channel');
    expect(`${noPerm.text}${elsewhere.text}`).not.toMatch(/Findings/);
  });

  it('an expired, unknown or malformed id gets a clear answer on either replica', async () => {
    const { ts, id } = await diagnose(0);
    await q.admin.pexpire(detailsKeys(PREFIX).entry(id), 1);
    await new Promise((r) => setTimeout(r, 20));
    toldOnly(await click(1, id, ts), DETAILS_MISSING.gone);
    toldOnly(await click(0, `s${'x'.repeat(22)}`, ts), DETAILS_MISSING.gone);
    toldOnly(await click(1, 'old-id-1234', ts), DETAILS_MISSING.gone);
  });

  it('with the queue Redis down the answer is still posted; each click says what it can', async () => {
    const kept = await paste(0);
    await new Promise((r) => setTimeout(r, 1200)); // appendfsync everysec: on disk before the kill
    await q.kill();
    try {
      const during = await paste(0);
      expect(during.id).toMatch(/^m/);
      expect((await click(0, during.id, during.ts)).where).toBe('thread');
      toldOnly(await click(1, during.id, during.ts), DETAILS_MISSING.elsewhere);
      toldOnly(await click(1, kept.id, kept.ts), DETAILS_MISSING.unreachable);
      await waitUntil(
        () => replica(0).bot.out.stdout.includes('"event":"details_store_unavailable"'),
        10_000,
        'the outage logged',
      );
    } finally {
      await q.restart();
    }
    // The bot reconnects within 2 s; a click before that hears "unreachable" (at most 20 tries, 0.5 s apart).
    let back = await click(1, kept.id, kept.ts);
    for (let i = 0; i < 20 && back.where !== 'thread'; i++) {
      toldOnly(back, DETAILS_MISSING.unreachable);
      await new Promise((r) => setTimeout(r, 500));
      back = await click(1, kept.id, kept.ts);
    }
    expect(back.where).toBe('thread');
    expect(back.text).toContain('Whose view this is');
  });
});
