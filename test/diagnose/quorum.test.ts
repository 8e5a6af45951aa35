/** QUORUM_LOST says what a lost quorum still allows, on recorded real clusters (one owner, two of three down). */
import { describe, expect, it } from 'vitest';
import { diagnose, diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { scenarioLive, scenarioPaste } from './scenario-fixtures.ts';

const quorum = (d: Diagnosis) => d.findings.find((f) => f.code === 'QUORUM_LOST');
const both = (name: string): [string, Diagnosis][] => [
  ['live', diagnose(scenarioLive(name))],
  ['paste', diagnosePaste(scenarioPaste(name))],
];

describe('QUORUM_LOST with a single slot owner (no-voters: size 1, needed 1)', () => {
  it.each(both('no-voters'))(
    '%s: does not claim no node can be marked fail, which the views disprove',
    (_, d) => {
      const f = quorum(d);
      expect(f?.message).toMatch(/^The only slot-owning master \(127\.\d+\.\d+\.1:7000\) is down/);
      expect(f?.message).not.toMatch(/no node can be marked fail/i);
      expect(f?.message).toContain('can still mark a down node fail');
      expect(f?.message).toContain('only masters that own slots vote');
      // The empty master did mark it fail: the message must agree with the evidence.
      expect(d.findings.some((x) => x.code === 'NODE_FAIL' && x.nodes.includes(f!.nodes[0]!))).toBe(true);
      expect(d.rootCauses.map((c) => c.code)).toEqual(['failover-not-possible-no-voters']);
    },
  );
});

describe('QUORUM_LOST with two of three owners down and no other master up', () => {
  it.each(both('majority-masters-down'))('%s: too few masters are up to mark anything fail', (_, d) => {
    const f = quorum(d);
    expect(f?.message).toMatch(/^Only 1 of 3 slot-owning masters is reachable; a majority of 2 is needed\./);
    expect(f?.message).toContain(
      'Too few masters are up to mark a node fail (2 failure reports are needed, 1 master is up)',
    );
    expect(d.rootCauses[0]?.code).toBe('quorum-lost');
    expect(d.rootCauses[0]?.explanation).toContain('too few masters are up to confirm them as fail');
  });
});
