/** Live diagnosis of clusters whose nodes died: no replica, failover done, majority lost, partial coverage. */
import { describe, expect, it } from 'vitest';
import { codes, codesFor, live, useScenario } from './helpers.ts';

describe('master killed without a replica', () => {
  const get = useScenario('master-killed-no-replica');
  it('names master-failed-no-replica, the refused node and its slots', async () => {
    const s = get();
    const victim = s.expected.killed[0]!.address;
    const r = await live(s);
    const obs = r.snapshot.observations.find((o) => o.address === victim);
    expect(obs?.error?.kind).toBe('refused');
    expect(obs?.busPort?.open).toBe(false);
    expect(r.diagnosis.state).toBe('fail');
    expect(r.diagnosis.rootCauses[0]).toMatchObject({ code: 'master-failed-no-replica', slots: '0-5460' });
    expect(codesFor(r.diagnosis, victim)).toEqual(
      expect.arrayContaining(['SLOTS_OWNER_DOWN', 'NODE_UNREACHABLE']),
    );
    expect(r.runbook).toBe('clusterdown');
    expect(r.diagnosis.steps?.map((st) => st.verdict)).toEqual([
      'problem',
      'problem',
      'problem',
      'skipped',
      'problem',
      'problem',
    ]);
  });
});

describe('failover completed', () => {
  const get = useScenario('failover-completed');
  it('sees the promoted replica serving and the old master gone', async () => {
    const s = get();
    const r = await live(s);
    expect(r.diagnosis.rootCauses.map((c) => c.code)).toContain('failover-completed');
    expect(r.diagnosis.state).toBe('ok');
    const promoted = r.snapshot.observations.find((o) => o.address === s.expected.promoted!.replica.address);
    expect(promoted?.replication?.role).toBe('master');
    expect(r.runbook).toBe('failover');
  });
});

describe('two of three masters killed', () => {
  const get = useScenario('majority-masters-down');
  it('names quorum-lost and both dead masters', async () => {
    const r = await live(get());
    expect(r.diagnosis.rootCauses[0]?.code).toBe('quorum-lost');
    expect(codes(r.diagnosis)).toContain('QUORUM_LOST');
    expect(r.runbook).toBe('clusterdown');
    const failed = r.diagnosis.steps?.find((st) => st.id === 'failed-nodes')?.evidence.join('\n') ?? '';
    for (const k of get().expected.killed) expect(failed).toContain(k.address);
  });
});

describe('dead master with cluster-require-full-coverage no', () => {
  const get = useScenario('no-full-coverage-dead-master');
  it('reports partial coverage: the other slots keep working', async () => {
    const s = get();
    const r = await live(s);
    expect(codes(r.diagnosis)).toContain('PARTIAL_COVERAGE');
    expect(codes(r.diagnosis)).not.toContain('FULL_COVERAGE_REQUIRED');
    expect(r.diagnosis.rootCauses[0]?.code).toBe('master-failed-no-replica');
    for (const o of r.snapshot.observations.filter((x) => !x.error))
      expect(o.config?.requireFullCoverage).toBe(false);
  });
});
