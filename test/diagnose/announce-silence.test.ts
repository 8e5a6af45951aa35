/**
 * Issue 12 item 8: wrong-announced-address must never be read into a master that has just died. Input:
 * the recorded healthy cluster's six views (test/fixtures/healthy), probed live-like with a 5 s node
 * timeout, with one master killed: its probe refused and every peer's line for it rewritten as the peers
 * print it (disconnected, last pong and pending ping at chosen ages, flagged or not).
 */
import { describe, expect, it } from 'vitest';
import { parseClusterNodes } from '../../src/cluster/parse-nodes.ts';
import type { ClusterSnapshot, NodeObservation } from '../../src/cluster/types.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { scenarioLive } from './scenario-fixtures.ts';

const TIMEOUT = 5000;
const base = scenarioLive('healthy', { nodeTimeoutMs: TIMEOUT });
const target = '127.189.3.3:7000';
const clock = Math.max(
  ...base.observations.flatMap((o) => (o.nodes?.nodes ?? []).flatMap((l) => [l.pingSent, l.pongRecv])),
);

interface Peers {
  /** How long ago the last pong came, ms. */
  pong: number;
  /** How long ago the pending ping was sent, ms (0: no ping pending). */
  ping: number;
  flag?: 'fail?';
  /** master_link_down_since_seconds on its replica. */
  replicaDown?: number;
}

function killed(p: Peers): ClusterSnapshot {
  const observations: NodeObservation[] = base.observations.map((o) => {
    if (o.address === target)
      return {
        address: target,
        source: 'live',
        error: { kind: 'refused', message: `connect ECONNREFUSED ${target}` },
      };
    const text = (o.nodes?.nodes ?? [])
      .map((l) => {
        if (`${l.ip}:${l.port}` !== target) return l.raw;
        const f = l.raw.split(' ');
        if (p.flag) f[2] = `${f[2]},${p.flag}`;
        f[4] = p.ping > 0 ? String(clock - p.ping) : '0';
        f[5] = String(clock - p.pong);
        f[7] = 'disconnected';
        return f.join(' ');
      })
      .join('\n');
    const replication =
      p.replicaDown !== undefined && o.replication?.master_port && o.replication.master_host === '127.189.3.3'
        ? {
            ...o.replication,
            master_link_status: 'down',
            master_link_down_since_seconds: String(p.replicaDown),
          }
        : o.replication;
    return { ...o, nodes: parseClusterNodes(text), ...(replication ? { replication } : {}) };
  });
  return { ...base, observations };
}

const announced = (d: Diagnosis) => d.findings.filter((f) => f.code === 'WRONG_ANNOUNCED_ADDRESS');
const causes = (d: Diagnosis) => d.rootCauses.map((c) => c.code);

describe('a master killed moments ago (node timeout 5 s), before any peer flags it', () => {
  it.each([
    ['pong 7 s ago, ping pending 4 s (the false alarm of the reverted fix)', { pong: 7000, ping: 4000 }],
    ['pong 9.5 s ago, ping pending 4.9 s', { pong: 9500, ping: 4900 }],
    ['pong 6 s ago, no ping pending yet (the link broke first)', { pong: 6000, ping: 0 }],
    ['its replica lost the link 100 s earlier', { pong: 7000, ping: 4000, replicaDown: 100 }],
  ])('%s: no wrong-announced-address', (_, p) => {
    const d = diagnose(killed(p));
    expect(announced(d)).toEqual([]);
    expect(causes(d)).not.toContain('wrong-announced-address');
  });

  it('once flagged fail?, it is a master down, never an address problem', () => {
    const d = diagnose(killed({ pong: 12_000, ping: 7000, flag: 'fail?' }));
    expect(announced(d)).toEqual([]);
  });
});

describe('a master alive at an address nobody can reach (node timeout 5 s)', () => {
  it('no pong for 12 s and still unflagged: alive, wrong-announced-address (critical for a slot owner)', () => {
    const d = diagnose(killed({ pong: 12_000, ping: 12_000 }));
    expect(announced(d).map((f) => [f.nodes[0], f.severity])).toEqual([[target, 'critical']]);
    expect(causes(d)).toContain('wrong-announced-address');
  });

  it('a pending ping 6.5 s old and still unflagged: data still comes from it, so alive', () => {
    const d = diagnose(killed({ pong: 6600, ping: 6500 }));
    expect(announced(d).map((f) => f.nodes[0])).toEqual([target]);
  });
});
