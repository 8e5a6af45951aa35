/**
 * Red-team regressions on real clusters: a replica that just died, a migration whose source was failed
 * over, a nofailover replica with reads allowed while down, two masters of five lost at once (probed
 * all through the pfail window and the elections), quorum lost without full coverage, CLUSTER RESET.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../src/config/schema.ts';
import {
  backupReplicaLayout,
  type DevCluster,
  keySlot,
  keysInRanges,
  startCluster,
} from '../../src/devcluster/index.ts';
import { ownSlots, writeKeys } from '../../src/devcluster/scenario-kit.ts';
import { waitFlagged, waitPromoted, waitState } from '../../src/devcluster/scenario-waits.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { type LiveResult, runLive } from '../../src/runbooks/run.ts';

function diagnose(c: DevCluster): Promise<LiveResult> {
  const seed = c.live()[0]!;
  const cluster: ClusterConfig = {
    name: 'redteam',
    seeds: [seed.address],
    timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
  };
  return runLive(cluster, { probe: { allowHost: isLoopbackHost } });
}

const causes = (d: Diagnosis) => d.rootCauses.map((r) => r.code);
const actions = (d: Diagnosis) => d.rootCauses.flatMap((r) => r.actions);
const OUTAGE = ['quorum-lost', 'master-failed-no-replica', 'failover-blocked', 'network-partition'];

function useCluster(start: () => Promise<DevCluster>): () => DevCluster {
  const box: { c?: DevCluster } = {};
  beforeAll(async () => {
    box.c = await start();
  }, 30_000);
  afterAll(async () => {
    await box.c?.stop();
  });
  return () => box.c!;
}

describe('3 masters + 3 replicas: a dead replica, then a migration whose source is failed over', () => {
  const get = useCluster(() =>
    startCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1500, label: 'redteam-a' }),
  );

  it('a replica refusing connections is no outage, and its master has no working replica at once', async () => {
    const c = get();
    for (const m of c.masters()) await writeKeys(c, m, 3);
    await c.kill(c.node(4));
    const r = await diagnose(c);
    expect(r.diagnosis.state).toBe('ok');
    for (const code of OUTAGE) expect(causes(r.diagnosis)).not.toContain(code);
    const lonely = r.diagnosis.findings.find((f) => f.code === 'MASTER_WITHOUT_REPLICA');
    expect(lonely?.nodes).toEqual([c.node(1).address]);
    expect(r.diagnosis.steps?.find((s) => s.id === 'replicas')?.verdict).toBe('problem');
  }, 15_000);

  it('source failed over mid-migration: the plan moves on from the new owner, never the dead one', async () => {
    const c = get();
    const [source, target, heir] = [c.node(0), c.node(1), c.node(3)];
    const tagged = keysInRanges('rt', await ownSlots(c, source), 1)[0]!;
    const tag = tagged.slice(tagged.indexOf('{') + 1, tagged.indexOf('}'));
    const slot = keySlot(tagged);
    const keys = Array.from({ length: 10 }, (_, i) => `item:{${tag}}:${i}`);
    for (const k of keys) await c.cli(source, 'SET', k, `v-${k}`);
    await c.cli(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
    await c.cli(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    await c.cli(source, 'MIGRATE', target.host, target.port, '', 0, 5000, 'KEYS', ...keys.slice(0, 4));
    await c.waitFor(
      async () => (await c.info(heir))['slave_repl_offset'] === (await c.info(source))['master_repl_offset'],
      {
        what: 'replica caught up',
        timeoutMs: 5000,
      },
    );
    await c.kill(source);
    await waitPromoted(c, heir);
    // The importing target ignores gossip about the slot: it keeps the dead source as owner and stays down.
    await waitState(c, 'fail', [target]);
    const r = await diagnose(c);
    expect(causes(r.diagnosis)[0]).toBe('resharding-interrupted');
    expect(causes(r.diagnosis)).not.toContain('undetermined');
    const fix = actions(r.diagnosis).find((a) => a.action === 'fix-open-slot')!;
    expect(fix.target).toBe(`slot ${slot}: ${heir.address} -> ${target.address}`);
    expect(r.diagnosis.rootCauses[0]!.explanation).not.toMatch(/bring it back before touching/);
    const plan = r.diagnosis.steps?.find((s) => s.id === 'plan')?.evidence.join('\n') ?? '';
    expect(plan).toContain(`-h ${heir.host} -p ${heir.port} cluster setslot ${slot} migrating ${target.id}`);
    expect(plan).not.toContain(`-h ${source.host} -p ${source.port} `);
    // The new owner was counted too: the keys not moved yet (6, plus a key of the first test in that slot).
    const left = Number(await c.cli(heir, 'CLUSTER', 'COUNTKEYSINSLOT', slot));
    expect(left).toBeGreaterThanOrEqual(6);
    const counted = r.diagnosis.steps?.find((s) => s.id === 'keys')?.evidence.join('\n') ?? '';
    expect(counted).toContain(`${target.address} has 4, ${heir.address} (the new owner) has ${left}`);
    expect(counted).not.toMatch(/countkeysinslot/);
    expect(plan).toContain(`(${left} keys left there)`);
    expect(fix.why).toContain(`${heir.address} still holds ${left} keys of slot ${slot}`);

    expect(plan).toContain(`-h ${target.host} -p ${target.port} config set cluster-require-full-coverage no`);
    // Follow the plan: let the target serve, re-point, move the rest from the new owner, finalize on the target first.
    await c.cli(target, 'CONFIG', 'SET', 'cluster-require-full-coverage', 'no');
    await waitState(c, 'ok', [target]);
    await c.cli(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', heir.id);
    await c.cli(heir, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
    const rest = (await c.call(heir, ['CLUSTER', 'GETKEYSINSLOT', slot, 100])) as string[];
    await c.cli(heir, 'MIGRATE', target.host, target.port, '', 0, 5000, 'KEYS', ...rest);
    for (const n of [target, heir, c.node(2)]) await c.cli(n, 'CLUSTER', 'SETSLOT', slot, 'NODE', target.id);
    await c.cli(target, 'CONFIG', 'SET', 'cluster-require-full-coverage', 'yes');
    await waitState(c, 'ok');
    expect(Number(await c.cli(heir, 'CLUSTER', 'COUNTKEYSINSLOT', slot))).toBe(0);
    for (const k of keys) expect(await c.cli(target, 'GET', k)).toBe(`v-${k}`);
    const after = await diagnose(c);
    expect(after.diagnosis.state).toBe('ok');
    expect(after.diagnosis.findings.map((f) => f.code)).not.toContain('OPEN_SLOT');
  }, 30_000);

  it('a replica after CLUSTER RESET SOFT: same id still listed by peers, no forget, meet it again', async () => {
    const c = get();
    const reset = c.node(5);
    await c.cli(reset, 'CLUSTER', 'RESET', 'SOFT');
    await c.waitFor(async () => (await c.clusterInfo(reset))['cluster_known_nodes'] === '1', {
      what: 'reset',
      timeoutMs: 3000,
    });
    const r = await diagnose(c);
    const cause = r.diagnosis.rootCauses.find((x) => x.code === 'cluster-config-lost')!;
    expect(cause.summary).toMatch(/CLUSTER RESET/);
    expect(cause.actions.map((a) => a.action)).toEqual(['meet', 'add-replica']);
    expect(causes(r.diagnosis)).not.toContain('undetermined');
  }, 15_000);
});

describe('nofailover replica of a dead master, cluster-allow-reads-when-down yes', () => {
  const get = useCluster(() =>
    startCluster({
      nodeTimeoutMs: 1500,
      label: 'redteam-b',
      config: [['cluster-allow-reads-when-down', 'yes']],
      nodes: backupReplicaLayout(),
    }),
  );

  it('failover-blocked by nofailover; reads still served; FORCE (never plain failover) works', async () => {
    const c = get();
    await writeKeys(c, c.node(0), 3);
    await c.kill(c.node(0));
    await waitFlagged(c, c.node(0), 'fail');
    await waitState(c, 'fail');
    const r = await diagnose(c);
    expect(causes(r.diagnosis)[0]).toBe('failover-blocked');
    const cause = r.diagnosis.rootCauses[0]!;
    expect(cause.explanation).toMatch(/nofailover/);
    expect(cause.explanation).toMatch(/deliberate/);
    expect(actions(r.diagnosis).map((a) => a.action)).not.toContain('failover');
    expect(actions(r.diagnosis).map((a) => a.action)).toEqual(['restart-node', 'failover-force']);
    const full = r.diagnosis.findings.find((f) => f.code === 'FULL_COVERAGE_REQUIRED')!;
    expect(full.message).toMatch(/only accepts read commands/);
    expect(full.message).not.toMatch(/refuses every query/);
    await expect(c.cli(c.node(3), 'CLUSTER', 'FAILOVER')).rejects.toThrow(/FORCE/);
    await c.cli(c.node(3), 'CLUSTER', 'FAILOVER', 'FORCE');
    await waitPromoted(c, c.node(3));
    await waitState(c, 'ok');
  }, 30_000);
});

describe('5 masters + 5 replicas: two masters die at once, then three', () => {
  const get = useCluster(() =>
    startCluster({ masters: 5, replicasPerMaster: 1, nodeTimeoutMs: 1500, label: 'redteam-c' }),
  );

  it('never an outage cause or a data-losing action while both shards fail over', async () => {
    const c = get();
    for (const m of c.masters()) await writeKeys(c, m, 2);
    await Promise.all([c.kill(c.node(0)), c.kill(c.node(1))]);
    const seen = new Set<string>();
    const deadline = Date.now() + 15_000;
    for (;;) {
      const d = (await diagnose(c)).diagnosis;
      seen.add(causes(d).join('+'));
      for (const code of ['quorum-lost', 'master-failed-no-replica']) expect(causes(d)).not.toContain(code);
      const risky = actions(d).filter((a) => a.action === 'fix-coverage' || a.action === 'failover-takeover');
      expect(risky).toEqual([]);
      if (causes(d).filter((x) => x === 'failover-completed').length === 2) break;
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((res) => setTimeout(res, 30));
    }
    expect(seen.size).toBeGreaterThan(1);
  }, 30_000);

  it('three of five down with cluster-require-full-coverage no: still quorum-lost, no FORCE', async () => {
    const c = get();
    for (const n of c.live()) await c.cli(n, 'CONFIG', 'SET', 'cluster-require-full-coverage', 'no');
    const victims = [c.node(2), c.node(3), c.node(4)];
    await Promise.all(victims.map((v) => c.kill(v)));
    await waitState(c, 'fail');
    const r = await diagnose(c);
    expect(causes(r.diagnosis)[0]).toBe('quorum-lost');
    expect(r.diagnosis.findings.map((f) => f.code)).toContain('CLUSTER_STATE_FAIL');
    expect(actions(r.diagnosis).map((a) => a.action)).not.toContain('failover-force');
    expect(actions(r.diagnosis).map((a) => a.action)).not.toContain('fix-coverage');
  }, 30_000);
});
