/**
 * Ghost entries and an election nobody can vote in, on real clusters: diagnosed live, then the
 * recommended FORGET / TAKEOVER is run to prove it is the right fix.
 */
import { describe, expect, it } from 'vitest';
import { allState } from '../../src/devcluster/conditions.ts';
import { runScenario } from '../../src/devcluster/scenarios.ts';
import { useScenario } from '../live/helpers.ts';
import { CLOUD_CAUSES, causeCodes, findingsOf, liveDiagnosis, pasted, sessionPaste } from './helpers.ts';

const SO = { nodeTimeoutMs: 1000 };

describe('ghost-nodes on a real cluster (dead empty master + handshake to nowhere)', () => {
  const get = useScenario(() => runScenario('ghost-nodes', SO), 60_000);

  it('names both ghosts and spells out CLUSTER FORGET for every live node', async () => {
    const s = get();
    await s.beforeRecord?.();
    const { diagnosis: d } = await liveDiagnosis(s.cluster, [s.cluster.node(0).address]);
    expect(causeCodes(d)).toContain('ghost-nodes');
    const dead = s.cluster.node(3);
    const ghosts = findingsOf(d, 'GHOST_NODE');
    expect(ghosts.map((f) => f.nodes[0])).toContain(dead.address);
    expect(ghosts.some((f) => /handshake/.test(f.message))).toBe(true);
    expect(ghosts.every((f) => f.severity === 'warning')).toBe(true);
    const forget = d.rootCauses
      .flatMap((c) => c.actions)
      .find((a) => a.action === 'forget-node' && a.target.includes(dead.id));
    for (const n of s.cluster.live())
      expect(forget?.why).toContain(`redis-cli -h ${n.host} -p ${n.port} CLUSTER FORGET ${dead.id}`);
    expect(d.state).toBe('ok');
  }, 30_000);

  it('the same from a pasted session', async () => {
    const s = get();
    const d = pasted(await sessionPaste(s.cluster));
    expect(causeCodes(d)).toContain('ghost-nodes');
    expect(findingsOf(d, 'GHOST_NODE').map((f) => f.nodes[0])).toContain(s.cluster.node(3).address);
  });

  it('after the FORGET commands ran everywhere, the dead master is no longer listed or reported', async () => {
    const s = get();
    const c = s.cluster;
    const dead = c.node(3);
    for (const n of c.live()) await c.cli(n, 'CLUSTER', 'FORGET', dead.id);
    for (const n of c.live()) expect((await c.view(n)).some((r) => r.id === dead.id)).toBe(false);
    const { diagnosis: d } = await liveDiagnosis(c, [c.node(0).address]);
    expect(findingsOf(d, 'GHOST_NODE').map((f) => f.nodes[0])).not.toContain(dead.address);
  }, 30_000);
});

describe('failover-not-possible-no-voters on a real cluster (all slots on one master)', () => {
  const get = useScenario(() => runScenario('no-voters', SO), 60_000);

  it('supersedes quorum-lost and recommends TAKEOVER, not FORCE', async () => {
    const s = get();
    const { diagnosis: d } = await liveDiagnosis(s.cluster, [s.cluster.node(1).address]);
    expect(causeCodes(d)[0]).toBe('failover-not-possible-no-voters');
    expect(causeCodes(d)).not.toContain('quorum-lost');
    expect(causeCodes(d)).not.toContain('failover-blocked');
    const f = findingsOf(d, 'NO_ELIGIBLE_VOTERS');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('critical');
    expect(f[0]!.slots).toBe('0-16383');
    const actions = d.rootCauses[0]!.actions.map((a) => a.action);
    expect(actions).toContain('failover-takeover');
    expect(actions).not.toContain('failover-force');
    expect(d.rootCauses[0]!.explanation).toMatch(/FORCE does not help/);
    const others = new Set<string>(CLOUD_CAUSES.filter((x) => x !== 'failover-not-possible-no-voters'));
    expect(causeCodes(d).filter((x) => others.has(x))).toEqual([]);
  }, 30_000);

  it('the same from a pasted session', async () => {
    const s = get();
    const d = pasted(await sessionPaste(s.cluster));
    expect(causeCodes(d)[0]).toBe('failover-not-possible-no-voters');
  });

  it('CLUSTER FAILOVER TAKEOVER on the replica brings the cluster back, as the cause says', async () => {
    const s = get();
    const c = s.cluster;
    const replica = c.node(2);
    expect(await c.cli(replica, 'CLUSTER', 'FAILOVER', 'TAKEOVER')).toBe('OK');
    await c.waitFor(() => allState(c, 'ok'), { what: 'cluster_state:ok after TAKEOVER', timeoutMs: 20_000 });
    const { diagnosis: d } = await liveDiagnosis(c, [replica.address]);
    expect(causeCodes(d)).not.toContain('failover-not-possible-no-voters');
    expect(findingsOf(d, 'NO_ELIGIBLE_VOTERS').every((f) => f.severity !== 'critical')).toBe(true);
  }, 40_000);
});
