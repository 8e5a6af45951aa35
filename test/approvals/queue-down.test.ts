/**
 * The queue Redis stopped (SIGKILL) and restarted mid-session under a running Slack bot with its
 * worker: while it is down, diagnosis still works, a fix request and a click fail at once with a clear
 * message and record nothing; once it is back (same data dir, AOF on), the bot recovers without a
 * restart: the request made before the outage is approved and runs exactly once, and the audit verifies.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/approvals/audit/stream.ts';
import type { ApprovalRuntime } from '../../src/approvals/open.ts';
import { openFixes } from '../../src/cli/fixes.ts';
import { parseConfig } from '../../src/config/load.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { waitFor } from '../../src/devcluster/wait.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { createLogger } from '../../src/ops/logger.ts';
import { allText } from '../bot/helpers/block-text.ts';
import { startTestBot, type TestBot } from '../bot/helpers/bot.ts';
import { type FakeSlack, startFakeSlack, waitUntil } from '../bot/helpers/fake-slack.ts';
import { actionBody, postForm, slashBody } from '../bot/helpers/signed.ts';
import { calls } from '../live/action-helpers.ts';
import { type QueueRedis, startQueueRedis, testKeys } from './helpers/queue-redis.ts';

const prefix = testKeys('queue-down').tag.slice(1, -1);
let q: QueueRedis;
let c: DevCluster;
let fake: FakeSlack;
let bot: TestBot;
let runtime: ApprovalRuntime;
let n = 0;

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
  const logger = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));
  const wired = openFixes({
    config: parseConfig(raw),
    url: q.url,
    logger,
    probe: { allowHost: isLoopbackHost },
  });
  runtime = wired.runtime;
  await runtime.check(5000);
  bot = await startTestBot(fake, raw, { fixes: wired.fixes });
  runtime.startWorker(wired.executor, bot.core.fixObserver, { heartbeatMs: 10_000, reconcileMs: 1000 });
}, 120_000);
afterAll(async () => {
  await runtime?.close(1000);
  await bot?.stop();
  await fake?.close();
  await c?.stop();
  await q?.stop();
});

async function slash(text: string, user = 'UALICE'): Promise<string> {
  const key = `s${++n}`;
  const res = await postForm(
    bot.url,
    slashBody({ text, user, channel: 'COPS', responseUrl: `${fake.url}/respond/${key}` }),
  );
  expect(res.status).toBe(200);
  return key;
}

async function click(id: string, user = 'UBOB'): Promise<string> {
  const key = `c${++n}`;
  await postForm(bot.url, actionBody('remediation_approve', id, `${fake.url}/respond/${key}`, user, 'COPS'));
  return key;
}

const said = (key: string) =>
  waitUntil(
    () =>
      fake.responses
        .filter((r) => r.id === key)
        .map((r) => allText({ args: r.body }))
        .find((t) => !/^(Planning|Recording)/.test(t.replace(/^:\w+: /, ''))),
    30_000,
    `answer ${key}`,
  );

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
    const entriesBefore = (await verifyAudit(runtime.service.redis, runtime.service.keys)).entries;

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
    await waitFor(async () => (await runtime.check(500)).up || undefined, {
      what: 'reconnected',
      timeoutMs: 20_000,
      intervalMs: 200,
    });
    expect((await runtime.service.store.get(id))?.state).toBe('pending');
    expect((await verifyAudit(runtime.service.redis, runtime.service.keys)).entries).toBe(entriesBefore);
    expect(await said(await click(id))).toContain('queued');
    await waitFor(async () => (await runtime.service.store.get(id))?.state === 'succeeded' || undefined, {
      what: 'the fix to run after the restart',
      timeoutMs: 60_000,
      intervalMs: 200,
    });
    expect(await calls(c, replica, 'cluster|failover')).toBe(1);
    const verified = await verifyAudit(runtime.service.redis, runtime.service.keys);
    expect(verified.ok).toBe(true);
  }, 180_000);
});
