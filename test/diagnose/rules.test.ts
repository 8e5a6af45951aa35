/**
 * Rules and precedence on edited copies of real snapshots: partitions (and why one view cannot prove
 * one), live probe errors, replication lag and sync state, settings, epochs, and never throwing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { snapshotFromPaste } from '../../src/cluster/paste.ts';
import type { ClusterSnapshot, NodeObservation } from '../../src/cluster/types.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { FIXTURES, hasScenario, scenarioLive } from './scenario-fixtures.ts';

const real = (name: string) => readFileSync(join(FIXTURES, 'paste-formats', 'real', `${name}.txt`), 'utf8');
const codes = (d: Diagnosis) => d.rootCauses.map((c) => c.code);
const find = (d: Diagnosis, code: string) => d.findings.filter((f) => f.code === code);
const CONFIG = {
  requireFullCoverage: true,
  nodeTimeoutMs: 2000,
  replicaValidityFactor: 10,
  allowReadsWhenDown: false,
};

/** Flags the line of `addr` in a CLUSTER NODES text with an extra flag. */
function flag(text: string, addr: string, extra: string): string {
  return text
    .split('\n')
    .map((l) => {
      const f = l.split(' ');
      if (!f[1]?.startsWith(`${addr}@`)) return l;
      f[2] = `${f[2]},${extra}`;
      return f.join(' ');
    })
    .join('\n');
}

describe('network partitions', () => {
  it('two live masters that each flag the other: network-partition, no restart advice for them', () => {
    const n1 = flag(real('healthy-nodes-n1'), '127.31.0.2:7000', 'fail?');
    const n2 = flag(real('healthy-nodes-n2'), '127.31.0.1:7000', 'fail?');
    const d = diagnose(snapshotFromPaste(`${n1}\n${n2}\n${real('healthy-nodes-n3')}`));
    expect(codes(d)[0]).toBe('network-partition');
    expect(codes(d)).not.toContain('master-failed-no-replica');
    expect(d.rootCauses[0]!.nodes.sort()).toEqual(['127.31.0.1:7000', '127.31.0.2:7000']);
    expect(d.rootCauses[0]!.actions).toEqual([]);
    expect(find(d, 'VIEWS_DIFFER')).toHaveLength(1);
  });

  it('the same fail? flag in a single view is never called a partition', () => {
    const n1 = flag(real('healthy-nodes-n1'), '127.31.0.2:7000', 'fail?');
    const d = diagnose(snapshotFromPaste(n1));
    expect(codes(d)).not.toContain('network-partition');
    expect(codes(d)).toEqual(['undetermined']);
    expect(find(d, 'SLOTS_OWNER_DOWN')[0]?.nodes).toEqual(['127.31.0.2:7000']);
  });
});

const live = hasScenario('healthy') ? describe : describe.skip;

