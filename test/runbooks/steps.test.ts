/** Runbook steps are pure: fed recorded real-cluster snapshots, each step must say the right thing. */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/cluster/model.ts';
import { snapshotFromPaste } from '../../src/cluster/paste.ts';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import type { StepResult } from '../../src/diagnose/types.ts';
import { getRunbook, listRunbooks, selectRunbook } from '../../src/runbooks/registry.ts';
import { runSteps, runStepsSync } from '../../src/runbooks/run.ts';
import type { RunbookContext, RunbookName } from '../../src/runbooks/types.ts';
import { real } from '../paste-fixtures.ts';
import { fixtureContext, fixtureMeta } from './fixture-snapshot.ts';

function steps(ctx: RunbookContext, name: RunbookName): Record<string, StepResult> {
  return Object.fromEntries(runStepsSync(ctx, name).map((s) => [s.id, s]));
}
const text = (s: StepResult | undefined) => [s?.command, ...(s?.evidence ?? []), s?.meaning].join('\n');
const addr = (name: string, index: number) => fixtureMeta(name).nodes[index]!.address;

describe('runbook registry', () => {
  it('lists four runbooks with steps that all have ids, titles and commands', () => {
    expect(listRunbooks().map((r) => r.name)).toEqual(['clusterdown', 'failover', 'resharding', 'health']);
    for (const r of listRunbooks()) expect(getRunbook(r.name)!.steps.length).toBeGreaterThanOrEqual(4);
  });

  it('selects the runbook that fits the diagnosis', () => {
    expect(selectRunbook(fixtureContext('healthy').diagnosis)).toBe('health');
    expect(selectRunbook(fixtureContext('master-killed-no-replica').diagnosis)).toBe('clusterdown');
    expect(selectRunbook(fixtureContext('frozen-master-unsynced').diagnosis)).toBe('failover');
    expect(selectRunbook(fixtureContext('open-slot').diagnosis)).toBe('resharding');
    expect(selectRunbook(fixtureContext('majority-masters-down').diagnosis)).toBe('clusterdown');
    // Ghost entries are failed nodes too, but there is nothing to fail over: a clean-up for the health check.
    expect(selectRunbook(fixtureContext('ghost-nodes').diagnosis)).toBe('health');
    expect(selectRunbook(fixtureContext('config-lost').diagnosis)).toBe('clusterdown');
  });
});

describe('clusterdown on a master killed without a replica', () => {
  const name = 'master-killed-no-replica';
  const ctx = fixtureContext(name);
  const s = steps(ctx, 'clusterdown');
  const victim = addr(name, 0);

  it('confirms the state from CLUSTER INFO', () => {
    expect(s['cluster-state']!.verdict).toBe('problem');
    expect(s['cluster-state']!.command).toMatch(/^redis-cli -h 127\.\d+\.\d+\.\d+ -p 7000 cluster info$/);
    expect(text(s['cluster-state'])).toContain('cluster_state:fail');
    expect(text(s['cluster-state'])).toContain('cluster_slots_fail:5461');
  });

  it('names the dead master and the slots it owned', () => {
    expect(s['failed-nodes']!.verdict).toBe('problem');
    expect(text(s['failed-nodes'])).toContain(`${victim} (master`);
    expect(text(s['failed-nodes'])).toContain('owns 0-5460 (5461 slots); replicas: none');
  });

  it('reports coverage like --cluster check, and warns against fix', () => {
    expect(s.coverage!.verdict).toBe('problem');
    expect(s.coverage!.command).toContain('--cluster check');
    expect(text(s.coverage)).toContain('Slots served by a healthy master: 10923 of 16384');
    expect(text(s.coverage)).toContain(`Owned by ${victim}, which is down: 0-5460`);
    expect(s.coverage!.meaning).toContain('never let `--cluster fix` reassign');
  });

  it('points at the logs without pretending to read them', () => {
    expect(s.logs!.verdict).toBe('skipped');
    expect(s.logs!.skippedReason).toContain('cannot read host logs');
    expect(s.logs!.command).toContain('Cluster state changed');
    expect(text(s.logs)).toContain(`On ${victim.split(':')[0]}`);
  });

  it('sees the process is gone: data port refused, bus port closed', () => {
    expect(s.reachability!.verdict).toBe('problem');
    expect(text(s.reachability)).toContain(`${victim}: data port: connection refused`);
    expect(text(s.reachability)).toContain('the redis-server process is not running');
  });

  it('ends with the root cause and a restart first', () => {
    expect(s['root-cause']!.verdict).toBe('problem');
    expect(s['root-cause']!.evidence[0]).toContain('[master-failed-no-replica]');
    expect(text(s['root-cause'])).toContain('restart-node');
  });
});

