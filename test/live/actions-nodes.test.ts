/**
 * The node actions on real clusters: add-node and add-replica with real empty nodes (exact commands,
 * execution, every node knows the newcomer, the replica synced and serving the keys), a non-empty node
 * refused, forget-node of a dead replica within the 60 s window (live nodes and slot owners refused), and
 * meet for a node that forgot the cluster (CLUSTER RESET SOFT), planned from the diagnosis's own params.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planAction } from '../../src/actions/service.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { waitFlagged } from '../../src/devcluster/scenario-waits.ts';
import { configOf, mustPlan, mustRefuse, optsOf, run, seed } from './action-helpers.ts';

const timings: Record<string, number> = {};
let c: DevCluster;
let spares: DevCluster[] = [];

/** A one-node cluster that owns nothing and knows only itself: a fresh node to add. */
function spare(label: string): Promise<DevCluster> {
  return startCluster({ nodes: [{ role: 'master', slots: [] }], nodeTimeoutMs: 1000, label });
}

beforeAll(async () => {
  [c, ...spares] = await Promise.all([
    startCluster({
      nodeTimeoutMs: 1000,
      label: 'act-nodes',
      nodes: [{ role: 'master' }, { role: 'master' }, { role: 'master' }, { role: 'replica', of: 0 }],
    }),
    spare('act-spare-a'),
    spare('act-spare-b'),
    startCluster({ nodes: [{ role: 'master' }], nodeTimeoutMs: 1000, label: 'act-full' }),
  ]);
}, 90_000);
afterAll(async () => {
  await Promise.all([c, ...spares].map((x) => x?.stop()));
  console.log(`node actions, ms from preflight to verified: ${JSON.stringify(timings)}`);
});

describe('node actions on real clusters', () => {
  it('add-node: MEET from the new node, every node knows it, it owns nothing', async () => {
    const a = spares[0]!.node(0);
    const { plan } = await mustPlan(c, 'add-node', { node: a.address });
    const entry = c.masters().find((m) => plan.steps[0]?.display[0]?.includes(` MEET ${m.host} `))!;
    expect(entry).toBeDefined();
    expect(plan.steps.map((s) => [s.kind, s.display[0]])).toEqual([
      ['command', `redis-cli -h ${a.host} -p 7000 CLUSTER MEET ${entry.host} 7000 17000`],
      ['wait', `redis-cli -h ${a.host} -p 7000 CLUSTER NODES`],
    ]);
    const { result } = await run(c, plan, 'add-node', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    for (const n of c.nodes) expect((await c.view(n)).some((r) => r.id === a.id)).toBe(true);
    expect((await c.clusterInfo(a))['cluster_known_nodes']).toBe('5');
  }, 60_000);

  it('add-replica without --master: the master with no replica on another host; synced, serving its keys', async () => {
    const b = spares[1]!.node(0);
    const keys = await seed(c, c.node(1), 20);
    const { plan } = await mustPlan(c, 'add-replica', { node: b.address });
    expect(plan.summary).toContain(`replica of ${c.node(1).address} (it has no live replica)`);
    expect(plan.steps.map((s) => s.display[0])).toEqual([
      expect.stringMatching(
        new RegExp(`^redis-cli -h ${b.host} -p 7000 CLUSTER MEET 127\\.\\d+\\.\\d+\\.[123] 7000 17000$`),
      ),
      `redis-cli -h ${b.host} -p 7000 CLUSTER NODES`,
      `redis-cli -h ${b.host} -p 7000 CLUSTER REPLICATE ${c.node(1).id}`,
      `redis-cli -h ${b.host} -p 7000 INFO replication`,
    ]);
    const { result } = await run(c, plan, 'add-replica', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    expect((await c.info(b))['master_link_status']).toBe('up');
    await c.call(b, ['READONLY']);
    for (const k of keys) expect(await c.cli(b, 'GET', k)).toBe(`value-of-${k}`);
  }, 60_000);

  it('a node that holds keys (and slots of its own) is refused for add-node', async () => {
    const full = spares[2]!.node(0);
    (await full) && spares[2]!.cli(full, 'SET', 'stray', 'x');
    const r = await mustRefuse(c, 'add-node', { node: full.address });
    expect(r.code).toBe('ACTION_REFUSED');
    expect(r.reasons.join('\n')).toMatch(/is not empty: it holds 1 key \(DBSIZE 1\)/);
    expect(r.reasons.join('\n')).toMatch(/claims slots of its own/);
  });

  it('forget-node: a dead replica is forgotten on every node in one window; live nodes and slot owners are refused', async () => {
    expect((await mustRefuse(c, 'forget-node', { node: c.node(2).address })).reasons[0]).toMatch(
      /owns 5461 slots/,
    );
    expect((await mustRefuse(c, 'forget-node', { node: spares[0]!.node(0).address })).reasons[0]).toMatch(
      /answers: a live node that is forgotten comes back by gossip/,
    );
    const dead = c.node(3);
    await c.kill(dead);
    await waitFlagged(c, dead, 'fail');
    const { plan } = await mustPlan(c, 'forget-node', { node: dead.id });
    const fan = plan.steps[0]!;
    expect(fan.kind === 'fanout' && fan.withinMs).toBe(60_000);
    expect(fan.display).toHaveLength(5);
    expect(fan.display).toContain(`redis-cli -h ${c.node(1).host} -p 7000 CLUSTER FORGET ${dead.id}`);
    const { result } = await run(c, plan, 'forget-node', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    for (const n of c.live()) expect((await c.view(n)).some((r) => r.id === dead.id)).toBe(false);
  }, 60_000);

  it('meet: a node that forgot the cluster (CLUSTER RESET SOFT) is met again from the recommendation params', async () => {
    const a = spares[0]!.node(0);
    await spares[0]!.cli(a, 'CLUSTER', 'RESET', 'SOFT');
    await c.waitFor(async () => (await c.clusterInfo(a))['cluster_known_nodes'] === '1', {
      what: 'reset',
      timeoutMs: 5000,
    });
    const probe = await planAction(configOf(c), 'restart-node', { node: a.address }, optsOf(c));
    const meet = probe.diagnosis?.rootCauses.flatMap((r) => r.actions).find((x) => x.action === 'meet');
    expect(meet?.params).toEqual({ node: a.address, from: expect.any(String) });
    const { plan } = await mustPlan(c, 'meet', meet!.params!);
    expect(plan.steps[0]?.display[0]).toMatch(
      new RegExp(`CLUSTER MEET ${a.host.replace(/\./g, '\\.')} 7000 17000$`),
    );
    const { result } = await run(c, plan, 'meet', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    expect(Number((await c.clusterInfo(a))['cluster_known_nodes'])).toBeGreaterThan(1);
  }, 60_000);
});
