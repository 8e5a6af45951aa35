/**
 * min-replicas-to-write on a real cluster (ACL-protected; Redis 7.0): masters m0 (one replica) and m1
 * (two) run with `min-replicas-to-write 1`. del-node of m0's only replica is refused with
 * ACTION_MIN_REPLICAS (also with --allow-no-replica), naming m0, the setting and the exact CONFIG SET; a
 * diagnosis user without +config|get gets a warning instead for m1 (INFO shows the setting on, its value
 * unread) and still the refusal for m0 (INFO proves none would be left); one of m1's two replicas is
 * removed (after a run refused by the re-check, the setting raised since the plan) and m1 still takes writes; a default failover to a replica demanding 2 replicas is refused, with
 * 1 it runs and the new master takes writes once the old one has reconnected. Killing m0's replica makes
 * m0 refuse writes: the diagnosis says MASTER_REFUSES_WRITES (writes-refused), restart-node says why
 * and how to lower the setting, a reshard from m0 is refused, and MIGRATE on m0 does fail with NOREPLICAS.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAction } from '../../src/actions/service.ts';
import type { Plan } from '../../src/actions/types.ts';
import { buildModel } from '../../src/cluster/model.ts';
import { type DevCluster, type DevNode, keysInRanges, startCluster } from '../../src/devcluster/index.ts';
import { ownSlots } from '../../src/devcluster/scenario-kit.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { probeCluster } from '../../src/diagnose/probe/probe.ts';
import type { ActionParams } from '../../src/diagnose/types.ts';
import { runStepsSync } from '../../src/runbooks/run.ts';
import { aclConfig, configOf, mustPlan, optsOf, run, setAclUsers } from './action-helpers.ts';

/** The README's diagnosis ACL without +config|get. */
const NO_CONFIG_ACL =
  '-@all +ping +info +dbsize +cluster|nodes +cluster|info +cluster|countkeysinslot +function|list';
const timings: Record<string, number> = {};
let c: DevCluster;
let m0: DevNode;
let m1: DevNode;

const refusal = async (action: string, params: ActionParams, cfg = configOf(c), opts = optsOf(c)) => {
  const r = await planAction(cfg, action, params, opts);
  if (!('refusal' in r)) throw new Error(`planned: ${r.plan.summary}`);
  return r.refusal;
};
const texts = (p: Plan) => p.risks.map((r) => r.text).join('\n');
const setCmd = (n: DevNode, to: number) =>
  `-h ${n.host} -p 7000 --user admin CONFIG SET min-replicas-to-write ${to}`;

/** A key in `n`'s slots. */
async function keyOf(n: DevNode, prefix: string): Promise<string> {
  return keysInRanges(prefix, await ownSlots(c, n), 1)[0]!;
}

/** Waits until `n` counts `good` good replicas (INFO replication min_slaves_good_slaves). */
function waitGood(n: DevNode, good: number): Promise<unknown> {
  return c.waitFor(async () => (await c.info(n))['min_slaves_good_slaves'] === String(good), {
    what: `${n.address} counts ${good} good replicas`,
    timeoutMs: 15_000,
  });
}

beforeAll(async () => {
  c = await startCluster({
    nodeTimeoutMs: 1000,
    password: 'admin-pw',
    aclUser: 'admin',
    label: 'act-minrepl',
    nodes: [
      { role: 'master' },
      { role: 'master' },
      { role: 'master' },
      { role: 'replica', of: 0 },
      { role: 'replica', of: 1 },
      { role: 'replica', of: 1 },
    ],
  });
  [m0, m1] = [c.node(0), c.node(1)];
  await setAclUsers(c, [['diag', 'diag-pw', NO_CONFIG_ACL]]);
  for (const m of [m0, m1]) await c.act(m, 'CONFIG', 'SET', 'min-replicas-to-write', '1');
  await waitGood(m0, 1);
  await waitGood(m1, 2);
}, 90_000);
afterAll(async () => {
  await c?.stop();
  console.log(`min-replicas, ms from preflight to verified: ${JSON.stringify(timings)}`);
});