describe('clusterdown when a node lost its nodes.conf', () => {
  it('does not call coverage ok while the views disagree about the owners', () => {
    const s = steps(fixtureContext('config-lost'), 'clusterdown');
    expect(s.coverage!.verdict).toBe('problem');
    expect(text(s.coverage)).toContain('Views disagree about slot owners');
  });
});

describe('failover runbook', () => {
  it('refuses to promote a replica that never synced (frozen master)', () => {
    const name = 'frozen-master-unsynced';
    const s = steps(fixtureContext(name), 'failover');
    const master = addr(name, 0);
    expect(s['failed-masters']!.verdict).toBe('problem');
    expect(text(s['failed-masters'])).toContain(master);
    expect(s.replicas!.verdict).toBe('problem');
    expect(text(s.replicas)).toContain('never completed a sync');
    expect(s['data-age']!.verdict).toBe('problem');
    expect(s.quorum!.verdict).toBe('ok');
    expect(s.variant!.verdict).toBe('problem');
    expect(text(s.variant)).toContain('do not fail over');
    expect(s.variant!.command).not.toMatch(/cluster failover/);
    expect(text(s['old-node'])).toContain('kill -CONT');
  });

  it('waits for the cluster to agree before forcing a failover of a master only flagged fail?', () => {
    const snapshot = snapshotFromPaste(real('pfail-nodes-n1.txt'));
    const ctx = { snapshot, model: buildModel(snapshot), diagnosis: diagnose(snapshot) };
    const s = steps(ctx, 'failover');
    expect(s.variant!.verdict).toBe('problem');
    expect(text(s.variant)).toContain('wait before forcing anything');
    expect(s.variant!.command).not.toMatch(/cluster failover/);
  });

  it('only offers TAKEOVER when the majority of masters is gone', () => {
    const s = steps(fixtureContext('majority-masters-down'), 'failover');
    expect(s.quorum!.verdict).toBe('problem');
    expect(text(s.quorum)).toContain('votes needed: 2; reachable: 1');
    expect(s.variant!.verdict).toBe('problem');
    expect(s.variant!.command).toMatch(/cluster failover takeover$/);
    expect(s.variant!.command).not.toMatch(/force/);
  });

  it('reports a completed failover and what the old master will do when it returns', () => {
    const name = 'failover-completed';
    const s = steps(fixtureContext(name), 'failover');
    expect(s['failed-masters']!.verdict).toBe('ok');
    expect(text(s['failed-masters'])).toContain(addr(name, 0));
    expect(text(s['old-node'])).toContain('full resync');
  });
});

