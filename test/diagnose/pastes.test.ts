/**
 * Diagnoses of real pasted outputs: H1's paste-formats captures (partial pastes, check-only, single
 * views, abbreviated ids) and this suite's own captures (test/fixtures/diagnose-h3, see capture.sh).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { FIXTURES, slackMangle } from './scenario-fixtures.ts';

const real = (...names: string[]) =>
  names.map((n) => readFileSync(join(FIXTURES, 'paste-formats', 'real', `${n}.txt`), 'utf8')).join('\n');
const derived = (name: string) =>
  readFileSync(join(FIXTURES, 'paste-formats', 'derived', `${name}.txt`), 'utf8');
const mine = (dir: string) =>
  readdirSync(join(FIXTURES, 'diagnose-h3', dir))
    .sort()
    .map((f) => readFileSync(join(FIXTURES, 'diagnose-h3', dir, f), 'utf8'))
    .join('\n');

const codes = (d: Diagnosis) => d.rootCauses.map((c) => c.code);
const has = (d: Diagnosis, code: string) => d.findings.some((f) => f.code === code);

describe('partial pastes say what they could not see', () => {
  it('check output alone: slots uncovered, root cause undetermined, not a guess', () => {
    const d = diagnosePaste(real('down-check'));
    expect(codes(d)).toEqual(['undetermined']);
    const f = d.findings.find((x) => x.code === 'SLOTS_UNCOVERED');
    expect(f?.slots).toBe('10923-16383');
    expect(f?.severity).toBe('critical');
    expect(has(d, 'SLOTS_UNASSIGNED')).toBe(false);
    expect(has(d, 'EPOCH_COLLISION')).toBe(false);
    expect(d.visibility.summary).toMatch(/check output only/);
    expect(d.state).toBe('unknown');
  });

  it('one node just saw a master go fail?: undetermined (failover may be in progress), not blocked', () => {
    const d = diagnosePaste(real('pfail-nodes-n1'));
    expect(codes(d)).toEqual(['undetermined']);
    expect(d.rootCauses[0]!.summary).toMatch(/in progress/);
    expect(has(d, 'NODE_PFAIL')).toBe(true);
    expect(d.visibility).toMatchObject({ nodesSeen: 1, nodesKnown: 6 });
    expect(d.visibility.summary).toBe("1 of 6 nodes' own views pasted; 6 nodes known.");
    expect(d.warnings.join(' ')).toMatch(/INFO replication/);
  });

  it('promoted replica died too: master-failed-no-replica names its history', () => {
    const d = diagnosePaste(real('down-nodes-n1', 'down-cluster-info-n1'));
    expect(codes(d)).toEqual(['master-failed-no-replica']);
    expect(d.rootCauses[0]!.nodes).toEqual(['127.31.0.6:7000']);
    expect(d.rootCauses[0]!.explanation).toMatch(/taken over from 127\.31\.0\.3:7000/);
    expect(d.state).toBe('fail');
  });

  it('a Slack-fenced, entity-escaped single view gives the same diagnosis', () => {
    const a = diagnosePaste(real('down-nodes-n1'));
    const b = diagnosePaste(derived('slack-fenced-nodes'));
    expect(codes(b)).toEqual(codes(a));
    expect(b.fingerprint).toBe(a.fingerprint);
  });

  it('abbreviated ids still resolve the open slot peers', () => {
    const d = diagnosePaste(derived('abbreviated-nodes'));
    expect(codes(d)[0]).toBe('resharding-interrupted');
    expect(d.findings.find((f) => f.code === 'OPEN_SLOT')?.message).toMatch(/127\.31\.0\.2:7000/);
  });

  it('a truncated paste is called out', () => {
    const d = diagnosePaste(real('healthy-cluster-info-n1') + derived('truncated-nodes'));
    const f = d.findings.find((x) => x.code === 'PASTE_INCOMPLETE');
    expect(f?.severity).toBe('warning');
    expect(d.visibility.nodesAtLeast).toBe(6);
  });

  it('three views of a half-finished migration: resharding-interrupted, handshake is not truncation', () => {
    const d = diagnosePaste(real('migrating-nodes-n1', 'migrating-nodes-n2', 'migrating-nodes-n3'));
    expect(codes(d)[0]).toBe('resharding-interrupted');
    expect(d.findings.filter((f) => f.code === 'OPEN_SLOT').map((f) => f.slots)).toEqual(['100', '200']);
    expect(has(d, 'PASTE_INCOMPLETE')).toBe(false);
    expect(has(d, 'NODE_HANDSHAKE')).toBe(true);
  });
});

describe('own captures (diagnose-h3)', () => {
  it('quorum lost with 4 survivors pasted', () => {
    const d = diagnosePaste(mine('quorum-lost'));
    expect(codes(d)[0]).toBe('quorum-lost');
    expect(d.rootCauses[0]!.nodes.sort()).toEqual(['127.53.1.2:7000', '127.53.1.3:7000']);
    expect(codes(d)).not.toContain('master-failed-no-replica');
  });

  it('unassigned slots: slots-never-assigned 5000-5460', () => {
    const d = diagnosePaste(mine('unassigned'));
    expect(codes(d)).toEqual(['slots-never-assigned']);
    expect(d.rootCauses[0]!.slots).toBe('5000-5460');
  });

  it('nofailover replica: failover-blocked with a forced failover offered (quorum intact)', () => {
    const d = diagnosePaste(slackMangle(mine('nofailover')));
    expect(codes(d)[0]).toBe('failover-blocked');
    expect(d.rootCauses[0]!.explanation).toMatch(/nofailover/);
    expect(d.rootCauses[0]!.actions.map((a) => a.action)).toEqual(['restart-node', 'failover-force']);
    expect(has(d, 'REPLICA_NOT_SYNCED')).toBe(false);
  });

  it('master without replica killed', () => {
    const d = diagnosePaste(mine('master-killed-no-replica'));
    expect(codes(d)).toEqual(['master-failed-no-replica']);
    expect(d.rootCauses[0]!.nodes).toEqual(['127.53.3.3:7000']);
  });

  it('every node on one host: same-host replicas and a host holding the majority', () => {
    const d = diagnosePaste(mine('same-host'));
    expect(codes(d)).toEqual(['healthy']);
    expect(d.findings.find((f) => f.code === 'REPLICA_SAME_HOST')?.evidence).toHaveLength(3);
    expect(has(d, 'HOST_HOLDS_MAJORITY')).toBe(true);
  });
});

describe('inputs with nothing to diagnose', () => {
  it.each([[''], ['hello world\nthis is not redis'], ['\u0000\u0001 garbage ```']])(
    'never throws: %j',
    (text) => {
      const d = diagnosePaste(text);
      expect(codes(d)).toEqual(['undetermined']);
      expect(d.state).toBe('unknown');
      expect(d.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    },
  );
});
