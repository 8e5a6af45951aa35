/**
 * Frozen (SIGSTOPped) masters: the probe must give up on them (NODE_UNREACHABLE, timeout) and return,
 * and tell a completed failover from one the replica refused because it never synced.
 */
import { describe, expect, it } from 'vitest';
import { codes, codesFor, live, useScenario } from './helpers.ts';

describe('master frozen after its replica synced', () => {
  const get = useScenario('frozen-master-synced');
  it('times out on the frozen node, returns, and sees the replica took over', async () => {
    const s = get();
    const frozen = s.expected.frozen[0]!.address;
    const r = await live(s);
    const obs = r.snapshot.observations.find((o) => o.address === frozen);
    expect(obs?.error?.kind).toBe('timeout');
    expect(obs?.busPort?.open).toBe(true);
    expect(codesFor(r.diagnosis, frozen)).toContain('NODE_UNREACHABLE');
    expect(r.diagnosis.rootCauses.map((c) => c.code)).toContain('failover-completed');
  });
});

describe('master frozen before its replica ever synced', () => {
  const get = useScenario('frozen-master-unsynced');
  it('names failover-blocked with REPLICA_NOT_SYNCED and refuses to recommend a failover', async () => {
    const s = get();
    const frozen = s.expected.frozen[0]!.address;
    const r = await live(s);
    expect(r.snapshot.observations.find((o) => o.address === frozen)?.error?.kind).toBe('timeout');
    expect(codesFor(r.diagnosis, frozen)).toContain('NODE_UNREACHABLE');
    expect(codes(r.diagnosis)).toContain('REPLICA_NOT_SYNCED');
    expect(r.diagnosis.rootCauses[0]?.code).toBe('failover-blocked');
    for (const c of r.diagnosis.rootCauses) {
      expect(c.actions.map((a) => a.action)).not.toEqual(
        expect.arrayContaining(['failover', 'failover-force']),
      );
    }
    expect(r.runbook).toBe('failover');
    const variant = r.diagnosis.steps?.find((st) => st.id === 'variant');
    expect(variant?.verdict).toBe('problem');
    expect(variant?.command).not.toMatch(/cluster failover/);
  });
});