describe('resharding runbook', () => {
  it('rolls an in-flight migration forward, finalizing on the target first', () => {
    const name = 'open-slot';
    const meta = fixtureMeta(name);
    const o = meta.expected.openSlots[0]!;
    const s = steps(fixtureContext(name), 'resharding');
    expect(s['open-slots']!.verdict).toBe('problem');
    expect(text(s['open-slots'])).toContain(`${o.source.address} MIGRATING to ${o.target.address}`);
    expect(text(s['open-slots'])).toContain(`${o.target.address} IMPORTING from ${o.source.address}`);
    expect(text(s.keys)).toContain(
      `${o.source.address} has ${o.keysOnSource}, ${o.target.address} has ${o.keysOnTarget}`,
    );
    const plan = s.plan!.evidence.join('\n');
    const targetFirst = plan.indexOf(
      `-h ${o.target.address.split(':')[0]} -p 7000 cluster setslot ${o.slot} node ${o.target.id}`,
    );
    const sourceNext = plan.indexOf(
      `-h ${o.source.address.split(':')[0]} -p 7000 cluster setslot ${o.slot} node ${o.target.id}`,
    );
    expect(targetFirst).toBeGreaterThan(0);
    expect(sourceNext).toBeGreaterThan(targetFirst);
    expect(plan).toContain('migrate');
    expect(plan).not.toMatch(/REPLACE(?! a BUSYKEY| blindly|:)/);
  });

  it('closes a slot left IMPORTING on an empty target instead of moving keys', () => {
    const name = 'open-slot-importing-only';
    const o = fixtureMeta(name).expected.openSlots[0]!;
    const s = steps(fixtureContext(name), 'resharding');
    expect(s.plan!.evidence.join('\n')).toContain(
      `-h ${o.target.address.split(':')[0]} -p 7000 cluster setslot ${o.slot} stable`,
    );
    expect(s.plan!.evidence.join('\n')).not.toContain('migrate');
  });

  it('skips the key step honestly when counts are missing', () => {
    const s = steps(fixtureContext('open-slot', { keys: false }), 'resharding');
    expect(s.keys!.verdict).toBe('skipped');
    expect(text(s.keys)).toContain('countkeysinslot');
  });
});

describe('health runbook', () => {
  it('passes a healthy cluster', () => {
    const s = steps(fixtureContext('healthy'), 'health');
    for (const id of ['slots', 'replicas', 'bus-ports', 'placement', 'agreement'])
      expect(s[id]!.verdict, id).toBe('ok');
    expect(s['root-cause']!.verdict).toBe('ok');
  });

  it('flags a closed bus port', () => {
    const name = 'bus-port-blocked';
    const blocked = addr(name, 2);
    const s = steps(fixtureContext(name, { busClosed: [blocked] }), 'health');
    expect(s['bus-ports']!.verdict).toBe('problem');
    expect(text(s['bus-ports'])).toContain(`${blocked}: bus port 17000 closed`);
  });

  it('flags replicas on their master host', () => {
    const s = steps(fixtureContext('same-host-replicas'), 'health');
    expect(s.placement!.verdict).toBe('problem');
  });

  it('never says ok about a cluster it could not see', () => {
    const snapshot: ClusterSnapshot = {
      source: 'live',
      takenAt: '2026-11-22T00:00:00.000Z',
      observations: [
        { address: '127.0.0.9:7000', source: 'live', error: { kind: 'refused', message: 'refused' } },
      ],
      checkReports: [],
      parseIssues: [],
      warnings: [],
    };
    const ctx = { snapshot, model: buildModel(snapshot), diagnosis: diagnose(snapshot) };
    const s = steps(ctx, 'health');
    for (const id of ['slots', 'replicas', 'bus-ports', 'placement', 'agreement'])
      expect(s[id]!.verdict, id).toBe('skipped');
    expect(selectRunbook(ctx.diagnosis)).toBe('clusterdown');
    expect(steps(ctx, 'clusterdown').reachability!.verdict).toBe('problem');
  });
});

describe('step runner', () => {
  it('reports each step in order and survives a listener that throws', async () => {
    const ctx = fixtureContext('healthy');
    const seen: string[] = [];
    const results = await runSteps(ctx, 'health', (step, i, total) => {
      seen.push(`${i + 1}/${total} ${step.id}`);
      if (i === 0) throw new Error('transport down');
    });
    expect(results).toHaveLength(9);
    expect(seen[0]).toBe('1/9 slots');
    expect(seen.at(-1)).toBe('9/9 root-cause');
  });

  it('shows the password env var name, never a password, in commands', () => {
    const ctx = { ...fixtureContext('healthy'), auth: { username: 'ops', passwordEnv: 'PROD_PW' } };
    const s = steps(ctx, 'clusterdown');
    expect(s['cluster-state']!.command).toMatch(
      /^REDISCLI_AUTH="\$PROD_PW" redis-cli -h \S+ -p 7000 --user ops cluster info$/,
    );
  });
});
