/**
 * Fixes end to end as Slack drives them: signed slash commands and button clicks to Bolt, the fake Web
 * API recording every call, a real queue Redis, the real planner and executor on a real 6-node cluster
 * with a password, and the worker in the bot's process. Refused clicks (self-approval, a non-approver,
 * a requester outside the request group, an expired request, approve after deny) run nothing; 100
 * concurrent approve clicks from two approvers give one job and one CLUSTER FAILOVER; a topology change
 * between approval and execution runs nothing and offers a fresh plan; and no password or token appears
 * in the logs, the Slack calls, the job hashes or the audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobIdFor } from '../../src/approvals/queue.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { waitPromoted } from '../../src/devcluster/scenario-waits.ts';
import { waitFor } from '../../src/devcluster/wait.ts';
import { BOT_TOKEN, type FakeSlack, startFakeSlack, waitUntil } from '../bot/helpers/fake-slack.ts';
import { SIGNING_SECRET } from '../bot/helpers/signed.ts';
import { calls } from '../live/action-helpers.ts';
import { auditOf, type FixBot, startFixBot } from './helpers/fix-bot.ts';
import { type QueueRedis, startQueueRedis, testKeys } from './helpers/queue-redis.ts';

const PASSWORD = 'e2e-Fix-Secret-4242';
const PW_ENV = 'APPROVALS_E2E_PW';
const prefix = testKeys('slack-fix').tag.slice(1, -1);
let q: QueueRedis;
let c: DevCluster;
let fake: FakeSlack;
let fb: FixBot;

function rawConfig() {
  return {
    clusters: [
      {
        name: 'prod',
        seeds: c.nodes.slice(0, 3).map((n) => n.address),
        passwordEnv: PW_ENV,
        timeouts: { connectMs: 1000, commandMs: 1500, nodeDeadlineMs: 2500 },
      },
    ],
    access: {
      channels: { COPS: ['prod'] },
      groups: { oncall: ['UALICE', 'UDAVE'], leads: ['UBOB', 'UCAROL'] },
      permissions: { diagnose: ['*'], request: ['@oncall', 'UBOB'], approve: ['@leads'] },
    },
    approvals: { ttlSeconds: 600, prefix },
  };
}

beforeAll(async () => {
  process.env[PW_ENV] = PASSWORD;
  [q, c, fake] = await Promise.all([
    startQueueRedis({ label: 'slack-fix-q' }),
    startCluster({
      masters: 3,
      replicasPerMaster: 1,
      password: PASSWORD,
      nodeTimeoutMs: 1000,
      label: 'slack-fix',
    }),
    startFakeSlack(),
  ]);
  fb = await startFixBot(fake, rawConfig(), q.url);
}, 120_000);
afterAll(async () => {
  await fb?.stop();
  await fake?.close();
  await c?.stop();
  await q?.stop();
});

const slash = (text: string, user: string) => fb.slash(text, user);
const click = (actionId: string, id: string, user: string) => fb.click(actionId, id, user);
const answer = (key: string) => fb.answer(key);

/** Requests a fix by slash command and returns the request id from the card posted. */
async function request(user: string, words: string): Promise<string> {
  const before = fake.byMethod('chat.postMessage').length;
  await slash(`fix prod ${words}`, user);
  const card = await waitUntil(
    () =>
      fake
        .byMethod('chat.postMessage')
        .slice(before)
        .find((m) => String(m.args.text).includes('Fix requested')),
    30_000,
    'the card',
  );
  const id = /fx-[a-z0-9]{8}/.exec(String(card.args.text))?.[0];
  if (!id) throw new Error('no request id on the card');
  return id;
}

const state = async (id: string) => (await fb.runtime.service.store.get(id))?.state;
const audit = (id: string) => auditOf(q.admin, `{${prefix}}`, id);

