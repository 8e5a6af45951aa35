/**
 * The fix flow through the transport-neutral core over a recording Transport, with a real queue Redis
 * and worker: `fix` posts the card (commands, risks, fingerprint, requester, expiry, Approve/Deny with
 * confirm dialogs), refused clicks are answered to the clicker only and run nothing, an approval updates
 * the card and runs the job once, the thread gets the steps and the outcome naming the approver, and
 * `audit` lists it. The planner is injected (a plan shaped like the planners'); the executor counts its
 * runs on a second real redis-server.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovalRuntime } from '../../src/approvals/open.ts';
import { openApprovals } from '../../src/approvals/open.ts';
import { type Bot, createBot } from '../../src/bot/core.ts';
import { buildBotDeps } from '../../src/bot/deps.ts';
import type { BotMessage, MessageRef, Transport } from '../../src/bot/message.ts';
import { parseConfig } from '../../src/config/load.ts';
import { waitFor } from '../../src/devcluster/wait.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { countingExecutor } from '../approvals/helpers/executor.ts';
import { ACCESS, testPlan } from '../approvals/helpers/plans.ts';
import { type QueueRedis, startQueueRedis, testKeys } from '../approvals/helpers/queue-redis.ts';

interface Sent {
  op: 'post' | 'reply' | 'update' | 'ephemeral';
  ref?: MessageRef;
  to?: string;
  msg: BotMessage;
}

const config = parseConfig({
  clusters: [{ name: 'prod', seeds: ['127.0.0.1:1'] }],
  access: ACCESS,
  approvals: { ttlSeconds: 600 },
});
const diagnosis: Diagnosis = {
  source: 'live',
  cluster: 'prod',
  state: 'fail',
  rootCauses: [],
  findings: [],
  warnings: [],
  visibility: { nodesKnown: 3, nodesSeen: 3, nodesAtLeast: 3, summary: '' },
  fingerprint: 'f'.repeat(64),
};

let q: QueueRedis;
let target: QueueRedis;
let runtime: ApprovalRuntime;
let bot: Bot;
const sent: Sent[] = [];
const counter = 'fix-flow:runs';

function recorder(): Transport {
  let n = 0;
  return {
    async post(channel, msg) {
      n += 1;
      sent.push({ op: 'post', to: channel, msg });
      return { channel, ts: `p${n}` };
    },
    async reply(parent, msg) {
      n += 1;
      sent.push({ op: 'reply', ref: parent, msg });
      return { channel: parent.channel, ts: `r${n}` };
    },
    async update(ref, msg) {
      sent.push({ op: 'update', ref, msg });
    },
    async ephemeral(to, msg) {
      sent.push({ op: 'ephemeral', to: to.user, msg });
    },
    async upload() {},
  };
}

beforeAll(async () => {
  [q, target] = await Promise.all([
    startQueueRedis({ label: 'fix-flow-q' }),
    startQueueRedis({ label: 'fix-flow-t' }),
  ]);
  const logger = pino({ level: 'silent' });
  runtime = openApprovals({ url: q.url, config, logger, prefix: testKeys('flow').tag.slice(1, -1) });
  await runtime.check(5000);
  bot = createBot({
    ...buildBotDeps(config),
    transport: recorder(),
    logger,
    fixes: {
      approvals: runtime.service,
      plan: async (cluster, action, params) => ({
        plan: { ...testPlan(cluster, { action }), params },
        diagnosis,
      }),
    },
  });
  runtime.startWorker(countingExecutor(target.admin, counter), bot.fixObserver, {
    heartbeatMs: 5000,
    reconcileMs: 500,
  });
});
afterAll(async () => {
  await runtime?.close(1000);
  await q?.stop();
  await target?.stop();
});

async function say(text: string, user: string, channel = 'COPS'): Promise<BotMessage[]> {
  const acks: BotMessage[] = [];
  await bot.command({ user, channel, text }, async (m) => {
    acks.push(m);
  });
  return acks;
}

const text = (m: BotMessage) =>
  [
    m.title,
    m.text,
    ...(m.fields ?? []).map((f) => `${f.label}: ${f.value}`),
    ...(m.sections ?? []).flatMap((s) => [s.heading, ...s.lines]),
    ...(m.notes ?? []),
  ].join('\n');
const ephemeralsTo = (user: string) =>
  sent.filter((s) => s.op === 'ephemeral' && s.to === user).map((s) => text(s.msg));

describe('fix through the core', () => {
  let id = '';
  let card: Sent | undefined;

  it('posts a card with the commands, risks, fingerprint, requester, expiry and confirmed buttons', async () => {
    const acks = await say('fix prod failover --node 127.0.0.1:7000', 'UALICE');
    expect(acks[0]?.text).toContain('Planning failover on prod');
    card = sent.find((s) => s.op === 'post' && s.msg.title?.startsWith('Fix requested'));
    expect(card).toBeDefined();
    const msg = card?.msg as BotMessage;
    id = msg.fields?.find((f) => f.label === 'Request')?.value ?? '';
    expect(id).toMatch(/^fx-[a-z0-9]{8}$/);
    expect(text(msg)).toContain('CLUSTER FAILOVER');
    expect(text(msg)).toContain('[availability] writes pause');
    expect(msg.fields?.find((f) => f.label === 'Fingerprint')?.value).toBe('f'.repeat(16));
    expect(msg.fields?.find((f) => f.label === 'Expires')?.value).toMatch(/UTC$/);
    expect(msg.requestedBy).toBe('UALICE');
    expect(msg.buttons?.map((b) => [b.actionId, b.value, Boolean(b.confirm)])).toEqual([
      ['remediation_approve', id, true],
      ['remediation_deny', id, true],
    ]);
  });

  it('answers refused clicks to the clicker only, and runs nothing', async () => {
    await bot.action({ user: 'UALICE', channel: 'COPS', actionId: 'remediation_approve', value: id });
    await bot.action({ user: 'UDAVE', channel: 'COPS', actionId: 'remediation_approve', value: id });
    await bot.action({ user: 'UBOB', channel: 'COTHER', actionId: 'remediation_approve', value: id });
    expect(ephemeralsTo('UALICE').at(-1)).toContain('You may not approve fixes');
    expect(ephemeralsTo('UDAVE').at(-1)).toContain('You may not approve fixes');
    expect(ephemeralsTo('UBOB').at(-1)).toContain('not available in this channel');
    expect((await runtime.service.store.get(id))?.state).toBe('pending');
    expect(Number(await target.admin.get(counter))).toBe(0);
  });

  it('refuses a request from a user outside the request group, recording nothing but the refusal', async () => {
    const acks = await say('fix prod failover --node 127.0.0.1:7000', 'UCAROL');
    expect(acks[0]?.text).toContain('Planning');
    expect(ephemeralsTo('UCAROL').at(-1)).toContain('You may not request fixes');
    const recent = await runtime.service.recent(1);
    expect(recent[0]?.event).toBe('refused');
    expect(recent[0]?.code).toBe('APPROVAL_NOT_PERMITTED');
  });

  it('an approval updates the card, runs the job once, and the thread names the approver', async () => {
    await bot.action({
      user: 'UBOB',
      channel: 'COPS',
      actionId: 'remediation_approve',
      value: id,
      threadTs: 'p1',
    });
    await waitFor(async () => (await runtime.service.store.get(id))?.state === 'succeeded' || undefined, {
      what: 'the fix to succeed',
      timeoutMs: 15_000,
      intervalMs: 50,
    });
    await waitFor(
      () => sent.some((s) => s.op === 'reply' && s.msg.title?.startsWith('Fix done')) || undefined,
      {
        what: 'the outcome in the thread',
        timeoutMs: 5000,
        intervalMs: 20,
      },
    );
    expect(Number(await target.admin.get(counter))).toBe(1);
    const cardUpdates = sent.filter((s) => s.op === 'update' && s.msg.title?.includes('failover on prod'));
    expect(cardUpdates.map((s) => s.msg.title?.split(':')[0])).toEqual([
      'Fix approved, queued',
      'Fix running',
      'Fix done',
    ]);
    expect(cardUpdates.every((s) => !s.msg.buttons || s.msg.buttons.length === 0)).toBe(true);
    expect(cardUpdates.at(-1)?.msg.fields?.find((f) => f.label.startsWith('Approved'))?.value).toBe('UBOB');
    const thread = sent.filter((s) => s.op === 'reply' && s.ref?.ts === 'p1').map((s) => text(s.msg));
    expect(thread.some((t) => t.includes('UBOB approved'))).toBe(true);
    expect(thread.some((t) => t.includes('Step 1/1'))).toBe(true);
    const outcome = sent.find((s) => s.op === 'reply' && s.msg.title?.startsWith('Fix done'));
    expect(outcome?.msg.fields?.find((f) => f.label === 'Approver')?.value).toBe('UBOB');
  });

  it('refuses approve after the fact, naming the decision, and lists the audit', async () => {
    await bot.action({ user: 'UCAROL', channel: 'COPS', actionId: 'remediation_deny', value: id });
    expect(ephemeralsTo('UCAROL').at(-1)).toContain('was approved by UBOB');
    const acks = await say('audit prod 20', 'UBOB');
    const listing = text(acks[0] as BotMessage);
    for (const event of ['requested', 'refused', 'approved', 'executing', 'step', 'succeeded'])
      expect(listing).toContain(` ${event} by`);
  });

  it('an interrupted run is reported with a fresh diagnosis in the thread', async () => {
    const req = await runtime.service.store.get(id);
    if (!req) throw new Error('no request');
    const before = sent.length;
    await bot.fixObserver?.changed(
      { ...req, state: 'unknown-outcome', message: 'stopped mid-run' },
      'unknown-outcome',
    );
    const replies = sent.slice(before).filter((s) => s.op === 'reply');
    expect(replies.map((s) => s.msg.title?.split(':')[0])).toEqual(['Fix interrupted', 'prod']);
    expect(text(replies[0]?.msg as BotMessage)).toContain('It will not run again');
    expect(replies[1]?.msg.diagnosis?.cluster).toBe('prod');
  });

  it('says fixing is not enabled when the bot has no queue Redis', async () => {
    const plain = createBot({
      ...buildBotDeps(config),
      transport: recorder(),
      logger: pino({ level: 'silent' }),
    });
    const acks: BotMessage[] = [];
    await plain.command(
      { user: 'UALICE', channel: 'COPS', text: 'fix prod failover --node 127.0.0.1:7000' },
      async (m) => {
        acks.push(m);
      },
    );
    expect(acks[0]?.text).toContain('Fixing is not enabled');
  });
});
