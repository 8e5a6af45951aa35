/** buildModel and topologyFingerprint over real views (H1's paste-formats captures) and edits of them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalTopology, topologyFingerprint } from '../../src/cluster/fingerprint.ts';
import { buildModel } from '../../src/cluster/model.ts';
import { snapshotFromPaste } from '../../src/cluster/paste.ts';
import { formatRanges } from '../../src/cluster/slots.ts';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import { FIXTURES } from './scenario-fixtures.ts';

const real = (name: string) => readFileSync(join(FIXTURES, 'paste-formats', 'real', `${name}.txt`), 'utf8');
const healthyViews = () => [1, 2, 3, 4, 5, 6].map((n) => real(`healthy-nodes-n${n}`));
const paste = (...texts: string[]): ClusterSnapshot =>
  snapshotFromPaste(texts.map((t) => t.trimEnd()).join('\n\n'), { takenAt: '2026-01-01T00:00:00Z' });

/** Replaces the line of the node at `addr` in one CLUSTER NODES text. */
function editLine(text: string, addr: string, edit: (fields: string[]) => void): string {
  return text
    .split('\n')
    .map((line) => {
      const f = line.split(' ');
      if (!f[1]?.startsWith(`${addr}@`)) return line;
      edit(f);
      return f.join(' ');
    })
    .join('\n');
}

describe('buildModel', () => {
  const model = buildModel(paste(...healthyViews()));

  it('merges six views into six nodes with roles, replicas, hosts and consensus slots', () => {
    expect(model.nodes.map((n) => n.label)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `127.31.0.${i}:7000`));
    const [m1, m2, m3, r4] = model.nodes;
    expect([m1!.role, m2!.role, m3!.role, r4!.role]).toEqual(['master', 'master', 'master', 'replica']);
    expect(formatRanges(m1!.slots)).toBe('0-5460');
    expect(m3!.slotCount).toBe(5461);
    expect(r4!.masterId).toBe(m1!.id);
    expect(m1!.replicas).toEqual([r4!.id]);
    expect(m1!.host).toBe('redis-a.example.internal');
    expect(model.nodes.every((n) => n.selfSeen && n.health === 'ok')).toBe(true);
    expect(model.slotGroups).toHaveLength(1);
    expect(model.slotDisputed.some((b) => b !== 0)).toBe(false);
    expect(model.views).toHaveLength(6);
  });

  it('takes the majority owner of a disputed slot and marks it disputed', () => {
    const views = healthyViews();
    // Node 6's view (a stale one) gives 0-5460 to node 2.
    views[5] = editLine(
      editLine(views[5]!, '127.31.0.1:7000', (f) => f.splice(8)),
      '127.31.0.2:7000',
      (f) => f.push('0-5460'),
    );
    const m = buildModel(paste(...views));
    const owner = m.nodes[m.slotOwner[100]!]!;
    expect(owner.label).toBe('127.31.0.1:7000');
    expect(m.slotDisputed[100]).toBe(1);
    expect(m.slotDisputed[6000]).toBe(0);
    const d = diagnose(paste(...views));
    const f = d.findings.find((x) => x.code === 'CONFIG_DISAGREEMENT');
    expect(f?.slots).toBe('0-5460');
  });

  it('two masters claiming the same slot in their own lines are multiple owners', () => {
    const views = healthyViews();
    views[1] = views[1]!.replace(
      /myself,master - (\S+ \S+ \S+ \S+) 5461-10922/,
      'myself,master - $1 5461-10922 42',
    );
    const m = buildModel(paste(...views));
    expect(m.multiOwned).toEqual([{ slot: 42, owners: [m.nodes[0]!.id, m.nodes[1]!.id].sort() }]);
    const d = diagnose(paste(...views));
    expect(d.findings.find((f) => f.code === 'SLOT_MULTIPLE_OWNERS')).toMatchObject({
      severity: 'critical',
      slots: '42',
    });
  });

  it('resolves abbreviated ids against full ids printed elsewhere', () => {
    const short = real('migrating-nodes-n1').replace(/\b([0-9a-f]{8})[0-9a-f]{32}\b/g, '$1...');
    const m = buildModel(paste(short, real('migrating-nodes-n2')));
    // The handshake entry (127.31.0.99) appears only in the abbreviated view: it cannot be completed.
    expect(m.nodes.filter((n) => !n.idComplete).map((n) => n.label)).toEqual(['127.31.0.99:7000']);
    expect(m.nodes).toHaveLength(7);
    expect(m.openSlots.find((o) => o.kind === 'migrating')?.peer).toBe(
      m.nodes.find((n) => n.label === '127.31.0.2:7000')!.id,
    );
  });

  it('an empty snapshot gives an empty model', () => {
    const m = buildModel(paste(''));
    expect(m.nodes).toEqual([]);
    expect(m.hasFullView).toBe(false);
    expect(m.slotOwner.every((o) => o === -1)).toBe(true);
  });
});

describe('topologyFingerprint', () => {
  const base = topologyFingerprint(buildModel(paste(...healthyViews())));

  it('is stable across view order, ping/pong times, link state and single vs all views', () => {
    const shuffled = healthyViews()
      .reverse()
      .map((v) =>
        v
          .split('\n')
          .reverse()
          .map((l) => l.replace(/ (\d{13}) (\d{13}) /, ' 1 2 ').replace(/ connected/, ' disconnected'))
          .join('\n'),
      );
    expect(topologyFingerprint(buildModel(paste(...shuffled)))).toBe(base);
    expect(topologyFingerprint(buildModel(paste(healthyViews()[0]!)))).toBe(base);
  });

  it('changes when a slot moves, a role flips or an epoch changes', () => {
    const moved = healthyViews().map((v) =>
      v.replace(/ 0-5460\b/, ' 1-5460').replace(/ 5461-10922\b/, ' 0 5461-10922'),
    );
    const flipped = healthyViews().map((v) =>
      editLine(v, '127.31.0.4:7000', (f) => {
        f[2] = f[2]!.replace('slave', 'master');
        f[3] = '-';
      }),
    );
    const epoch = healthyViews().map((v) => editLine(v, '127.31.0.2:7000', (f) => (f[6] = '9')));
    const prints = [moved, flipped, epoch].map((vs) => topologyFingerprint(buildModel(paste(...vs))));
    for (const p of prints) expect(p).not.toBe(base);
    expect(new Set(prints).size).toBe(3);
  });

  it('hashes ids, roles and slots, never addresses', () => {
    const text = canonicalTopology(buildModel(paste(...healthyViews())));
    expect(text).not.toMatch(/127\.31/);
    expect(text).toMatch(/ master - \d+ 0-5460/);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('a 1,000-node dump with 16,384 single-slot entries', () => {
  it('builds every node and owner correctly', async () => {
    const { syntheticDump } = await import('../../bench/_dump.ts');
    const m = buildModel(paste(syntheticDump(500, 500)));
    expect(m.nodes).toHaveLength(1000);
    expect(m.nodes.filter((n) => n.role === 'master')).toHaveLength(500);
    expect(m.slotOwner.every((o) => o >= 0)).toBe(true);
    const first = m.nodes.find((n) => n.role === 'master' && n.slots.some((r) => r.start === 0))!;
    expect(first.slotCount).toBe(33);
    expect(first.slots.every((r) => r.start === r.end)).toBe(true);
  });
});
