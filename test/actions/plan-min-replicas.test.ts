/**
 * min-replicas-to-write in the planners, over recorded clusters with the setting written into what the
 * probe read (CONFIG GET and INFO replication, as Redis 7.0 prints them): del-node of a replica its master
 * needs is refused with ACTION_MIN_REPLICAS (even with allow-no-replica), naming the master, the setting,
 * what it keeps and the exact CONFIG SET; a max-lag of 0 turns it off; an unread setting is a risk, not a
 * refusal, unless INFO proves the master would have none; a default failover to a replica demanding more
 * replicas than it gets is refused, a TAKEOVER only warned; slot moves from or to a master refusing writes
 * are refused; the diagnosis names such a master (MASTER_REFUSES_WRITES, writes-refused).
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/registry.ts';
import type { PlanInput } from '../../src/actions/types.ts';
import { buildModel } from '../../src/cluster/model.ts';
import type { ClusterSnapshot, NodeConfig, NodeObservation } from '../../src/cluster/types.ts';
import { diagnose, diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { ActionParams } from '../../src/diagnose/types.ts';
import { runStepsSync } from '../../src/runbooks/run.ts';
import { scenarioPaste } from '../diagnose/scenario-fixtures.ts';
import { fixtureSnapshot } from '../runbooks/fixture-snapshot.ts';
import { asPlan, asRefusal, fixtureInput } from './plan-input.ts';

const [A, B, RA, RB] = ['127.189.3.1:7000', '127.189.3.2:7000', '127.189.3.4:7000', '127.189.3.5:7000'];
const ID = { A: '1c0a71855b504c0a1f1db66727f344f830083c0b', RB: 'd8928f180e3015993ec0e8b59453266986b44398' };
const NOPERM = "NOPERM User diag has no permissions to run the 'config|get' command";

const obs = (s: ClusterSnapshot, address: string): NodeObservation =>
  s.observations.find((o) => o.address === address)!;

/** `address` as Redis prints it with min-replicas-to-write `n` (max-lag `lag`) and `good` good replicas. */
function setMin(s: ClusterSnapshot, address: string, n: number, good: number, lag = 10): void {
  const o = obs(s, address);
  o.config = { ...o.config, minReplicasToWrite: n, minReplicasMaxLag: lag } satisfies NodeConfig;
  if (n > 0 && lag > 0 && o.replication?.role === 'master')
    o.replication = { ...o.replication, min_slaves_good_slaves: String(good) };
}

/** CONFIG GET denied on `address`, as the probe records it. */
function deny(s: ClusterSnapshot, address: string): void {
  const o = obs(s, address);
  delete o.config;
  o.configError = NOPERM;
}

/** RB follows A instead of B in every view, and A's INFO lists it: A gets two replicas. */
function twoReplicasOnA(s: ClusterSnapshot): void {
  for (const o of s.observations) for (const l of o.nodes?.nodes ?? []) if (l.id === ID.RB) l.masterId = ID.A;
  const a = obs(s, A);
  a.replication = {
    ...a.replication,
    connected_slaves: '2',
    slave1: 'ip=127.189.3.5,port=7000,state=online,offset=305,lag=0',
  };
  const b = obs(s, B);
  b.replication = { ...b.replication, connected_slaves: '0' };
  delete b.replication['slave0'];
}

function plan(
  action: string,
  scenario: string,
  params: ActionParams,
  edit: (s: ClusterSnapshot) => void,
): ReturnType<typeof makePlan> {
  const input: PlanInput = fixtureInput(scenario, params, edit);
  return makePlan(action as Parameters<typeof makePlan>[0], input);
}
const texts = (p: ReturnType<typeof asPlan>) => p.risks.map((r) => r.text).join('\n');

