/**
 * lineIndex: the fast path (the model's per-line node indexes) must give exactly what resolving every
 * printed id gives (the path taken when the model's views do not line up with the snapshot).
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/cluster/model.ts';
import { snapshotFromPaste } from '../../src/cluster/paste.ts';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { type LineIndex, lineIndex } from '../../src/diagnose/identity.ts';
import { scenarioLive, scenarioNames, scenarioPaste } from './scenario-fixtures.ts';

function both(snapshot: ClusterSnapshot): { fast: LineIndex; slow: LineIndex } {
  const model = buildModel(snapshot);
  const fast = lineIndex({ snapshot, model });
  // Same model without the per-line node indexes: lineIndex has to resolve every id itself.
  const bare = { ...model, views: model.views.map(({ lineNodes: _ln, ...v }) => v) };
  const slow = lineIndex({ snapshot, model: bare });
  return { fast, slow };
}

function flat(idx: LineIndex) {
  const side = <T extends { observer: string; address: string; line: { raw: string } }>(
    m: Map<string, T[]>,
  ) => [...m.entries()].map(([id, list]) => [id, list.map((e) => [e.observer, e.address, e.line.raw])]);
  return {
    peers: side(idx.peers),
    own: side(idx.own),
    observerIds: [...idx.peers.values()].flat().map((p) => p.observerId),
    viewSizes: [...idx.own.values()].flat().map((o) => o.viewSize),
  };
}

/** What the summary shortcuts must say, by scanning every peer line. */
function checkSummary(snapshot: ClusterSnapshot, idx: LineIndex): number {
  const model = buildModel(snapshot);
  let checked = 0;
  for (const n of model.nodes) {
    const lines = idx.peers.get(n.id) ?? [];
    const addrs = new Set(lines.map((p) => p.address));
    expect(idx.summary?.peersAllAt(n.id)).toBe(addrs.size === 1 ? [...addrs][0] : null);
    expect(idx.summary?.peerEmptyIp(n.id)).toBe(lines.some((p) => p.line.ip === ''));
    checked++;
  }
  return checked;
}

const ABBREVIATED = `e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.1:30001@31001 myself,master - 0 0 1 connected 0-5460
67ed2db8... 127.0.0.1:30002@31002 master - 0 1426238316232 2 connected 5461-10922
292f8b36... 127.0.0.1:30003@31003 master - 0 1426238318243 3 connected 10923-16383
`;

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
/** Three views: A and B list C at different addresses, and B lists A with an empty ip. */
const MIXED = [
  '10.0.0.1:7000> CLUSTER NODES',
  `${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460`,
  `${B} 10.0.0.2:7000@17000 master - 0 1700000000000 2 connected 5461-10922`,
  `${C} 10.0.0.3:7000@17000 master - 0 1700000000000 3 connected 10923-16383`,
  '10.0.0.2:7000> CLUSTER NODES',
  `${A} :7000@17000 master - 0 1700000000000 1 connected 0-5460`,
  `${B} 10.0.0.2:7000@17000 myself,master - 0 0 2 connected 5461-10922`,
  `${C} 10.0.0.9:7000@17000 master - 1700000000000 1700000000000 3 disconnected 10923-16383`,
  '10.0.0.3:7000> CLUSTER NODES',
  `${A} 10.0.0.1:7000@17000 master - 0 1700000000000 1 connected 0-5460`,
  `${B} 10.0.0.2:7000@17000 master - 0 1700000000000 2 connected 5461-10922`,
  `${C} 10.0.0.3:7000@17000 myself,master - 0 0 3 connected 10923-16383`,
  '',
].join('\n');

describe('lineIndex', () => {
  const names = scenarioNames();

  it('has recorded scenarios to compare over', () => {
    expect(names.length).toBeGreaterThan(5);
  });

  for (const name of names) {
    it(`${name}: the model's line map and id resolution agree (paste and live)`, () => {
      for (const snap of [snapshotFromPaste(scenarioPaste(name)), scenarioLive(name)]) {
        const { fast, slow } = both(snap);
        expect(flat(fast)).toEqual(flat(slow));
        expect(fast.peers.size + fast.own.size).toBeGreaterThan(0);
        expect(checkSummary(snap, fast)).toBeGreaterThan(0);
      }
    });
  }

  it('summary: peers that disagree on an address, and an empty ip', () => {
    const snap = snapshotFromPaste(MIXED);
    const { fast, slow } = both(snap);
    expect(flat(fast)).toEqual(flat(slow));
    expect(fast.summary?.peersAllAt(C)).toBeNull();
    expect(fast.summary?.peersAllAt(B)).toBe('10.0.0.2:7000');
    expect(fast.summary?.peerEmptyIp(A)).toBe(true);
    expect(fast.summary?.peerEmptyIp(C)).toBe(false);
    expect(checkSummary(snap, fast)).toBe(3);
  });

  it('abbreviated ids file under the full id and resolve() still answers', () => {
    const { fast, slow } = both(snapshotFromPaste(ABBREVIATED));
    expect(flat(fast)).toEqual(flat(slow));
    expect(slow.summary).toBeUndefined();
    expect(fast.resolve('E7D1EECC...')).toBe('e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca');
    expect([...fast.own.keys()]).toEqual(['e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca']);
  });
});