describe('refused, with nothing run', () => {
  it('self-approval, a non-approver, a requester outside the group, an expired request and approve after deny', async () => {
    const replica = c.node(4);
    const failovers = () => calls(c, replica, 'cluster|failover');
    // The card: commands, risks, fingerprint, requester, expiry, buttons with confirm dialogs.
    const own = await request('UBOB', `failover --node ${replica.address}`);
    const card = fake.byMethod('chat.postMessage').find((m) => String(m.args.text).includes(own));
    const blocks = JSON.stringify(card?.args.blocks);
    expect(blocks).toContain('CLUSTER FAILOVER');
    expect(blocks).toContain(`REDISCLI_AUTH=\\"$${PW_ENV}\\"`);
    expect(blocks).toContain('Fingerprint');
    expect(blocks).toContain('Expires');
    expect(blocks).toContain('<@UBOB>');
    expect(blocks).toMatch(/"action_id":"remediation_approve".*"value":"fx-[a-z0-9]{8}".*"confirm"/);
    expect(await answer(await click('remediation_approve', own, 'UBOB'))).toContain(
      'someone else must approve',
    );
    expect(await answer(await click('remediation_approve', own, 'UDAVE'))).toContain(
      'You may not approve fixes',
    );
    // A requester outside the request group.
    await slash(`fix prod failover --node ${replica.address}`, 'UCAROL');
    await waitUntil(
      () => fake.responses.some((r) => String(r.body.text).includes('You may not request fixes')),
      20_000,
      'request refusal',
    );
    // Expired: the clock moves past expiresAt (set in the store, as time would).
    await q.admin.hset(`{${prefix}}:req:${own}`, 'expiresAt', String(Date.now() - 1000));
    expect(await answer(await click('remediation_approve', own, 'UCAROL'))).toContain('expired');
    expect(await state(own)).toBe('expired');
    // Approve after deny.
    const denied = await request('UALICE', `failover --node ${replica.address}`);
    expect(await answer(await click('remediation_deny', denied, 'UCAROL'))).toContain('denied');
    expect(await answer(await click('remediation_approve', denied, 'UBOB'))).toContain(
      'was denied by UCAROL',
    );
    expect(await state(denied)).toBe('denied');
    expect((await audit(own)).map((e) => e.event)).toEqual(['requested', 'refused', 'refused', 'expired']);
    expect((await audit(denied)).map((e) => e.event)).toEqual(['requested', 'denied', 'refused']);
    // The card lost its buttons once decided.
    const update = fake
      .byMethod('chat.update')
      .filter((u) => String(u.args.text).includes(denied))
      .at(-1);
    expect(JSON.stringify(update?.args.blocks)).not.toContain('remediation_approve');
    expect(await failovers()).toBe(0);
    expect(await fb.runtime.service.queue.getJobCounts()).toMatchObject({
      waiting: 0,
      active: 0,
      completed: 0,
      failed: 0,
    });
  }, 120_000);
});