describe('del-node of a replica its master needs', () => {
  it('refused with ACTION_MIN_REPLICAS, even with allow-no-replica: master, setting, what it keeps, the exact CONFIG SET', () => {
    for (const allow of [undefined, ['allow-no-replica' as const]]) {
      const r = asRefusal(
        plan('del-node', 'healthy', { node: RA, ...(allow ? { allow } : {}) }, (s) => setMin(s, A, 1, 1)),
      );
      expect(r.code).toBe('ACTION_MIN_REPLICAS');
      expect(r.reasons[0]).toBe(
        `${A} runs with min-replicas-to-write 1 (min-replicas-max-lag 10 s) and counts 1 good replica now; without ${RA} it would have 0 good replicas, fewer than it demands: it would refuse every write to its 5461 slots with NOREPLICAS (reads still work)`,
      );
      expect(r.reasons).toContain(`min_slaves_good_slaves:1 on ${A}`);
      expect(r.hint).toContain(`add-replica --master ${A}`);
      expect(r.hint).toContain('redis-cli -h 127.189.3.1 -p 7000 CONFIG SET min-replicas-to-write 0');
      expect(r.hint).toContain('redis-runbook does not run it');
    }
  });

  it('with two replicas: planned, and the risks say it keeps exactly what it demands', () => {
    const p = asPlan(
      plan('del-node', 'healthy', { node: RA }, (s) => {
        twoReplicasOnA(s);
        setMin(s, A, 1, 2);
      }),
    );
    expect(p.dangerous).toEqual([]);
    expect(texts(p)).toContain(
      `${A} runs with min-replicas-to-write 1 (min-replicas-max-lag 10 s); without ${RA} it would have exactly 1 good replica (${RB}): if one of them fails or lags more than 10 s, ${A} refuses every write with NOREPLICAS until it is back.`,
    );
    const roomy = asPlan(
      plan('del-node', 'healthy', { node: RA }, (s) => {
        twoReplicasOnA(s);
        setMin(s, A, 0, 2);
      }),
    );
    expect(texts(roomy)).not.toContain('min-replicas');
  });

  it('min-replicas-max-lag 0 turns it off: only the last-copy rule applies', () => {
    const r = asRefusal(plan('del-node', 'healthy', { node: RA }, (s) => setMin(s, A, 1, 0, 0)));
    expect(r.code).toBe('ACTION_REFUSED');
    expect(r.hint).toContain('--allow-no-replica');
    const p = asPlan(
      plan('del-node', 'healthy', { node: RA, allow: ['allow-no-replica'] }, (s) => setMin(s, A, 1, 0, 0)),
    );
    expect(texts(p)).not.toContain('NOREPLICAS');
  });

  it('CONFIG denied: a risk with the check, not a refusal; unless INFO shows the setting on and none would be left', () => {
    const unknown = asPlan(
      plan('del-node', 'healthy', { node: RA }, (s) => {
        twoReplicasOnA(s);
        setMin(s, A, 1, 2);
        deny(s, A);
      }),
    );
    expect(unknown.risks).toContainEqual({
      kind: 'availability',
      text: `${A} enforces min-replicas-to-write set (at least 1: INFO replication shows min_slaves_good_slaves:2), and its value could not be read (CONFIG GET failed on ${A}: ${NOPERM}); without ${RA} it would have 1 good replica (${RB}): if the setting is above 1, it refuses every write with NOREPLICAS. Check first: redis-cli -h 127.189.3.1 -p 7000 CONFIG GET min-replicas-to-write`,
    });
    // Neither CONFIG nor INFO replication read: nothing is known.
    const blind = asPlan(
      plan('del-node', 'healthy', { node: RA, allow: ['allow-no-replica'] }, (s) => {
        deny(s, A);
        delete obs(s, A).replication;
      }),
    );
    expect(texts(blind)).toContain(`${A}: its min-replicas-to-write could not be read (CONFIG GET failed`);
    // INFO shows the setting on (min_slaves_good_slaves printed) and A would keep none: refused.
    const proven = asRefusal(
      plan('del-node', 'healthy', { node: RA, allow: ['allow-no-replica'] }, (s) => {
        setMin(s, A, 1, 1);
        deny(s, A);
      }),
    );
    expect(proven.code).toBe('ACTION_MIN_REPLICAS');
    // CONFIG denied, INFO without the field: the master does not enforce it.
    const off = asPlan(
      plan('del-node', 'healthy', { node: RA, allow: ['allow-no-replica'] }, (s) => deny(s, A)),
    );
    expect(texts(off)).not.toContain('min-replicas');
  });
});

describe('forget-node of a replica its master still counts', () => {
  it('a risk, not a refusal: FORGET keeps the link, stopping the replica takes it away', () => {
    const p = asPlan(
      plan('forget-node', 'healthy', { node: RA }, (s) => {
        setMin(s, A, 1, 1);
        // RA cut off from us and flagged fail by its peers, while A still lists it online.
        const ra = obs(s, RA);
        ra.error = { kind: 'refused', message: 'connect ECONNREFUSED' };
        delete ra.nodes;
        delete ra.replication;
        for (const o of s.observations)
          for (const l of o.nodes?.nodes ?? []) if (l.ip === '127.189.3.4') l.flags = ['slave', 'fail'];
      }),
    );
    expect(texts(p)).toContain(
      `${A} still counts ${RA} as a good replica (its INFO replication lists it online)`,
    );
    expect(p.risks).toContainEqual(
      expect.objectContaining({
        kind: 'availability',
        text: expect.stringContaining(`without ${RA} it would have 0 good replicas, fewer than it demands`),
      }),
    );
  });
});

