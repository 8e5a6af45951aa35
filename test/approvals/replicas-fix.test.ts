/**
 * Two real `redis-runbook serve` processes against one queue Redis and one 6-node cluster, as behind a
 * load balancer: a fix requested on one replica is answered on the other (either replica can answer any
 * click, because nothing they need lives in process memory), approve clicks spread over both from two
 * approvers give exactly one execution (one CLUSTER FAILOVER, one `executing` in the audit), and the
 * chain verifies.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/approvals/audit/stream.ts';
import { approvalKeys } from '../../src/approvals/keys.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { type FakeSlack, startFakeSlack, waitUntil } from '../bot/helpers/fake-slack.ts';
import { serveEnv } from '../bot/helpers/serve.ts';
import { actionBody, postForm, slashBody } from '../bot/helpers/signed.ts';
import { calls } from '../live/action-helpers.ts';
import { type ServeProcess, spawnServe } from '../ops/helpers/serve-process.ts';
import { answerOn, auditOf } from './helpers/fix-bot.ts';
import { type QueueRedis, startQueueRedis } from './helpers/queue-redis.ts';

const PASSWORD = 'replicas-Fix-pa55';
let fake: FakeSlack;
let c: DevCluster;
let q: QueueRedis;
let dir: string;
let replicas: { bot: ServeProcess; url: string }[] = [];
let n = 0;

beforeAll(async () => {
  [fake, c, q] = await Promise.all([
    startFakeSlack(),
    startCluster({
      masters: 3,
      replicasPerMaster: 1,
      password: PASSWORD,
      nodeTimeoutMs: 1000,
      label: 'replicas-fix',
    }),
    startQueueRedis({ label: 'replicas-fix-q' }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'replicas-fix-'));
  const config = join(dir, 'redis-runbook.yml');
  const seeds = c.nodes
    .slice(0, 3)
    .map((x) => `"${x.address}"`)
    .join(', ');
  writeFileSync(
    config,
    [
      'clusters:',
      '  - name: prod',
      `    seeds: [${seeds}]`,
      '    passwordEnv: REPLICAS_FIX_PW',
      'access:',
      '  channels: { COPS: [prod] }',
      '  groups: { leads: [UBOB, UCAROL] }',
      '  permissions: { request: [UALICE], approve: ["@leads"] }',
      '',
    ].join('\n'),
  );
  const env = { ...serveEnv(fake, q.url), REPLICAS_FIX_PW: PASSWORD };
  const bots = [0, 1].map(() => spawnServe(['--config', config, '--host', '127.0.0.1'], env));
  replicas = await Promise.all(
    bots.map(async (bot) => ({ bot, url: `http://127.0.0.1:${await bot.port()}/slack/events` })),
  );
}, 180_000);
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.bot.stop()));
  await Promise.all([fake?.close(), c?.stop(), q?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function click(url: string, id: string, user: string) {
  const key = `c${++n}`;
  const res = await postForm(
    url,
    actionBody('remediation_approve', id, `${fake.url}/respond/${key}`, user, 'COPS'),
  );
  expect(res.status).toBe(200);
  return key;
}

const answer = (key: string) => answerOn(fake, key);

describe('two replicas, one queue Redis', () => {
  it('either replica answers any click, and one approval executes exactly once', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const replica = c.node(3);
    const body = slashBody({
      text: `fix prod failover --node ${replica.address}`,
      user: 'UALICE',
      channel: 'COPS',
      responseUrl: `${fake.url}/respond/req`,
    });
    expect((await postForm(a.url, body)).status).toBe(200);
    const card = await waitUntil(
      () => fake.byMethod('chat.postMessage').find((m) => String(m.args.text).includes('Fix requested')),
      60_000,
      'the card from replica A',
    );
    const id = /fx-[a-z0-9]{8}/.exec(String(card.args.text))?.[0] as string;
    // Replica B answers a click on a request replica A made.
    expect(await answer(await click(b.url, id, 'UALICE'))).toContain('You may not approve fixes');
    // Approvals from two approvers, spread over both replicas at once.
    const keys = await Promise.all(
      Array.from({ length: 20 }, (_, i) => click(i % 2 ? a.url : b.url, id, i % 4 < 2 ? 'UBOB' : 'UCAROL')),
    );
    const answers = await Promise.all(keys.map(answer));
    expect(answers.filter((t) => t.includes('it is queued'))).toHaveLength(1);
    expect(answers.filter((t) => t.includes('your click changed nothing'))).toHaveLength(19);
    const keysOf = approvalKeys();
    await waitUntil(
      () =>
        fake
          .byMethod('chat.postMessage')
          .find((m) => String(m.args.text).includes(`Fix done: failover on prod (${id})`)),
      60_000,
      'the outcome',
    );
    await new Promise((r) => setTimeout(r, 1000));
    const events = (await auditOf(q.admin, keysOf.tag, id)).map((e) => e.event);
    expect(events.filter((e) => e === 'approved')).toHaveLength(1);
    expect(events.filter((e) => e === 'executing')).toHaveLength(1);
    expect(events.filter((e) => e === 'succeeded')).toHaveLength(1);
    expect(await calls(c, replica, 'cluster|failover')).toBe(1);
    const { Redis } = await import('ioredis');
    const r = new Redis(q.url);
    try {
      expect((await verifyAudit(r, keysOf)).ok).toBe(true);
    } finally {
      r.disconnect();
    }
    const started = [a, b].map((x) => x.bot.out.stdout.includes('"event":"fix_started"'));
    console.log(
      `the job ran on replica ${started[0] ? 'A' : 'B'}${started[0] && started[1] ? ' and B (!)' : ''}`,
    );
    expect(started.filter(Boolean)).toHaveLength(1);
  }, 180_000);
});
