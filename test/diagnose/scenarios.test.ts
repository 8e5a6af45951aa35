/**
 * Root causes and key findings over H2's recorded real-cluster scenarios, each read two ways: as one
 * multi-node paste (and a Slack-mangled copy of it) and as a live-like snapshot with settings known.
 */
import { describe, expect, it } from 'vitest';
import { formatRanges } from '../../src/cluster/slots.ts';
import type { NodeConfig } from '../../src/cluster/types.ts';
import { diagnose, diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import {
  hasScenario,
  scenarioLive,
  scenarioMeta,
  scenarioPaste,
  slackMangle,
  slackQuote,
} from './scenario-fixtures.ts';

const config = (name: string): NodeConfig => ({
  requireFullCoverage: name !== 'no-full-coverage-dead-master',
  nodeTimeoutMs: scenarioMeta(name).nodeTimeoutMs,
  replicaValidityFactor: 10,
  allowReadsWhenDown: false,
});

function variants(name: string): [string, Diagnosis][] {
  const paste = scenarioPaste(name);
  return [
    ['paste', diagnosePaste(paste)],
    ['slack-fenced paste', diagnosePaste(slackMangle(paste))],
    ['slack-quoted paste', diagnosePaste(slackQuote(paste))],
    ['live', diagnose(scenarioLive(name, config(name)))],
  ];
}

const codes = (d: Diagnosis) => d.rootCauses.map((c) => c.code);
const critical = (d: Diagnosis) => d.findings.filter((f) => f.severity === 'critical').map((f) => f.code);
const finding = (d: Diagnosis, code: string) => d.findings.filter((f) => f.code === code);
const killed = (name: string) => scenarioMeta(name).expected.killed.map((k) => k.address);

const scenario = (name: string) => (hasScenario(name) ? describe : describe.skip);

scenario('healthy')('healthy', () => {
  it.each(variants('healthy'))('%s: healthy, state ok, nothing critical', (_, d) => {
    expect(codes(d)).toEqual(['healthy']);
    expect(d.state).toBe('ok');
    expect(critical(d)).toEqual([]);
    expect(d.visibility.nodesKnown).toBe(6);
  });
});

scenario('master-killed-no-replica')('master killed, no replica', () => {
  const dead = killed('master-killed-no-replica')[0]!;
  it.each(variants('master-killed-no-replica'))('%s: master-failed-no-replica on the dead master', (_, d) => {
    expect(codes(d)[0]).toBe('master-failed-no-replica');
    expect(codes(d)).not.toContain('quorum-lost');
    const cause = d.rootCauses[0]!;
    expect(cause.nodes).toContain(dead);
    expect(cause.actions[0]).toMatchObject({ action: 'restart-node', target: dead });
    const fix = cause.actions.find((a) => a.action === 'fix-coverage');
    expect(fix?.why).toMatch(/deletes its keys/);
    expect(finding(d, 'SLOTS_OWNER_DOWN')[0]?.nodes).toEqual([dead]);
    expect(critical(d)).toContain('FULL_COVERAGE_REQUIRED');
    expect(d.state).toBe('fail');
  });
});

scenario('failover-completed')('failover completed', () => {
  const meta = scenarioMeta('failover-completed');
  it.each(variants('failover-completed'))('%s: failover-completed, clients unaffected', (_, d) => {
    expect(codes(d)[0]).toBe('failover-completed');
    expect(codes(d)).not.toContain('master-failed-no-replica');
    expect(d.rootCauses[0]!.nodes).toEqual([
      meta.expected.promoted!.formerMaster.address,
      meta.expected.promoted!.replica.address,
    ]);
    expect(critical(d)).toEqual([]);
    expect(d.state).toBe('ok');
    expect(finding(d, 'MASTER_WITHOUT_REPLICA')[0]?.nodes).toEqual([meta.expected.promoted!.replica.address]);
  });
});

scenario('majority-masters-down')('two of three masters killed', () => {
  const dead = killed('majority-masters-down');
  it.each(variants('majority-masters-down'))('%s: quorum-lost, not master-failed', (_, d) => {
    expect(codes(d)[0]).toBe('quorum-lost');
    expect(codes(d)).not.toContain('master-failed-no-replica');
    expect(codes(d)).not.toContain('failover-blocked');
    expect(codes(d)).not.toContain('network-partition');
    expect([...d.rootCauses[0]!.nodes].sort()).toEqual([...dead].sort());
    const actions = d.rootCauses[0]!.actions.map((a) => a.action);
    expect(actions.slice(0, 2)).toEqual(['restart-node', 'restart-node']);
    expect(actions).not.toContain('failover-force');
    expect(actions).not.toContain('fix-coverage');
    expect(critical(d)).toContain('QUORUM_LOST');
  });

  it('a single pasted view still names quorum-lost and says it is one view', () => {
    const survivor = scenarioMeta('majority-masters-down').nodes.find(
      (n) => n.state === 'running' && !dead.includes(n.address),
    )!;
    const d = diagnosePaste(
      scenarioPaste('majority-masters-down', { check: false, only: [survivor.address] }),
    );
    expect(codes(d)[0]).toBe('quorum-lost');
    expect(codes(d)).not.toContain('network-partition');
    expect(d.rootCauses[0]!.explanation).toMatch(/alone/);
    expect(finding(d, 'PASTE_INCOMPLETE')).toHaveLength(1);
  });
});

scenario('slots-unassigned')('slots never assigned', () => {
  const slots = formatRanges(scenarioMeta('slots-unassigned').expected.unassignedSlots);
  it.each(variants('slots-unassigned'))('%s: slots-never-assigned with the exact slots', (_, d) => {
    expect(codes(d)[0]).toBe('slots-never-assigned');
    expect(d.rootCauses[0]!.slots).toBe(slots);
    expect(finding(d, 'SLOTS_UNASSIGNED')[0]?.slots).toBe(slots);
    expect(d.rootCauses[0]!.actions[0]?.action).toBe('fix-coverage');
  });
});

scenario('open-slot')('open slot with key counts from the probe', () => {
  it('the fix-open-slot action says which side still holds keys', () => {
    const snap = scenarioLive('open-slot', config('open-slot'));
    const o = scenarioMeta('open-slot').expected.openSlots[0]!;
    snap.openSlotKeys = [
      { address: o.source.address, slot: o.slot, keys: o.keysOnSource },
      { address: o.target.address, slot: o.slot, keys: o.keysOnTarget },
    ];
    const why = diagnose(snap).rootCauses[0]!.actions[0]!.why;
    expect(why).toContain(`${o.source.address} still holds ${o.keysOnSource} keys of slot ${o.slot}`);
    expect(why).toContain(`${o.target.address} holds ${o.keysOnTarget}`);
  });
});

for (const name of ['open-slot', 'open-slot-importing-only']) {
  scenario(name)(name, () => {
    const slot = String(scenarioMeta(name).expected.openSlots[0]!.slot);
    it.each(variants(name))('%s: resharding-interrupted on the open slot', (_, d) => {
      expect(codes(d)[0]).toBe('resharding-interrupted');
      expect(finding(d, 'OPEN_SLOT').map((f) => f.slots)).toEqual([slot]);
      expect(d.rootCauses[0]!.actions[0]).toMatchObject({ action: 'fix-open-slot' });
      expect(critical(d)).toEqual([]);
    });
  });
}

scenario('same-host-replicas')('replicas on their master host', () => {
  it.each(variants('same-host-replicas'))('%s: REPLICA_SAME_HOST, no incident', (_, d) => {
    expect(finding(d, 'REPLICA_SAME_HOST')).toHaveLength(1);
    expect(finding(d, 'REPLICA_SAME_HOST')[0]!.severity).toBe('warning');
    expect(codes(d)).toEqual(['healthy']);
    expect(critical(d)).toEqual([]);
  });
});

scenario('frozen-master-unsynced')('frozen master, replica never synced', () => {
  it.each(variants('frozen-master-unsynced'))(
    '%s: failover-blocked, never promotes the empty replica',
    (_, d) => {
      expect(codes(d)[0]).toBe('failover-blocked');
      expect(d.rootCauses[0]!.explanation).toMatch(/never completed a sync/);
      const actions = d.rootCauses[0]!.actions.map((a) => a.action);
      expect(actions).toEqual(['restart-node']);
      expect(critical(d)).toContain('REPLICA_NOT_SYNCED');
    },
  );
});

scenario('frozen-master-synced')('frozen master after its replica synced', () => {
  it.each(variants('frozen-master-synced'))('%s: failover-completed', (_, d) => {
    expect(codes(d)[0]).toBe('failover-completed');
    expect(critical(d)).toEqual([]);
  });
});

scenario('no-full-coverage-dead-master')('dead master with full coverage off', () => {
  it.each(variants('no-full-coverage-dead-master'))('%s: partial coverage, cluster stays up', (_, d) => {
    expect(codes(d)[0]).toBe('master-failed-no-replica');
    expect(finding(d, 'PARTIAL_COVERAGE')).toHaveLength(1);
    expect(finding(d, 'FULL_COVERAGE_REQUIRED')).toHaveLength(0);
    expect(d.state).toBe('ok');
  });
});

scenario('bus-port-blocked')('bus port blocked', () => {
  it('paste of every node: BUS_PORT_UNREACHABLE on the node whose bus nobody reaches', () => {
    const d = diagnosePaste(scenarioPaste('bus-port-blocked'));
    const f = finding(d, 'BUS_PORT_UNREACHABLE');
    expect(f).toHaveLength(1);
    expect(scenarioMeta('bus-port-blocked').expected.notes?.join(' ')).toContain(f[0]!.nodes[0]!);
  });
});
