/**
 * The queue Redis stopped (SIGKILL) and restarted mid-session under a running Slack bot with its
 * worker: while it is down, diagnosis still works, a fix request and a click fail at once with a clear
 * message and record nothing; once it is back (same data dir, AOF on), the bot recovers without a
 * restart: the request made before the outage is approved and runs exactly once, and the audit verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/approvals/audit/stream.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { waitFor } from '../../src/devcluster/wait.ts';
import { type FakeSlack, startFakeSlack, waitUntil } from '../bot/helpers/fake-slack.ts';
import { calls } from '../live/action-helpers.ts';
import { type FixBot, startFixBot } from './helpers/fix-bot.ts';
import { type QueueRedis, startQueueRedis, testKeys } from './helpers/queue-redis.ts';

const prefix = testKeys('queue-down').tag.slice(1, -1);
let q: QueueRedis;
let c: DevCluster;
let fake: FakeSlack;
let fb: FixBot;

beforeAll(async () => {
  [q, c, fake] = await Promise.all([
    startQueueRedis({ label: 'queue-down-q' }),
    startCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1000, label: 'queue-down' }),
    startFakeSlack(),
  ]);
  const raw = {
    clusters: [{ name: 'prod', seeds: c.nodes.slice(0, 3).map((x) => x.address) }],
    access: { channels: { COPS: ['prod'] }, permissions: { request: ['UALICE'], approve: ['UBOB'] } },
    approvals: { prefix },
  };
  fb = await startFixBot(fake, raw, q.url);
}, 120_000);
afterAll(async () => {
  await fb?.stop();
  await fake?.close();
  await c?.stop();
  await q?.stop();
});

const slash = (text: string) => fb.slash(text, 'UALICE');
const click = (id: string) => fb.click('remediation_approve', id, 'UBOB');
const said = (key: string) => fb.answer(key);

describe('the queue Redis goes away and comes back', () => {
  it('diagnosis works while it is down, fixes fail clearly and record nothing, and it recovers without a restart', async () => {
    const replica = c.node(3);
    const before = fake.byMethod('chat.postMessage').length;
    await slash(`fix prod failover --node ${replica.address}`);
    const card = await waitUntil(
      () =>
        fake
          .byMethod('chat.postMessage')
          .slice(before)
          .find((m) => String(m.args.text).includes('Fix requested')),
      30_000,
      'card',
    );
    const id = /fx-[a-z0-9]{8}/.exec(String(card.args.text))?.[0] as string;
    const entriesBefore = (await verifyAudit(fb.runtime.service.redis, fb.runtime.service.keys)).entries;

    await q.kill();
    const t0 = Date.now();
    const failed = await said(await slash(`fix prod failover --node ${replica.address}`));
    expect(failed).toContain('approval store (queue Redis) is not reachable, so nothing was recorded');
    expect(await said(await click(id))).toContain('not reachable');
    console.log(`fix request and click answered within ${Date.now() - t0} ms with the queue Redis down`);
    const verdicts = fake.byMethod('chat.update').length;
    await slash('diagnose prod');
    await waitUntil(
      () => fake.byMethod('chat.update').length > verdicts,
      30_000,
      'a verdict while the queue Redis is down',
    );

    await q.restart();
    await waitFor(async () => (await fb.runtime.check(500)).up || undefined, {
      what: 'reconnected',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect((await fb.runtime.service.store.get(id))?.state).toBe('pending');
    expect((await verifyAudit(fb.runtime.service.redis, fb.runtime.service.keys)).entries).toBe(
      entriesBefore,
    );
    expect(await said(await click(id))).toContain('queued');
    await waitFor(async () => (await fb.runtime.service.store.get(id))?.state === 'succeeded' || undefined, {
      what: 'the fix to run after the restart',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    expect(await calls(c, replica, 'cluster|failover')).toBe(1);
    const verified = await verifyAudit(fb.runtime.service.redis, fb.runtime.service.keys);
    expect(verified.ok).toBe(true);
  }, 180_000);
});
