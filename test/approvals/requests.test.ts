/**
 * The request store against a real queue Redis: who may decide, four eyes, two approvers, expiry
 * enforced and audited at click time, approve after deny, every refusal audited, the chain intact,
 * and 100 concurrent approve clicks from two approvers: exactly one approval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/approvals/audit/stream.ts';
import { handlerConnection, whenReady } from '../../src/approvals/queue.ts';
import { createRequestStore, type RequestStore } from '../../src/approvals/requests.ts';
import type { AuditEntry } from '../../src/approvals/types.ts';
import { parseConfig } from '../../src/config/load.ts';
import { ACCESS, testPlan } from './helpers/plans.ts';
import { type QueueRedis, startQueueRedis, testKeys } from './helpers/queue-redis.ts';

const access = parseConfig({ access: ACCESS }).access;
const known = ['prod', 'dev'];
const keys = testKeys('requests');
let q: QueueRedis;
let store: RequestStore;
let redis: ReturnType<typeof handlerConnection>;

beforeAll(async () => {
  q = await startQueueRedis({ label: 'approvals-requests' });
  redis = handlerConnection(q.url);
  await whenReady(redis);
  store = createRequestStore({ redis, keys });
});
afterAll(async () => {
  redis?.disconnect();
  await q?.stop();
});

async function request(opts: { ttlMs?: number; two?: boolean; self?: boolean; by?: string } = {}) {
  return store.create({
    plan: testPlan('prod'),
    requestedBy: opts.by ?? 'UALICE',
    channel: 'COPS',
    thread: '1.1',
    ttlMs: opts.ttlMs ?? 60_000,
    approvalsNeeded: opts.two ? 2 : 1,
    selfApproval: opts.self ?? false,
    diagnosis: { state: 'fail', rootCauses: ['master-failed-no-replica'] },
  });
}

const click = (user: string, choice: 'approve' | 'deny' = 'approve', channel: string | null = 'COPS') => ({
  user,
  channel,
  choice,
  access,
  known,
});

async function audit(): Promise<AuditEntry[]> {
  const rows = await q.admin.xrange(keys.audit, '-', '+');
  return rows.map(([, f]) => JSON.parse(f[f.indexOf('entry') + 1] as string) as AuditEntry);
}

describe('who may decide', () => {
  it('refuses self-approval, a non-approver and the wrong channel, audits each, and changes nothing', async () => {
    const req = await request({ by: 'UBOB' });
    const self = await store.decide(req.id, click('UBOB'));
    const nonApprover = await store.decide(req.id, click('UDAVE'));
    const elsewhere = await store.decide(req.id, click('UCAROL', 'approve', 'COTHER'));
    expect(self.ok || self.refusal.code).toBe('APPROVAL_SELF');
    expect(nonApprover.ok || nonApprover.refusal.code).toBe('APPROVAL_NOT_PERMITTED');
    expect(elsewhere.ok || elsewhere.refusal.code).toBe('APPROVAL_WRONG_CHANNEL');
    expect((await store.get(req.id))?.state).toBe('pending');
    const mine = (await audit()).filter((e) => e.requestId === req.id);
    expect(mine.map((e) => e.event)).toEqual(['requested', 'refused', 'refused', 'refused']);
    expect(mine.slice(1).map((e) => e.code)).toEqual([
      'APPROVAL_SELF',
      'APPROVAL_NOT_PERMITTED',
      'APPROVAL_WRONG_CHANNEL',
    ]);
  });

  it('lets the requester approve their own request only where self-approval is configured', async () => {
    const req = await request({ self: true, by: 'UBOB' });
    const out = await store.decide(req.id, click('UBOB'));
    expect(out.ok && out.request.state).toBe('approved');
  });

  it('refuses approve after deny, naming who denied', async () => {
    const req = await request();
    const denied = await store.decide(req.id, { ...click('UCAROL', 'deny'), reason: 'not during peak' });
    expect(denied.ok && denied.request.state).toBe('denied');
    const late = await store.decide(req.id, click('UBOB'));
    expect(late.ok).toBe(false);
    if (!late.ok) {
      expect(late.refusal.code).toBe('APPROVAL_ALREADY_DECIDED');
      expect(late.refusal.message).toContain('denied by UCAROL');
    }
    expect((await store.get(req.id))?.state).toBe('denied');
  });

  it('lets the requester withdraw (cancel) without the approve permission', async () => {
    const req = await request();
    const out = await store.decide(req.id, click('UALICE', 'deny'));
    expect(out.ok && out.request.state).toBe('cancelled');
  });

  it('needs two distinct approvers when configured', async () => {
    const req = await request({ two: true });
    const first = await store.decide(req.id, click('UBOB'));
    expect(first.ok && first.request.state).toBe('pending');
    const again = await store.decide(req.id, click('UBOB'));
    expect(again.ok || again.refusal.code).toBe('APPROVAL_SAME_APPROVER');
    const second = await store.decide(req.id, click('UCAROL'));
    expect(second.ok && second.request.state).toBe('approved');
    expect(second.ok && second.request.approvals.map((a) => a.user)).toEqual(['UBOB', 'UCAROL']);
  });

  it('refuses an unknown or malformed id without touching a request', async () => {
    const out = await store.decide('fx-zzzzzzzz', click('UBOB'));
    expect(out.ok || out.refusal.code).toBe('APPROVAL_NOT_FOUND');
    const bad = await store.decide('../../etc', click('UBOB'));
    expect(bad.ok || bad.refusal.code).toBe('APPROVAL_NOT_FOUND');
  });
});

describe('expiry', () => {
  it('is enforced at click time by the queue Redis clock, and audited as expired', async () => {
    const req = await request({ ttlMs: 300 });
    await new Promise((r) => setTimeout(r, 600));
    const out = await store.decide(req.id, click('UBOB'));
    expect(out.ok || out.refusal.code).toBe('APPROVAL_EXPIRED');
    expect((await store.get(req.id))?.state).toBe('expired');
    const events = (await audit()).filter((e) => e.requestId === req.id).map((e) => [e.event, e.actor]);
    expect(events).toEqual([
      ['requested', 'UALICE'],
      ['expired', 'UBOB'],
    ]);
    const again = await store.decide(req.id, click('UCAROL'));
    expect(again.ok || again.refusal.code).toBe('APPROVAL_ALREADY_DECIDED');
  });
});

describe('concurrent clicks', () => {
  it('100 approve clicks from two approvers at once give exactly one approval', async () => {
    const req = await request();
    const clicks = Array.from({ length: 100 }, (_, i) =>
      store.decide(req.id, click(i % 2 ? 'UBOB' : 'UCAROL')),
    );
    const results = await Promise.all(clicks);
    const won = results.filter((r) => r.ok);
    expect(won).toHaveLength(1);
    expect(
      results.filter((r) => !r.ok).every((r) => !r.ok && r.refusal.code === 'APPROVAL_ALREADY_DECIDED'),
    ).toBe(true);
    const mine = (await audit()).filter((e) => e.requestId === req.id);
    expect(mine.filter((e) => e.event === 'approved')).toHaveLength(1);
    expect(mine.filter((e) => e.event === 'refused')).toHaveLength(99);
    const verified = await verifyAudit(redis, keys);
    expect(verified.ok).toBe(true);
    expect(verified.entries).toBeGreaterThan(100);
  });
});