describe('restart-node of a live replica its master needs', () => {
  it('refused when a root cause recommends it and the master would fall short; planned when it would not', () => {
    const input = (n: number) => {
      const i = fixtureInput('healthy', { node: RA }, (s) => setMin(s, A, n, 1));
      // As if a root cause recommended restarting RA (none of the recorded ones names a live replica).
      i.diagnosis.rootCauses.push({
        code: 'undetermined',
        summary: '',
        explanation: '',
        nodes: [RA],
        slots: '',
        actions: [{ action: 'restart-node', target: RA, why: 'test', params: { node: RA } }],
      });
      return makePlan('restart-node', i);
    };
    const r = asRefusal(input(1));
    expect(r.code).toBe('ACTION_MIN_REPLICAS');
    expect(r.reasons[0]).toContain(`without ${RA} it would have 0 good replicas`);
    expect(asPlan(input(0)).mutates).toBe(false);
  });
});

describe('failover', () => {
  it('a default failover to a replica that demands more replicas than it gets: refused', () => {
    const r = asRefusal(plan('failover', 'healthy', { node: RA }, (s) => setMin(s, RA, 2, 0)));
    expect(r.code).toBe('ACTION_MIN_REPLICAS');
    expect(r.reasons[0]).toBe(
      `${RA} runs with min-replicas-to-write 2 (min-replicas-max-lag 10 s); after the failover it would have 1 good replica (${A}), fewer than it demands: it would refuse every write to its 5461 slots with NOREPLICAS (reads still work)`,
    );
    expect(r.hint).toContain('redis-cli -h 127.189.3.4 -p 7000 CONFIG SET min-replicas-to-write 1');
  });

  it('enough: planned, with the short NOREPLICAS window after the swap; a setting the replica lacks is said', () => {
    const p = asPlan(
      plan('failover', 'healthy', { node: RA }, (s) => {
        setMin(s, RA, 1, 0);
        setMin(s, A, 1, 1);
      }),
    );
    expect(texts(p)).toContain(
      `Right after the swap ${RA} counts no good replica until ${A} has reconnected to it`,
    );
    const lax = asPlan(
      plan('failover', 'healthy', { node: RA }, (s) => {
        setMin(s, RA, 0, 0);
        setMin(s, A, 1, 1);
      }),
    );
    expect(texts(lax)).toContain(
      `${A} runs with min-replicas-to-write 1 (min-replicas-max-lag 10 s), ${RA} with min-replicas-to-write 0: after the failover writes to these slots are accepted without any replica having them.`,
    );
  });

  it('TAKEOVER of a dead master: the promoted replica will refuse writes, a risk, not a refusal', () => {
    const R = '127.46.108.4:7000';
    const p = asPlan(
      plan('failover-takeover', 'majority-masters-down', { node: R }, (s) => setMin(s, R, 1, 0)),
    );
    expect(p.risks).toContainEqual(
      expect.objectContaining({
        kind: 'availability',
        text: expect.stringContaining(
          `${R} runs with min-replicas-to-write 1 (min-replicas-max-lag 10 s); after the failover it would have 0 good replicas, fewer than it demands`,
        ),
      }),
    );
    expect(texts(p)).toContain('redis-cli -h 127.46.108.4 -p 7000 CONFIG SET min-replicas-to-write 0');
  });
});

