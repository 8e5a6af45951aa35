/**
 * From a diagnosis to a healthy cluster using only the recommendations' params: after an automatic
 * failover (master killed, replica promoted), forget-node removes the dead old master on every node,
 * the promoted replica included, and add-replica gives the promoted master a new replica; the final
 * diagnosis is healthy and every key written before the kill reads back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevCluster } from '../../src/devcluster/index.ts';
import { startCluster } from '../../src/devcluster/index.ts';
import { runScenario, type ScenarioResult } from '../../src/devcluster/scenarios.ts';
import { runLive } from '../../src/runbooks/run.ts';
import { configOf, mustPlan, optsOf, run } from './action-helpers.ts';

const timings: Record<string, number> = {};
let s: ScenarioResult;
let spare: DevCluster;
beforeAll(async () => {
  [s, spare] = await Promise.all([
    runScenario('failover-completed'),
    startCluster({ nodes: [{ role: 'master', slots: [] }], nodeTimeoutMs: 1000, label: 'act-chain-spare' }),
  ]);
}, 90_000);
afterAll(async () => {
  await Promise.all([s?.cluster.stop(), spare?.stop()]);
  console.log(`chain, ms from preflight to verified: ${JSON.stringify(timings)}`);
});

describe('recommendations to a healthy cluster', () => {
  it('forget the old master (promoted replica included), add a replica to the new one: healthy, keys intact', async () => {
    const c = s.cluster;
    const [old, promoted] = [c.node(0), c.node(3)];
    const diagnose = async () => (await runLive(configOf(c), optsOf(c))).diagnosis;
    const before = await diagnose();
    expect(before.rootCauses.map((r) => r.code)).toEqual(['failover-completed']);
    const actions = before.rootCauses[0]!.actions;
    const forget = actions.find((a) => a.action === 'forget-node')!;
    expect(forget.params).toEqual({ node: old.id });
    const { plan } = await mustPlan(c, 'forget-node', forget.params!);
    expect(plan.steps[0]?.display).toContain(
      `redis-cli -h ${promoted.host} -p 7000 CLUSTER FORGET ${old.id}`,
    );
    const forgot = await run(c, plan, 'forget-node (old master)', timings);
    expect(forgot.result.outcome, forgot.result.message).toBe('succeeded');
    const add = actions.find((a) => a.action === 'add-replica');
    expect(add?.params).toEqual({ master: promoted.id });
    const replica = spare.node(0);
    const added = await mustPlan(c, 'add-replica', { ...add!.params, node: replica.address });
    const joined = await run(c, added.plan, 'add-replica (to the promoted master)', timings);
    expect(joined.result.outcome, joined.result.message).toBe('succeeded');
    expect((await diagnose()).rootCauses.map((r) => r.code)).toEqual(['healthy']);
    const keys = (await c.cli(promoted, 'KEYS', 'data0:*')).split(/[\n",[\]]+/).filter(Boolean);
    expect(keys).toHaveLength(20);
    for (const k of keys) expect(await c.cli(promoted, 'GET', k)).toBe(`value-of-${k}`);
  }, 90_000);
});
