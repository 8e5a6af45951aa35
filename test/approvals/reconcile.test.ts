/**
 * The reconciler's other cases against a real queue Redis, and the start-up check of the queue Redis
 * settings: a pending request past its expiry is expired (and the observer told, so the card loses
 * its buttons); an approved request whose job already ended without starting it is failed, nothing run;
 * a live heartbeat keeps an executing request untouched; a queue Redis without AOF or noeviction warns.
 */
import { Worker } from 'bullmq';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approvalKeys } from '../../src/approvals/keys.ts';
import {
  checkQueueRedis,
  createFixQueue,
  handlerConnection,
  JOB_OPTIONS,
  jobIdFor,
  QUEUE_NAME,
  whenReady,
  workerConnection,
} from '../../src/approvals/queue.ts';
import { reconcile } from '../../src/approvals/reconcile.ts';
import { createRequestStore } from '../../src/approvals/requests.ts';
import type { ApprovalRequest, AuditEventName } from '../../src/approvals/types.ts';
import { parseConfig } from '../../src/config/load.ts';
import { waitFor } from '../../src/devcluster/wait.ts';
import { ACCESS, testPlan } from './helpers/plans.ts';
import { type QueueRedis, startQueueRedis, testKeys } from './helpers/queue-redis.ts';

const keys = testKeys('reconcile');
let q: QueueRedis;
let loose: QueueRedis;
let redis: ReturnType<typeof handlerConnection>;
const access = parseConfig({ access: ACCESS }).access;

beforeAll(async () => {
  [q, loose] = await Promise.all([
    startQueueRedis({ label: 'reconcile-q' }),
    startQueueRedis({ label: 'reconcile-loose', durable: false }),
  ]);
  redis = handlerConnection(q.url);
  await whenReady(redis);
});
afterAll(async () => {
  redis?.disconnect();
  await q?.stop();
  await loose?.stop();
});

function setup() {
  const store = createRequestStore({ redis, keys });
  const queue = createFixQueue(redis, keys);
  const told: [string, AuditEventName][] = [];
  const observer = {
    changed: async (r: ApprovalRequest, e: AuditEventName) => void told.push([r.id, e]),
    progress: async () => undefined,
  };
  const pass = () =>
    reconcile({ store, queue, keys, logger: pino({ level: 'silent' }), observer, actor: 'reconciler' });
  const create = (ttlMs = 60_000) =>
    store.create({
      plan: testPlan('prod'),
      requestedBy: 'UALICE',
      channel: 'COPS',
      thread: null,
      ttlMs,
      approvalsNeeded: 1,
      selfApproval: false,
      diagnosis: null,
    });
  return { store, queue, told, pass, create };
}

describe('reconcile', () => {
  it('expires a pending request past its time and tells the observer; leaves a fresh one alone', async () => {
    const { store, told, pass, create } = setup();
    const late = await create(200);
    const fresh = await create();
    await new Promise((r) => setTimeout(r, 400));
    const report = await pass();
    expect(report.expired).toEqual([late.id]);
    expect((await store.get(late.id))?.state).toBe('expired');
    expect((await store.get(fresh.id))?.state).toBe('pending');
    expect(told).toContainEqual([late.id, 'expired']);
  });

  it('fails an approved request whose job ended without starting it: nothing ran', async () => {
    const { store, queue, told, pass, create } = setup();
    const req = await create();
    await store.decide(req.id, { user: 'UBOB', channel: 'COPS', choice: 'approve', access, known: ['prod'] });
    await queue.add(
      'fix',
      { requestId: req.id, cluster: 'prod' },
      { jobId: jobIdFor(req.id), ...JOB_OPTIONS },
    );
    // A worker that dies in the job before our processor's first CAS: BullMQ fails the job (one attempt).
    const blocking = workerConnection(q.url);
    const broken = new Worker(QUEUE_NAME, async () => Promise.reject(new Error('crashed before the CAS')), {
      connection: blocking,
      prefix: keys.tag,
    });
    await waitFor(async () => (await queue.getJobState(jobIdFor(req.id))) === 'failed' || undefined, {
      what: 'the job to fail',
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    await broken.close();
    blocking.disconnect();
    expect(await queue.getJobState(jobIdFor(req.id))).toBe('failed');
    const report = await pass();
    expect(report.lost).toEqual([req.id]);
    const after = await store.get(req.id);
    expect(after?.state).toBe('failed');
    expect(after?.code).toBe('APPROVAL_JOB_LOST');
    expect(told).toContainEqual([req.id, 'failed']);
    await queue.close();
  });

  it('leaves an executing request alone while its worker heartbeat lives', async () => {
    const { store, pass, create } = setup();
    const req = await create();
    await store.decide(req.id, { user: 'UBOB', channel: 'COPS', choice: 'approve', access, known: ['prod'] });
    const started = await store.start(req.id, 'worker:test', keys.heartbeat('worker:test'), 30_000);
    expect(started.ok).toBe(true);
    const report = await pass();
    expect(report.unknown).toEqual([]);
    expect((await store.get(req.id))?.state).toBe('executing');
    await redis.del(keys.heartbeat('worker:test'));
    expect((await pass()).unknown).toEqual([req.id]);
  });
});

describe('queue Redis settings at start', () => {
  it('warn without appendonly yes and maxmemory-policy noeviction, and stay quiet with them', async () => {
    const bad = handlerConnection(loose.url);
    await whenReady(bad);
    try {
      const warnings = await checkQueueRedis(bad);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toContain('appendonly is not yes');
      expect(warnings[1]).toContain('maxmemory-policy is allkeys-lru, not noeviction');
    } finally {
      bad.disconnect();
    }
    expect(await checkQueueRedis(redis)).toEqual([]);
    expect(approvalKeys('x').audit).toBe('{x}:audit');
  });
});