describe('a master refusing writes now', () => {
  const R = '127.101.28.4:7000';
  const refusing = (s: ClusterSnapshot) => setMin(s, R, 1, 0);

  it('the diagnosis: MASTER_REFUSES_WRITES (critical) and the writes-refused cause', () => {
    const input = fixtureInput('failover-completed', {}, refusing);
    const f = input.diagnosis.findings.find((x) => x.code === 'MASTER_REFUSES_WRITES');
    expect(f).toMatchObject({ severity: 'critical', nodes: [R], slots: '0-5460' });
    expect(f?.message).toContain(
      'min-replicas-to-write 1 (min-replicas-max-lag 10 s) and counts 0 good replicas',
    );
    expect(f?.evidence).toEqual([
      `min-replicas-to-write 1 on ${R}`,
      `min-replicas-max-lag 10 on ${R}`,
      `min_slaves_good_slaves:0 on ${R}`,
      `connected_slaves:0 on ${R}`,
    ]);
    const cause = input.diagnosis.rootCauses.find((c) => c.code === 'writes-refused');
    expect(cause?.actions.map((a) => a.action)).toEqual(['add-replica']);
    const done = input.diagnosis.rootCauses.find((c) => c.code === 'failover-completed');
    expect(done?.explanation).toContain(`reads work, but ${R} refuses writes`);
    expect(input.diagnosis.rootCauses.map((c) => c.code)).not.toContain('undetermined');
    // Without the setting nothing of this is said.
    const calm = fixtureInput('failover-completed');
    expect(calm.diagnosis.findings.map((x) => x.code)).not.toContain('MASTER_REFUSES_WRITES');
  });

  it('from a paste: INFO replication with min_slaves_good_slaves:0 (printed only while the setting is on)', () => {
    const info = `${R}> INFO replication\n# Replication\nrole:master\nconnected_slaves:0\n`;
    const text = scenarioPaste('failover-completed');
    expect(text).toContain(info);
    const d = diagnosePaste(text.replace(info, `${info}min_slaves_good_slaves:0\n`));
    const f = d.findings.find((x) => x.code === 'MASTER_REFUSES_WRITES');
    expect(f?.message).toContain(
      'runs with min-replicas-to-write set (at least 1: INFO replication shows min_slaves_good_slaves:0) and counts 0 good replicas',
    );
    expect(d.rootCauses.map((c) => c.code)).toEqual(['writes-refused', 'failover-completed']);
    expect(diagnosePaste(text).findings.map((x) => x.code)).not.toContain('MASTER_REFUSES_WRITES');
  });

  it('slot moves from or to it are refused: MIGRATE is a write on both sides', () => {
    const B2 = '127.101.28.2:7000';
    const from = asRefusal(plan('reshard', 'failover-completed', { from: R, to: B2, slots: 10 }, refusing));
    expect(from.code).toBe('ACTION_MIN_REPLICAS');
    expect(from.reasons[0]).toContain(`${R} refuses writes now (min-replicas-to-write 1`);
    expect(from.reasons[0]).toContain(`MIGRATE on ${R} would fail with NOREPLICAS`);
    const to = asRefusal(plan('reshard', 'failover-completed', { from: B2, to: R, slots: 10 }, refusing));
    expect(to.reasons[0]).toContain(`every MIGRATE into ${R} would fail with NOREPLICAS`);
    expect(to.hint).toContain('redis-cli -h 127.101.28.4 -p 7000 CONFIG SET min-replicas-to-write 0');
  });
});

describe('fix-coverage and masters refusing writes', () => {
  const [M1, M2, M3] = ['127.238.13.1:7000', '127.238.13.2:7000', '127.238.13.3:7000'];
  const assignedTo = (p: ReturnType<typeof asPlan>) =>
    new Set(p.steps.flatMap((s) => (s.kind === 'assign-slots' ? [s.node.address] : [])));

  it('gives the empty slots to masters that take writes, not to one refusing them now', () => {
    const p = asPlan(plan('fix-coverage', 'slots-unassigned', {}, (s) => setMin(s, M1, 1, 0)));
    expect(assignedTo(p).has(M1)).toBe(false);
    expect([...assignedTo(p)].length).toBeGreaterThan(0);
    expect(texts(p)).not.toContain('refuses writes now');
  });

  it('when every master refuses writes, still covers the slots and says they are served for reads only', () => {
    const p = asPlan(
      plan('fix-coverage', 'slots-unassigned', {}, (s) => {
        for (const m of [M1, M2, M3]) setMin(s, m, 1, 0);
      }),
    );
    expect(assignedTo(p).size).toBeGreaterThan(0);
    expect(texts(p)).toMatch(
      /refuses writes now \(min-replicas-to-write 1.*\): .* will be served for reads only/,
    );
  });
});

describe('the health runbook: does every master accept writes?', () => {
  const writesStep = (edit: (s: ClusterSnapshot) => void) => {
    const snapshot = fixtureSnapshot('healthy');
    edit(snapshot);
    const ctx = { snapshot, model: buildModel(snapshot), diagnosis: diagnose(snapshot) };
    return runStepsSync(ctx, 'health').find((r) => r.id === 'writes')!;
  };

  it('a problem naming the master that refuses writes', () => {
    const step = writesStep((s) => setMin(s, A, 1, 0));
    expect(step.verdict).toBe('problem');
    expect(step.evidence.join('\n')).toContain(`Master ${A}`);
    expect(step.evidence.join('\n')).toContain('NOREPLICAS');
  });

  it('ok when the setting is met, and says what it could not read', () => {
    const met = writesStep((s) => setMin(s, A, 1, 1));
    expect(met.verdict).toBe('ok');
    expect(met.evidence[0]).toBe('1 master enforces min-replicas-to-write and counts enough good replicas.');
    // CONFIG GET denied and no INFO replication: nothing says whether B enforces it.
    const denied = writesStep((s) => {
      deny(s, B);
      delete obs(s, B).replication;
    });
    expect(denied.verdict).toBe('ok');
    expect(denied.evidence.join('\n')).toContain(`Not read on ${B}`);
  });
});
