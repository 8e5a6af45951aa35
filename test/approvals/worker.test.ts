/**
 * Approved requests as BullMQ jobs on a real queue Redis, with an executor whose side effect is counted
 * on a second real redis-server: exactly one execution per approval (also across a restart between
 * approval and execution, and after a crash between the approval and the add), one fix per cluster at a
 * time, a refused preflight recorded as failed, a throw mid-run recorded as unknown-outcome, every step
 * audited, and a worker process SIGKILLed mid-job: unknown-outcome, never a second run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/approvals/audit/stream.ts';
import { type ApprovalRuntime, openApprovals } from '../../src/approvals/open.ts';
import { jobIdFor } from '../../src/approvals/queue.ts';
import type { ApprovalRequest } from '../../src/approvals/types.ts';
import { parseConfig } from '../../src/config/load.ts';
import { waitFor } from '../../src/devcluster/wait.ts';
import { countingExecutor } from './helpers/executor.ts';
import { auditOf } from './helpers/fix-bot.ts';
import { ACCESS, testPlan } from './helpers/plans.ts';
import { type QueueRedis, startQueueRedis, testKeys } from './helpers/queue-redis.ts';

const config = parseConfig({
  clusters: [
    { name: 'prod', seeds: ['127.0.0.1:1'] },
    { name: 'dev', seeds: ['127.0.0.1:2'] },
  ],
  access: ACCESS,
});
const logger = pino({ level: 'silent' });
// Generous against event-loop lag on a loaded machine (a lapsed heartbeat would read as a crash).
const FAST = { lockDurationMs: 5000, stalledIntervalMs: 1000, heartbeatMs: 5000, reconcileMs: 300 };
let q: QueueRedis;
let target: QueueRedis;
const open: ApprovalRuntime[] = [];

beforeAll(async () => {
  [q, target] = await Promise.all([
    startQueueRedis({ label: 'approvals-worker' }),
    startQueueRedis({ label: 'approvals-target' }),
  ]);
});
afterAll(async () => {
  for (const r of open) await r.close(500).catch(() => undefined);
  await q?.stop();
  await target?.stop();
});

function runtime(prefix: string): ApprovalRuntime {
  const r = openApprovals({ url: q.url, config, logger, prefix });
  open.push(r);
  return r;
}

async function approved(r: ApprovalRuntime, cluster = 'prod', steps = 2): Promise<ApprovalRequest> {
  await r.check(5000);
  const proposed = await r.service.propose({
    plan: testPlan(cluster, { steps }),
    user: 'UALICE',
    channel: 'COPS',
    thread: '1.1',
    diagnosis: null,
  });
  if (!proposed.ok) throw new Error(proposed.refusal.message);
  const decided = await r.service.decide(proposed.request.id, {
    user: 'UBOB',
    channel: 'COPS',
    choice: 'approve',
  });
  if (!decided.ok) throw new Error(decided.refusal.message);
  return decided.request;
}

const count = async (key: string) => Number((await target.admin.get(key)) ?? 0);
const state = async (r: ApprovalRuntime, id: string) => (await r.service.store.get(id))?.state;
const until = (what: string, probe: () => Promise<boolean>, timeoutMs = 15_000) =>
  waitFor(async () => (await probe()) || undefined, { what, timeoutMs, intervalMs: 50 });

const events = (prefix: string, id: string) => auditOf(q.admin, `{${prefix}}`, id);

describe('one approval, one execution', () => {
  it('runs the job once, audits executing, each step and the outcome, and the chain verifies', async () => {
    const prefix = testKeys('w1').tag.slice(1, -1);
    const r = runtime(prefix);
    const counter = `${prefix}:runs`;
    r.startWorker(countingExecutor(target.admin, counter), undefined, FAST);
    const req = await approved(r);
    await until('succeeded', async () => (await state(r, req.id)) === 'succeeded');
    expect(await count(counter)).toBe(2); // two steps, one run
    const trail = await events(prefix, req.id);
    expect(trail.map((e) => e.event)).toEqual([
      'requested',
      'approved',
      'executing',
      'step',
      'step',
      'succeeded',
    ]);
    expect(trail[3]?.step?.commands[0]).toContain('CLUSTER FAILOVER');
    expect(trail.at(-1)?.fingerprintAfter).toBe('a'.repeat(64));
    expect((await verifyAudit(r.service.redis, r.service.keys)).ok).toBe(true);
    const job = await r.service.queue.getJob(jobIdFor(req.id));
    expect(job?.opts.attempts).toBe(1);
  });

  it('executes exactly once when the bot restarts between approval and execution', async () => {
    const prefix = testKeys('w2').tag.slice(1, -1);
    const counter = `${prefix}:runs`;
    const first = runtime(prefix);
    const req = await approved(first, 'prod', 1);
    expect(await first.service.queue.getJobState(jobIdFor(req.id))).toBe('waiting');
    await first.close(500);
    const second = runtime(prefix);
    second.startWorker(countingExecutor(target.admin, counter), undefined, FAST);
    await until('succeeded', async () => (await state(second, req.id)) === 'succeeded');
    await new Promise((res) => setTimeout(res, 1500)); // two reconcile passes and a stalled check
    expect(await count(counter)).toBe(1);
  });

  it('adds the missing job when a crash came between the approval and the add, and runs it once', async () => {
    const prefix = testKeys('w3').tag.slice(1, -1);
    const counter = `${prefix}:runs`;
    const r = runtime(prefix);
    await r.check(5000);
    const proposed = await r.service.propose({
      plan: testPlan('prod', { steps: 1 }),
      user: 'UALICE',
      channel: 'COPS',
      thread: null,
      diagnosis: null,
    });
    if (!proposed.ok) throw new Error('not proposed');
    // The store's decision alone: approved, but no job was added (the process "died" right here).
    const decided = await r.service.store.decide(proposed.request.id, {
      user: 'UBOB',
      channel: 'COPS',
      choice: 'approve',
      access: config.access,
      known: ['prod', 'dev'],
    });
    expect(decided.ok && decided.request.state).toBe('approved');
    expect(await r.service.queue.getJobState(jobIdFor(proposed.request.id))).toBe('unknown');
    r.startWorker(countingExecutor(target.admin, counter), undefined, FAST);
    await until('succeeded', async () => (await state(r, proposed.request.id)) === 'succeeded');
    expect(await count(counter)).toBe(1);
  });
});

describe('outcomes', () => {
  it('a changed topology at preflight fails the request with ACTION_FINGERPRINT_CHANGED and runs nothing', async () => {
    const prefix = testKeys('w4').tag.slice(1, -1);
    const counter = `${prefix}:runs`;
    const r = runtime(prefix);
    r.startWorker(countingExecutor(target.admin, counter, { refuse: true }), undefined, FAST);
    const req = await approved(r);
    await until('failed', async () => (await state(r, req.id)) === 'failed');
    const stored = await r.service.store.get(req.id);
    expect(stored?.code).toBe('ACTION_FINGERPRINT_CHANGED');
    expect(stored?.message).toContain('nothing was changed');
    expect(await count(counter)).toBe(0);
    expect(await r.service.queue.getJobState(jobIdFor(req.id))).toBe('failed');
  });

  it('an executor that throws after a step started gives unknown-outcome, not failed', async () => {
    const prefix = testKeys('w5').tag.slice(1, -1);
    const r = runtime(prefix);
    r.startWorker(countingExecutor(target.admin, `${prefix}:runs`, { throwMidway: true }), undefined, FAST);
    const req = await approved(r);
    await until('unknown-outcome', async () => (await state(r, req.id)) === 'unknown-outcome');
    expect((await r.service.store.get(req.id))?.code).toBe('ACTION_INTERNAL');
  });

  it('runs at most one fix per cluster: a second one approved meanwhile fails busy and runs nothing', async () => {
    const prefix = testKeys('w6').tag.slice(1, -1);
    const counter = `${prefix}:runs`;
    const r = runtime(prefix);
    r.startWorker(countingExecutor(target.admin, counter, { holdMs: 3000 }), undefined, FAST);
    const first = await approved(r, 'prod', 1);
    await until('first running', async () => (await state(r, first.id)) === 'executing');
    const second = await approved(r, 'prod', 1);
    const other = await approved(r, 'dev', 1);
    await until('second failed', async () => (await state(r, second.id)) === 'failed');
    expect((await r.service.store.get(second.id))?.code).toBe('APPROVAL_CLUSTER_BUSY');
    let seen = '';
    await until('both done', async () => {
      const a = await r.service.store.get(first.id);
      const b = await r.service.store.get(other.id);
      seen = `${a?.state} ${a?.message} | ${b?.state} ${b?.message} ${await r.service.queue.getJobState(jobIdFor(other.id))}`;
      return a?.state === 'succeeded' && b?.state === 'succeeded';
    }).catch((err) => {
      throw new Error(`${err.message}: ${seen}`);
    });
    expect(await count(counter)).toBe(2);
  });
});

describe('graceful shutdown', () => {
  it('lets the running step finish, stops before the next, records failed, and never runs it again', async () => {
    const prefix = testKeys('w8').tag.slice(1, -1);
    const counter = `${prefix}:runs`;
    const r = openApprovals({ url: q.url, config, logger, prefix });
    const worker = r.startWorker(countingExecutor(target.admin, counter, { holdMs: 2000 }), undefined, FAST);
    const req = await approved(r, 'prod', 2);
    await until('first step running', async () => (await count(counter)) === 1);
    const t0 = Date.now();
    const { finished } = await r.close(10_000);
    expect(finished).toBe(true);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(worker.running()).toEqual([]);
    const after = runtime(prefix);
    await after.check(5000);
    after.startWorker(countingExecutor(target.admin, counter), undefined, FAST);
    expect(await state(after, req.id)).toBe('failed');
    expect((await after.service.store.get(req.id))?.message).toContain('Stopped by shutdown');
    await new Promise((res) => setTimeout(res, 1500));
    expect(await count(counter)).toBe(1);
  });

  it('bounded: a step that outlives the drain leaves executing without a heartbeat, then unknown-outcome', async () => {
    const prefix = testKeys('w9').tag.slice(1, -1);
    const counter = `${prefix}:runs`;
    const r = openApprovals({ url: q.url, config, logger, prefix });
    r.startWorker(
      countingExecutor(target.admin, counter, { holdMs: 4000, ignoreAbort: true }),
      undefined,
      FAST,
    );
    const req = await approved(r, 'prod', 1);
    await until('step running', async () => (await count(counter)) === 1);
    const t0 = Date.now();
    const { finished } = await r.close(300);
    expect(finished).toBe(false);
    expect(Date.now() - t0).toBeLessThan(2000);
    const after = runtime(prefix);
    await after.check(5000);
    after.startWorker(countingExecutor(target.admin, counter), undefined, FAST);
    await until('unknown-outcome', async () => (await state(after, req.id)) === 'unknown-outcome');
    await new Promise((res) => setTimeout(res, 4500)); // the abandoned step ends; its late result changes nothing
    expect(await state(after, req.id)).toBe('unknown-outcome');
    expect(await count(counter)).toBe(1);
  });
});

describe('a worker killed mid-job', () => {
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.pid && child.exitCode === null) child.kill('SIGKILL');
  });

  it('leaves unknown-outcome (audited) and never runs the job a second time', async () => {
    const prefix = testKeys('w7').tag.slice(1, -1);
    const counter = `${prefix}:runs`;
    child = spawn(process.execPath, ['--import', 'tsx', 'test/approvals/helpers/worker-child.ts'], {
      env: { ...process.env, QUEUE_URL: q.url, PREFIX: prefix, TARGET_URL: target.url, COUNTER_KEY: counter },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await until('child ready', async () => out.includes('READY'), 20_000);
    const r = runtime(prefix);
    const req = await approved(r, 'prod', 1);
    await until('side effect happened', async () => (await count(counter)) === 1);
    const exited = new Promise((res) => child?.once('exit', res));
    child.kill('SIGKILL');
    await exited;
    // A fresh worker (the restarted bot) reconciles: the dead runner's heartbeat lapses, then unknown-outcome.
    r.startWorker(countingExecutor(target.admin, counter), undefined, FAST);
    await until('unknown-outcome', async () => (await state(r, req.id)) === 'unknown-outcome', 30_000);
    await until(
      'job failed as stalled',
      async () => (await r.service.queue.getJobState(jobIdFor(req.id))) === 'failed',
    );
    await new Promise((res) => setTimeout(res, 2500)); // more stalled checks and reconcile passes
    expect(await count(counter)).toBe(1);
    const trail = (await events(prefix, req.id)).map((e) => e.event);
    expect(trail).toEqual(['requested', 'approved', 'executing', 'unknown-outcome']);
  });
});
