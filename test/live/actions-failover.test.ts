/**
 * The failover actions on real clusters, broken the way production breaks: each plan's exact commands,
 * execution, the re-diagnosis with the root cause gone, and every key written before the fault readable
 * after; FORCE on a master frozen with SIGSTOP, TAKEOVER after losing the majority (and refused when not
 * asked for), a replica that never synced, a topology that changed between plan and apply (nothing runs),
 * and the command sent exactly once (INFO commandstats).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { backupReplicaLayout, startCluster } from '../../src/devcluster/index.ts';
import { waitFlagged, waitPromoted, waitState } from '../../src/devcluster/scenario-waits.ts';
import { calls, expectReadable, mustPlan, mustRefuse, run, seed, waitCaughtUp } from './action-helpers.ts';

const timings: Record<string, number> = {};
afterAll(() => {
  console.log(`failover actions, ms from preflight to verified: ${JSON.stringify(timings)}`);
});

describe('failover actions on real clusters', () => {
  it('failover-force on a master frozen with SIGSTOP (its replica runs with nofailover): promoted, cause gone, keys intact', async () => {
    const c = await startCluster({
      nodeTimeoutMs: 1000,
      label: 'act-force',
      nodes: backupReplicaLayout(),
    });
    try {
      const [master, replica] = [c.node(0), c.node(3)];
      const keys = await seed(c, master);
      await waitCaughtUp(c, replica, master);
      await c.freeze(master);
      await waitFlagged(c, master, 'fail');
      await waitState(c, 'fail');
      const { plan, diagnosis } = await mustPlan(c, 'failover-force', { node: replica.address });
      const rec = diagnosis.rootCauses.flatMap((r) => r.actions).find((a) => a.action === 'failover-force');
      expect(rec?.params).toEqual({ node: replica.address, master: master.id });
      expect(plan.steps.map((s) => [s.kind, s.display])).toEqual([
        ['command', [`redis-cli -h ${replica.host} -p 7000 CLUSTER FAILOVER FORCE`]],
        ['wait', [`redis-cli -h ${replica.host} -p 7000 CLUSTER NODES`]],
      ]);
      expect(plan.fixes).toContain('failover-blocked');
      expect(plan.risks.map((r) => r.text).join('\n')).toMatch(/cluster-replica-no-failover yes/);
      const { result, events } = await run(c, plan, 'failover-force (frozen master)', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      expect(result.after?.rootCauses).not.toContain('failover-blocked');
      expect(
        events.filter((e) => e.type === 'step-finished').map((e) => e.type === 'step-finished' && e.outcome),
      ).toEqual(['ok', 'ok']);
      await expectReadable(c, replica, keys);
      expect(await calls(c, replica, 'cluster|failover')).toBe(1);
      await c.thaw(master);
      await c.waitFor(async () => (await c.info(master))['role'] === 'slave', {
        what: 'the thawed master to rejoin as a replica',
        timeoutMs: 15_000,
      });
    } finally {
      await c.stop();
    }
  }, 90_000);

  it('majority lost: FORCE and the default are refused with TAKEOVER named; TAKEOVER asked by name heals it, keys intact', async () => {
    const c = await startCluster({
      masters: 3,
      replicasPerMaster: 1,
      nodeTimeoutMs: 1000,
      label: 'act-takeover',
    });
    try {
      const keys = await seed(c, c.node(0));
      await waitCaughtUp(c, c.node(3), c.node(0));
      await Promise.all([c.kill(c.node(0)), c.kill(c.node(1))]);
      for (const n of [c.node(0), c.node(1)]) await waitFlagged(c, n, 'fail?');
      await waitState(c, 'fail');
      const force = await mustRefuse(c, 'failover-force', { node: c.node(3).address });
      expect(force.code).toBe('ACTION_REFUSED');
      expect(force.reasons[0]).toMatch(/FORCE needs the votes of a majority .* only 1 of 3 answer, 2 needed/);
      expect(force.alternatives?.[0]?.action).toBe('failover-takeover');
      expect((await mustRefuse(c, 'failover', { node: c.node(3).address })).hint).toMatch(
        /failover-takeover/,
      );
      const { plan } = await mustPlan(c, 'failover-takeover', { node: c.node(3).address });
      expect(plan.steps[0]?.display).toEqual([
        `redis-cli -h ${c.node(3).host} -p 7000 CLUSTER FAILOVER TAKEOVER`,
      ]);
      expect(plan.risks.map((r) => r.text).join('\n')).toMatch(/without any vote .* dead or fenced/);
      const { result } = await run(c, plan, 'failover-takeover (2 of 3 masters dead)', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      expect(result.after?.rootCauses).not.toContain('quorum-lost');
      await expectReadable(c, c.node(3), keys);
    } finally {
      await c.stop();
    }
  }, 90_000);

  it('a replica that never synced is refused, with the evidence; a changed topology refuses the run and nothing runs; the default failover loses nothing', async () => {
    const c = await startCluster({
      password: 'act-pass',
      waitForSync: false,
      nodeTimeoutMs: 1000,
      label: 'act-default',
      nodes: [
        { role: 'master' },
        { role: 'master' },
        { role: 'master' },
        { role: 'replica', of: 0, config: [['masterauth', 'not-the-password']] },
        { role: 'replica', of: 1 },
        { role: 'replica', of: 2 },
      ],
    });
    try {
      const never = await mustRefuse(c, 'failover', { node: c.node(3).address });
      expect(never.code).toBe('ACTION_REFUSED');
      expect(never.reasons.join('\n')).toMatch(/never completed a sync .*master_link_down_since_seconds:-1/);
      expect(never.alternatives?.[0]).toMatchObject({
        action: 'restart-node',
        params: { node: c.node(0).address },
      });
      await waitCaughtUp(c, c.node(4), c.node(1));
      const { plan } = await mustPlan(c, 'failover', { node: c.node(4).address });
      expect(plan.steps[0]?.display).toEqual([
        `REDISCLI_AUTH="$ACTIONS_TEST_PW" redis-cli -h ${c.node(4).host} -p 7000 CLUSTER FAILOVER`,
      ]);
      await c.cli(c.node(5), 'CLUSTER', 'FAILOVER');
      await waitPromoted(c, c.node(5));
      const changed = await run(c, plan, 'refused (fingerprint changed)', timings);
      expect(changed.result.outcome).toBe('refused');
      expect(changed.result.code).toBe('ACTION_FINGERPRINT_CHANGED');
      expect(changed.events.map((e) => e.type)).toEqual(['preflight']);
      expect(await calls(c, c.node(4), 'cluster|failover')).toBe(0);
      expect((await c.info(c.node(4)))['role']).toBe('slave');
      const keys = await seed(c, c.node(1));
      const fresh = await mustPlan(c, 'failover', { node: c.node(4).address });
      const { result } = await run(c, fresh.plan, 'failover (default, healthy master)', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      await expectReadable(c, c.node(4), keys);
      expect(await calls(c, c.node(4), 'cluster|failover')).toBe(1);
      expect((await c.info(c.node(1)))['role']).toBe('slave');
    } finally {
      await c.stop();
    }
  }, 90_000);
});