describe('approved', () => {
  it('100 concurrent approve clicks from two approvers: one job, one CLUSTER FAILOVER, the thread names the approver', async () => {
    const replica = c.node(3);
    const id = await request('UALICE', `failover --node ${replica.address}`);
    const t0 = Date.now();
    const clicks = Array.from({ length: 100 }, (_, i) =>
      click('remediation_approve', id, i % 2 ? 'UBOB' : 'UCAROL'),
    );
    await Promise.all(clicks);
    await waitFor(async () => (await state(id)) === 'succeeded' || undefined, {
      what: 'the fix',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    const stored = await fb.runtime.service.store.get(id);
    console.log(
      `approval -> executing ${(stored?.startedAt ?? 0) - (stored?.approvals[0]?.at ?? 0)} ms; 100 clicks -> succeeded ${Date.now() - t0} ms`,
    );
    expect(await calls(c, replica, 'cluster|failover')).toBe(1);
    expect((await c.info(replica))['role']).toBe('master');
    const counts = await fb.runtime.service.queue.getJobCounts();
    expect(counts.completed).toBe(1);
    expect((await fb.runtime.service.queue.getJob(jobIdFor(id)))?.attemptsStarted).toBe(1);
    // Clicks are acknowledged before they are judged: wait for the last ones to be recorded.
    await waitFor(
      async () => (await audit(id)).filter((e) => e.event === 'refused').length >= 99 || undefined,
      {
        what: '99 refusals recorded',
        timeoutMs: 20_000,
        intervalMs: 100,
      },
    );
    const events = (await audit(id)).map((e) => e.event);
    expect(events.filter((e) => e === 'approved')).toHaveLength(1);
    expect(events.filter((e) => e === 'refused')).toHaveLength(99);
    expect(events.filter((e) => e === 'executing')).toHaveLength(1);
    expect(events.filter((e) => e === 'succeeded')).toHaveLength(1);
    const outcome = await waitUntil(
      () =>
        fake
          .byMethod('chat.postMessage')
          .find((m) => String(m.args.text).includes(`Fix done: failover on prod (${id})`)),
      10_000,
      'outcome',
    );
    const approver = stored?.approvals[0]?.user as string;
    expect(JSON.stringify(outcome.args.blocks)).toContain(`<@${approver}>`);
  }, 120_000);

  it('a topology change between approval and execution runs nothing and offers a fresh plan', async () => {
    const replica = c.node(4);
    await fb.worker.worker.pause();
    const id = await request('UALICE', `failover --node ${replica.address}`);
    await answer(await click('remediation_approve', id, 'UBOB'));
    expect(await fb.runtime.service.queue.getJobState(jobIdFor(id))).toBe('waiting');
    await c.cli(c.node(5), 'CLUSTER', 'FAILOVER');
    await waitPromoted(c, c.node(5));
    fb.worker.worker.resume();
    await waitFor(async () => (await state(id)) === 'failed' || undefined, {
      what: 'the refusal',
      timeoutMs: 60_000,
      intervalMs: 100,
    });
    expect((await fb.runtime.service.store.get(id))?.code).toBe('ACTION_FINGERPRINT_CHANGED');
    expect(await calls(c, replica, 'cluster|failover')).toBe(0);
    const outcome = await waitUntil(
      () =>
        fake
          .byMethod('chat.postMessage')
          .find((m) => String(m.args.text).includes(`Fix failed: failover on prod (${id})`)),
      10_000,
      'outcome',
    );
    expect(JSON.stringify(outcome.args.blocks)).toContain('request_fix');
  }, 120_000);
});

describe('secrets', () => {
  it('no password or token in the logs, the Slack calls, the job hashes, the requests or the audit', async () => {
    const secrets = [PASSWORD, BOT_TOKEN, SIGNING_SECRET];
    const jobKeys = await q.admin.keys(`{${prefix}}:fixes:*`);
    const jobs: string[] = [];
    for (const k of jobKeys)
      if ((await q.admin.type(k)) === 'hash') jobs.push(JSON.stringify(await q.admin.hgetall(k)));
    expect(jobs.length).toBeGreaterThan(0);
    const requests: string[] = [];
    for (const k of await q.admin.keys(`{${prefix}}:req:*`))
      requests.push(JSON.stringify(await q.admin.hgetall(k)));
    const auditRows = JSON.stringify(await q.admin.xrange(`{${prefix}}:audit`, '-', '+'));
    // Everything the bot sent Slack, except the token argument of auth.test, where Slack needs the bot token.
    const sent = fake.calls.map((call) =>
      call.method === 'auth.test' ? { ...call.args, token: '' } : call.args,
    );
    const slack = JSON.stringify(sent) + JSON.stringify(fake.responses);
    const places = {
      logs: fb.logs.join('') + fb.bot.logs.join(''),
      slack,
      jobs: jobs.join(''),
      requests: requests.join(''),
      audit: auditRows,
    };
    expect(places.logs.length).toBeGreaterThan(1000);
    for (const [where, text] of Object.entries(places)) {
      for (const secret of secrets) expect(text.includes(secret), `${where} holds a secret`).toBe(false);
    }
  });
});
