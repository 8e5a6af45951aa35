/**
 * The break-glass path: `apply --yes` skips approval, so it needs --reason, and with REDIS_URL set it
 * writes the audit chain itself: `break-glass` (the OS user, the reason, the exact plan), one `step`
 * per executed step, and the outcome; the chain verifies. Run on a real broken cluster (a master killed
 * while its only replica runs with cluster-replica-no-failover). A queue Redis that does not answer is
 * reported and the fix is not held hostage.
 */
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAudit } from '../../src/approvals/audit/stream.ts';
import { openBreakGlass } from '../../src/approvals/break-glass.ts';
import { approvalKeys } from '../../src/approvals/keys.ts';
import type { AuditEntry } from '../../src/approvals/types.ts';
import { type PlanIo, planCommand } from '../../src/cli/plan-run.ts';
import { backupReplicaLayout, type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { waitFlagged, waitState } from '../../src/devcluster/scenario-waits.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { calls, waitCaughtUp } from '../live/action-helpers.ts';
import { testPlan } from './helpers/plans.ts';
import { type QueueRedis, startQueueRedis } from './helpers/queue-redis.ts';

let c: DevCluster;
let q: QueueRedis;

beforeAll(async () => {
  [c, q] = await Promise.all([
    startCluster({ nodeTimeoutMs: 1000, label: 'break-glass', nodes: backupReplicaLayout() }),
    startQueueRedis({ label: 'break-glass-q' }),
  ]);
  await waitCaughtUp(c, c.node(3), c.node(0));
  await c.kill(c.node(0));
  await waitFlagged(c, c.node(0), 'fail');
  await waitState(c, 'fail');
}, 90_000);
afterAll(async () => {
  await c?.stop();
  await q?.stop();
});

function io(env: NodeJS.ProcessEnv) {
  const out: string[] = [];
  const err: string[] = [];
  const plan: PlanIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    isTTY: false,
    ask: async () => '',
    probe: { allowHost: isLoopbackHost },
    env,
  };
  return { plan, out, err };
}

describe('apply --yes (break glass)', () => {
  it('needs --reason, and changes nothing without it', async () => {
    const t = io({ REDIS_URL: q.url });
    const code = await planCommand(
      'failover-force',
      c.node(1).address,
      { node: c.node(3).address, yes: true },
      true,
      t.plan,
    );
    expect(code).toBe(2);
    expect(t.err.join('\n')).toContain('--reason');
    expect(await calls(c, c.node(3), 'cluster|failover')).toBe(0);
  });

  it('writes break-glass, each step and the outcome to the audit chain, with the OS user and the reason', async () => {
    const t = io({ REDIS_URL: q.url });
    const reason = 'primary host lost; second approver unreachable';
    const code = await planCommand(
      'failover-force',
      c.node(1).address,
      { node: c.node(3).address, yes: true, reason },
      true,
      t.plan,
    );
    expect(code, t.out.join('\n')).toBe(0);
    const id = /break-glass (bg-[a-z0-9]{8})/.exec(t.err.join('\n'))?.[1];
    expect(id).toBeDefined();
    const keys = approvalKeys();
    const entries = (await q.admin.xrange(keys.audit, '-', '+'))
      .map(([, f]) => JSON.parse(f[f.indexOf('entry') + 1] as string) as AuditEntry)
      .filter((e) => e.requestId === id);
    expect(entries.map((e) => e.event)).toEqual(['break-glass', 'step', 'step', 'succeeded']);
    expect(entries.every((e) => e.actor === userInfo().username)).toBe(true);
    expect(entries[0]?.outcome).toContain(reason);
    expect(entries[0]?.plan?.commands.join('\n')).toContain('CLUSTER FAILOVER FORCE');
    expect(entries[1]?.step?.commands[0]).toContain('CLUSTER FAILOVER FORCE');
    expect(entries.at(-1)?.fingerprintAfter).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifyAudit(q.admin, keys)).ok).toBe(true);
    expect(await calls(c, c.node(3), 'cluster|failover')).toBe(1);
  }, 60_000);

  it('reports a queue Redis that does not answer instead of blocking the fix', async () => {
    const got = await openBreakGlass({
      url: 'redis://127.0.0.1:1',
      prefix: 'redis-runbook',
      plan: testPlan('prod'),
      actor: 'me',
      reason: 'r',
      waitMs: 500,
    });
    expect(got).toBe('the queue Redis (REDIS_URL) does not answer');
  });
});