live('live observations', () => {
  const snap = (edit: (obs: NodeObservation[]) => void): ClusterSnapshot => {
    const s = scenarioLive('healthy', CONFIG);
    edit(s.observations);
    return s;
  };
  const master = (obs: NodeObservation[]) => obs.find((o) => o.replication?.role === 'master')!;

  it('auth, loading, not-cluster and a closed bus port each get their code', () => {
    const d = diagnose(
      snap((obs) => {
        obs[0]!.error = { kind: 'loading', message: 'LOADING Redis is loading the dataset in memory' };
        delete obs[0]!.nodes;
        obs[1]!.error = { kind: 'auth', message: 'WRONGPASS invalid username-password pair' };
        delete obs[1]!.nodes;
        obs[2]!.busPort = { port: 17000, open: false, error: 'ECONNREFUSED' };
        obs[3]!.error = { kind: 'not-cluster', message: 'cluster_enabled:0' };
        delete obs[3]!.nodes;
      }),
    );
    expect(find(d, 'NODE_LOADING')[0]).toMatchObject({ severity: 'critical' });
    expect(find(d, 'NODE_AUTH_FAILED')[0]?.message).toMatch(/missing from this diagnosis/);
    expect(find(d, 'BUS_PORT_UNREACHABLE')).toHaveLength(1);
    expect(find(d, 'NODE_NOT_CLUSTER')).toHaveLength(1);
  });

  it('no node answers: critical NODE_UNREACHABLE and an undetermined cause, state unknown', () => {
    const d = diagnose(
      snap((obs) => {
        for (const o of obs) {
          for (const k of ['nodes', 'clusterInfo', 'replication', 'config'] as const) delete o[k];
          o.error = { kind: 'timeout', message: 'connect timed out after 1000 ms' };
        }
      }),
    );
    expect(d.state).toBe('unknown');
    expect(codes(d)).toEqual(['undetermined']);
    expect(find(d, 'NODE_UNREACHABLE').every((f) => f.severity === 'critical')).toBe(true);
    expect(d.visibility.nodesSeen).toBe(0);
  });

  it('replication lag beyond the threshold, configurable', () => {
    const s = snap((obs) => {
      const m = master(obs).replication!;
      m.master_repl_offset = String(Number(m.master_repl_offset) + 3 * 1024 * 1024);
    });
    expect(find(diagnose(s), 'REPLICATION_LAG')).toHaveLength(1);
    expect(find(diagnose(s, { replicationLagBytes: 8 * 1024 * 1024 }), 'REPLICATION_LAG')).toHaveLength(0);
  });

  it('a replica still syncing is REPLICA_NOT_SYNCED and not a healthy replica', () => {
    const d = diagnose(
      snap((obs) => {
        const m = master(obs).replication!;
        const key = Object.keys(m).find((k) => /^slave\d+$/.test(k))!;
        m[key] = m[key]!.replace('state=online', 'state=wait_bgsave');
      }),
    );
    expect(find(d, 'REPLICA_NOT_SYNCED')[0]?.severity).toBe('warning');
    expect(find(d, 'MASTER_WITHOUT_REPLICA')).toHaveLength(1);
  });

  it('settings: low node timeout is info; unknown settings are named in warnings', () => {
    const low = diagnose(
      snap((obs) => {
        for (const o of obs) o.config = { ...CONFIG, nodeTimeoutMs: 500 };
      }),
    );
    expect(find(low, 'NODE_TIMEOUT_LOW')[0]?.severity).toBe('info');
    const none = diagnose(
      snap((obs) => {
        for (const o of obs) delete o.config;
      }),
    );
    expect(none.warnings.join(' ')).toMatch(/cluster-require-full-coverage \(yes\)/);
  });
});

describe('epochs and robustness', () => {
  it('two slot-owning masters with one configEpoch: EPOCH_COLLISION', () => {
    const lines = real('healthy-nodes-n1').split('\n');
    const epochOf1 = lines.find((l) => l.includes('127.31.0.1:7000@'))!.split(' ')[6];
    const text = lines
      .map((l) => {
        if (!l.includes('127.31.0.2:7000@')) return l;
        const f = l.split(' ');
        f[6] = epochOf1!;
        return f.join(' ');
      })
      .join('\n');
    const d = diagnose(snapshotFromPaste(text));
    expect(find(d, 'EPOCH_COLLISION')[0]?.nodes.sort()).toEqual(['127.31.0.1:7000', '127.31.0.2:7000']);
  });

  it('never throws on a malformed snapshot', () => {
    const bad = {
      source: 'live',
      takenAt: 'x',
      observations: [{ address: 'a', source: 'live', nodes: { observer: null, nodes: null } }],
      checkReports: [],
      parseIssues: [],
      warnings: [],
    } as unknown as ClusterSnapshot;
    const d = diagnose(bad);
    expect(d.rootCauses.length).toBeGreaterThan(0);
    expect(d.state).toBe('unknown');
  });
});