describe('min-replicas-to-write on a real cluster', () => {
  it("del-node of m0's only replica: refused with ACTION_MIN_REPLICAS, even with --allow-no-replica", async () => {
    const r3 = c.node(3);
    for (const allow of [undefined, ['allow-no-replica' as const]]) {
      const r = await refusal('del-node', { node: r3.address, ...(allow ? { allow } : {}) });
      expect(r.code).toBe('ACTION_MIN_REPLICAS');
      expect(r.reasons[0]).toBe(
        `${m0.address} runs with min-replicas-to-write 1 (min-replicas-max-lag 10 s) and counts 1 good replica now; without ${r3.address} it would have 0 good replicas, fewer than it demands: it would refuse every write to its 5461 slots with NOREPLICAS (reads still work)`,
      );
      expect(r.hint).toContain(`add-replica --master ${m0.address}`);
      expect(r.hint).toContain(setCmd(m0, 0));
    }
    // Nothing ran: m0 still has its replica and the setting.
    expect((await c.info(m0))['min_slaves_good_slaves']).toBe('1');
    expect(await c.cli(m0, 'CONFIG', 'GET', 'min-replicas-to-write')).toBe('["min-replicas-to-write","1"]');
  }, 60_000);

  it('CONFIG GET denied: m1 (two replicas) is planned with a warning; m0 is still refused, INFO proves it', async () => {
    const cfg = aclConfig(c.node(2), 'admin', 'ADMIN_PW');
    const opts = { probe: { allowHost: isLoopbackHost }, env: { DIAG_PW: 'diag-pw', ADMIN_PW: 'admin-pw' } };
    const [r4, r5] = [c.node(4), c.node(5)];
    const r = await planAction(cfg, 'del-node', { node: r5.address }, opts);
    if ('refusal' in r) throw new Error(r.refusal.reasons.join('; '));
    const warning = r.plan.risks.find((x) => x.text.startsWith(`${m1.address} enforces`));
    expect(warning?.kind).toBe('availability');
    expect(warning?.text).toContain(
      `${m1.address} enforces min-replicas-to-write set (at least 1: INFO replication shows min_slaves_good_slaves:2), and its value could not be read (CONFIG GET failed on ${m1.address}: NOPERM`,
    );
    expect(warning?.text).toContain(`without ${r5.address} it would have 1 good replica (${r4.address})`);
    expect(warning?.text).toContain(`CONFIG GET min-replicas-to-write`);
    const m0Refused = await refusal('del-node', { node: c.node(3).address }, cfg, opts);
    expect(m0Refused.code).toBe('ACTION_MIN_REPLICAS');
    expect(m0Refused.reasons[0]).toContain(
      'runs with min-replicas-to-write set (at least 1: INFO replication shows min_slaves_good_slaves:1)',
    );
  }, 60_000);

  it('one of two replicas removed: planned, run, and m1 still takes writes', async () => {
    const [r4, r5] = [c.node(4), c.node(5)];
    const { plan } = await mustPlan(c, 'del-node', { node: r5.address });
    expect(plan.dangerous).toEqual([]);
    expect(texts(plan)).toContain(
      `${m1.address} runs with min-replicas-to-write 1 (min-replicas-max-lag 10 s); without ${r5.address} it would have exactly 1 good replica (${r4.address})`,
    );
    // Raised between plan and run: the re-check before running refuses, and nothing runs.
    await c.act(m1, 'CONFIG', 'SET', 'min-replicas-to-write', '2');
    const stale = await run(c, plan, 'del-node replica, setting raised', timings);
    expect(stale.result).toMatchObject({ outcome: 'refused', code: 'ACTION_MIN_REPLICAS', stepsDone: 0 });
    expect(stale.result.message).toContain('Nothing was run.');
    expect((await c.view(m1)).map((x) => x.id)).toContain(r5.id);
    await c.act(m1, 'CONFIG', 'SET', 'min-replicas-to-write', '1');
    const { result } = await run(c, plan, 'del-node replica', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    await c.kill(r5);
    await waitGood(m1, 1);
    const key = await keyOf(m1, 'mr1');
    expect(await c.cli(m1, 'SET', key, 'v')).toBe('OK');
  }, 120_000);

  it('failover to a replica demanding 2 replicas: refused; demanding 1: runs, and the new master takes writes', async () => {
    const r4 = c.node(4);
    await c.act(r4, 'CONFIG', 'SET', 'min-replicas-to-write', '2');
    const r = await refusal('failover', { node: r4.address });
    expect(r.code).toBe('ACTION_MIN_REPLICAS');
    expect(r.reasons[0]).toBe(
      `${r4.address} runs with min-replicas-to-write 2 (min-replicas-max-lag 10 s); after the failover it would have 1 good replica (${m1.address}), fewer than it demands: it would refuse every write to its 5462 slots with NOREPLICAS (reads still work)`,
    );
    expect(r.hint).toContain(setCmd(r4, 1));
    await c.act(r4, 'CONFIG', 'SET', 'min-replicas-to-write', '1');
    const { plan } = await mustPlan(c, 'failover', { node: r4.address });
    expect(texts(plan)).toContain(
      `Right after the swap ${r4.address} counts no good replica until ${m1.address}`,
    );
    const { result } = await run(c, plan, 'failover', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    await waitGood(r4, 1);
    const key = await keyOf(r4, 'mr4');
    expect(await c.cli(r4, 'SET', key, 'v')).toBe('OK');
  }, 120_000);

  it("m0's replica killed: m0 refuses writes; diagnosis, restart advice, reshard refusal; MIGRATE fails", async () => {
    const [r3, m2] = [c.node(3), c.node(2)];
    const key = await keyOf(m0, 'mr0');
    expect(await c.cli(m0, 'SET', key, 'v')).toBe('OK');
    await c.kill(r3);
    await waitGood(m0, 0);
    await expect(c.cli(m0, 'SET', key, 'w')).rejects.toThrow(/NOREPLICAS/);
    const { plan, diagnosis } = await mustPlan(c, 'restart-node', { node: r3.address });
    const f = diagnosis.findings.find((x) => x.code === 'MASTER_REFUSES_WRITES');
    expect(f).toMatchObject({ severity: 'critical', nodes: [m0.address], slots: '0-5460' });
    const cause = diagnosis.rootCauses.find((x) => x.code === 'writes-refused');
    expect(cause?.actions.map((a) => [a.action, a.params?.node ?? a.params?.master])).toEqual([
      ['restart-node', r3.address],
      ['add-replica', m0.id],
    ]);
    expect(plan.advice?.[0]).toContain(
      `${m0.address} refuses every write now with NOREPLICAS (min-replicas-to-write 1 (min-replicas-max-lag 10 s), 0 good replicas): once ${r3.address} is back and has synced, it counts again.`,
    );
    expect(plan.advice?.[0]).toContain(setCmd(m0, 0));
    const reshard = await refusal('reshard', { from: m0.address, to: m2.address, slots: 10 });
    expect(reshard.code).toBe('ACTION_MIN_REPLICAS');
    expect(reshard.reasons[0]).toContain(`MIGRATE on ${m0.address} would fail with NOREPLICAS`);
    // What the refusal says, checked: MIGRATE is refused on m0 itself.
    await expect(
      c.cli(m0, 'MIGRATE', m2.host, m2.port, '', 0, 5000, 'AUTH2', 'admin', 'admin-pw', 'KEYS', key),
    ).rejects.toThrow(/NOREPLICAS/);
    expect(await c.cli(m0, 'GET', key)).toBe('v');
    // The health runbook, live: its writes step names m0.
    const snapshot = await probeCluster(configOf(c), { allowHost: isLoopbackHost, password: 'admin-pw' });
    const ctx = { snapshot, model: buildModel(snapshot), diagnosis: diagnose(snapshot) };
    const writes = runStepsSync(ctx, 'health').find((s) => s.id === 'writes')!;
    expect(writes.verdict).toBe('problem');
    expect(writes.evidence.join('\n')).toContain(`Master ${m0.address}`);
  }, 120_000);
});
