/**
 * Planner refusals on recorded clusters (pure): a replica cut off from its master long before the master
 * failed (beyond the validity limit), a node that belongs to another cluster, a closed bus port, a node
 * without cluster support, forgetting a slot owner, and parameters the action does not take.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/registry.ts';
import { isRefusal, type Plan, type PlanInput, type Refusal } from '../../src/actions/types.ts';
import { buildModel } from '../../src/cluster/model.ts';
import { parseClusterNodes } from '../../src/cluster/parse-nodes.ts';
import type { NodeObservation } from '../../src/cluster/types.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import { scenarioMeta } from '../diagnose/scenario-fixtures.ts';
import { fixtureSnapshot } from '../runbooks/fixture-snapshot.ts';

function input(name: string, params: PlanInput['params'], edit?: (o: NodeObservation[]) => void): PlanInput {
  const snapshot = fixtureSnapshot(name);
  edit?.(snapshot.observations);
  return {
    cluster: name,
    snapshot,
    model: buildModel(snapshot),
    diagnosis: diagnose(snapshot),
    params,
    now: 'n',
  };
}

function refused(p: Plan | Refusal): Refusal {
  if (!isRefusal(p)) throw new Error(`planned: ${p.summary}`);
  return p;
}

describe('planner refusals', () => {
  it('a replica whose link went down long before its master failed is refused, with the validity arithmetic', () => {
    const replica = scenarioMeta('majority-masters-down').nodes[3]!.address;
    const ok = makePlan('failover-takeover', input('majority-masters-down', { node: replica }));
    expect(isRefusal(ok)).toBe(false);
    const stale = input('majority-masters-down', { node: replica }, (obs) => {
      const r = obs.find((o) => o.address === replica)!;
      r.replication = { ...r.replication, master_link_status: 'down', master_link_down_since_seconds: '900' };
    });
    const r = refused(makePlan('failover-takeover', stale));
    expect(r.reasons[0]).toMatch(
      /link .* down 900 s, about \d+ s longer than .* validity limit \(25 s = 10 s \+ cluster-replica-validity-factor 10 × 1500 ms\)/,
    );
    expect(r.alternatives?.[0]?.action).toBe('restart-node');
  });

  it('add-node refuses a node of another cluster, a closed bus port, and a node without cluster support', () => {
    const meta = scenarioMeta('healthy');
    const other = fixtureSnapshot('failover-completed').observations.find((o) => o.nodes && !o.error)!;
    const stranger: NodeObservation = {
      ...other,
      dbsize: 0,
      busPort: { port: 17000, open: false, error: 'ECONNREFUSED' },
    };
    const base = input('healthy', { node: stranger.address });
    const r = refused(makePlan('add-node', { ...base, newNode: stranger }));
    expect(r.reasons.join('\n')).toMatch(
      /already knows 6 nodes \(cluster_known_nodes:6\): it belongs to another cluster/,
    );
    expect(r.reasons.join('\n')).toMatch(
      /cluster bus port 17000 does not accept TCP from here \(ECONNREFUSED\)/,
    );
    const plain: NodeObservation = {
      address: '127.9.9.9:6379',
      source: 'live',
      error: { kind: 'not-cluster', message: 'ERR This instance has cluster support disabled' },
    };
    const nc = refused(makePlan('add-replica', { ...base, params: { node: plain.address }, newNode: plain }));
    expect(nc.reasons[0]).toMatch(/not cluster-enabled/);
    expect(meta.nodes).toHaveLength(6);
  });

  it('forget-node refuses a slot owner, naming the replica to promote; unexpected params are refused', () => {
    const meta = scenarioMeta('config-lost');
    const cl = input('config-lost', {});
    const old = cl.model.nodes.find((n) => n.slotCount > 0 && n.noaddrBy.length > 0)!;
    const r = refused(makePlan('forget-node', { ...cl, params: { node: old.id } }));
    expect(r.reasons[0]).toMatch(/owns 5461 slots: forgetting it leaves them unassigned/);
    expect(r.alternatives?.[0]).toMatchObject({ action: 'failover-force', params: { master: old.label } });
    const bad = refused(makePlan('failover', { ...cl, params: { node: meta.nodes[3]!.address, slots: 5 } }));
    expect(bad.code).toBe('ACTION_BAD_PARAMS');
    expect(bad.reasons).toEqual(['failover does not take --slots']);
  });
});

describe('optional node parameters: the named node is checked, the default taken when none is named', () => {
  /** An empty node that knows only itself: what add-replica and meet take. */
  function newcomer(address: string): NodeObservation {
    const id = 'f'.repeat(40);
    return {
      address,
      source: 'live',
      nodeId: id,
      nodes: parseClusterNodes(`${id} ${address}@17000 myself,master - 0 0 0 connected\n`),
      clusterInfo: { cluster_state: 'fail', cluster_known_nodes: '1', cluster_slots_assigned: '0' },
      dbsize: 0,
      busPort: { port: 17000, open: true },
    };
  }

  it('add-replica --master refuses a replica and a master that is down; without it, picks a master', () => {
    const fresh = newcomer('127.9.9.9:7000');
    const base = input('master-killed-no-replica', { node: fresh.address });
    const meta = scenarioMeta('master-killed-no-replica');
    const dead = meta.nodes.find((n) => n.state === 'dead')!.address;
    const down = refused(
      makePlan('add-replica', { ...base, params: { ...base.params, master: dead }, newNode: fresh }),
    );
    expect(down.code).toBe('ACTION_REFUSED');
    expect(down.reasons).toEqual([`${dead} is down: a replica cannot sync from it`]);
    const replica = base.model.nodes.find((n) => n.role === 'replica')!;
    const notMaster = refused(
      makePlan('add-replica', { ...base, params: { ...base.params, master: replica.label }, newNode: fresh }),
    );
    expect(notMaster.code).toBe('ACTION_BAD_PARAMS');
    expect(notMaster.reasons).toEqual([`${replica.label} is a replica, not a master`]);
    const unknown = refused(
      makePlan('add-replica', { ...base, params: { ...base.params, master: '10.9.9.9:1' }, newNode: fresh }),
    );
    expect(unknown.hint).toBe('Name the master with --master <ip:port|id>, or leave it out.');
    const picked = makePlan('add-replica', { ...base, newNode: fresh });
    expect(isRefusal(picked)).toBe(false);
  });

  it('meet --from refuses a node that does not answer; without it, sends from an answering node', () => {
    const fresh = newcomer('127.9.9.9:7000');
    const base = input('master-killed-no-replica', { node: fresh.address });
    const dead = scenarioMeta('master-killed-no-replica').nodes.find((n) => n.state === 'dead')!.address;
    const r = refused(makePlan('meet', { ...base, params: { ...base.params, from: dead }, newNode: fresh }));
    expect(r.reasons).toEqual([`${dead} does not answer`]);
    expect(r.hint).toBe('Send the MEET from a node that answers.');
    expect(isRefusal(makePlan('meet', { ...base, newNode: fresh }))).toBe(false);
  });
});
