/**
 * Reachability on real data: a slot owner our probe cannot reach before its peers flag it (recorded live
 * snapshots, test/fixtures/live-snapshots, see capture.ts), noaddr owners, and handshake entries.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/cluster/model.ts';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { diagnose, diagnosePaste } from '../../src/diagnose/diagnose.ts';
import { deriveFacts } from '../../src/diagnose/facts.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { FIXTURES, scenarioLive, scenarioMeta, scenarioPaste } from './scenario-fixtures.ts';

interface Recorded {
  victim: { address: string; id: string };
  snapshot: ClusterSnapshot;
}

const recorded = (name: string): Recorded =>
  JSON.parse(readFileSync(join(FIXTURES, 'live-snapshots', `${name}.json`), 'utf8')) as Recorded;
const causes = (d: Diagnosis) => d.rootCauses.map((c) => c.code);
const findingsOf = (d: Diagnosis, code: string, node?: string) =>
  d.findings.filter((f) => f.code === code && (!node || f.nodes.includes(node)));

describe('slot owner not answering before its peers flag it (recorded, node timeout 15 s)', () => {
  it.each(['frozen-now', 'frozen-4s', 'killed-now'])(
    '%s: never healthy, undetermined and critical',
    (name) => {
      const { victim, snapshot } = recorded(name);
      const d = diagnose(snapshot);
      expect(causes(d)).not.toContain('healthy');
      expect(causes(d)[0]).toBe('undetermined');
      const cause = d.rootCauses[0]!;
      expect(cause.nodes).toEqual([victim.address]);
      expect(cause.slots).toBe('0-5460');
      expect(cause.summary).toContain(`${victim.address} owns slots 0-5460`);
      expect(cause.summary).toContain('its peers do not flag it yet');
      expect(cause.actions).toEqual([]);
      const f = findingsOf(d, 'NODE_UNREACHABLE', victim.address);
      expect(f).toHaveLength(1);
      expect(f[0]!.severity).toBe('critical');
      expect(f[0]!.slots).toBe('0-5460');
      // The peers' own lines about it are the evidence.
      expect(f[0]!.evidence.filter((e) => e.includes(victim.id)).length).toBeGreaterThanOrEqual(3);
    },
  );

  it('frozen, probed at once: no ping pending yet, so our own path may be the problem', () => {
    const d = diagnose(recorded('frozen-now').snapshot);
    expect(d.rootCauses[0]!.summary).toMatch(/may still be in progress, or only our path to it is broken\.$/);
    expect(d.rootCauses[0]!.explanation).toContain('none of 5 peers has a ping to it pending');
    expect(d.rootCauses[0]!.explanation).toMatch(/T means stopped by SIGSTOP/);
  });

  it('frozen 4 s: the peers have pings pending (ping-sent) and no pong, so they are losing it too', () => {
    const { snapshot } = recorded('frozen-4s');
    const d = diagnose(snapshot);
    const pending = Math.min(
      ...snapshot.observations.flatMap((o) =>
        (o.nodes?.nodes ?? [])
          .filter((l) => !l.flags.includes('myself') && l.pingSent > 0)
          .map((l) => l.pingSent),
      ),
    );
    const since = `${new Date(pending).toISOString().slice(11, 23)} UTC`;
    expect(d.rootCauses[0]!.summary).toContain(`(pending ping since ${since})`);
    expect(d.rootCauses[0]!.summary).toMatch(/most likely in progress\.$/);
    expect(d.rootCauses[0]!.explanation).toMatch(
      /\d of 5 peers have a ping to it pending since .* no pong from it for/,
    );
  });

  it('killed, probed at once: refused, and every peer lost its bus link', () => {
    const d = diagnose(recorded('killed-now').snapshot);
    expect(d.rootCauses[0]!.summary).toContain('refuses connections');
    expect(d.rootCauses[0]!.explanation).toContain('all 5 show their cluster bus link to it disconnected');
    expect(d.rootCauses[0]!.explanation).toMatch(/whether the process still runs/);
  });

  it('a replica that does not answer while vouched for stays a warning and the cluster stays healthy', () => {
    const snapshot = scenarioLive('healthy');
    const replica = scenarioMeta('healthy').nodes[4]!.address;
    snapshot.observations = snapshot.observations.map((o) =>
      o.address === replica
        ? { address: replica, source: 'live', error: { kind: 'timeout', message: 'Command timed out' } }
        : o,
    );
    const d = diagnose(snapshot);
    expect(causes(d)).toEqual(['healthy']);
    expect(findingsOf(d, 'NODE_UNREACHABLE', replica)[0]?.severity).toBe('warning');
  });
});

describe('noaddr slot owner (config-lost: the old id is noaddr in every view)', () => {
  const oldId = /was ([0-9a-f]{40})/.exec(scenarioMeta('config-lost').expected.notes?.join(' ') ?? '')?.[1];

  const check = (d: Diagnosis) => {
    const down = findingsOf(d, 'SLOTS_OWNER_DOWN');
    expect(down).toHaveLength(1);
    expect(down[0]!.nodes).toEqual([oldId]);
    expect(down[0]!.slots).toBe('0-5460');
    expect(down[0]!.message).toContain('noaddr');
    expect(causes(d)).toEqual(['cluster-config-lost']);
  };

  it('live: the old id is unreachable, not vouched for, and counts as a down owner', () => {
    expect(oldId).toMatch(/^[0-9a-f]{40}$/);
    const snapshot = scenarioLive('config-lost');
    const model = buildModel(snapshot);
    const old = model.byId.get(oldId!)!;
    expect(old.noaddrBy).toHaveLength(5);
    expect(old.okBy).toEqual([]);
    expect(old.health).toBe('unreachable');
    expect(deriveFacts(model).downOwners.map((n) => n.id)).toEqual([oldId]);
    check(diagnose(snapshot));
  });

  it('paste: its slots count as not served, and the cause stays config-lost', () => {
    check(diagnosePaste(scenarioPaste('config-lost')));
  });
});

describe('handshake entries are not sightings (ghost-nodes: a handshake to nowhere)', () => {
  it('the handshake node is not vouched for, so its failed probe is not "still seen healthy"', () => {
    const snapshot = scenarioLive('ghost-nodes');
    const model0 = buildModel(snapshot);
    const ghost = model0.nodes.find((n) => n.handshakeBy.length > 0)!;
    expect(ghost).toBeDefined();
    expect(ghost.okBy).toEqual([]);
    expect(ghost.seenBy.length).toBeGreaterThan(0);
    expect(ghost.health).not.toBe('ok');
    // The live probe follows handshake lines and gets refused there.
    snapshot.observations.push({
      address: ghost.label,
      source: 'live',
      error: { kind: 'refused', message: `connect ECONNREFUSED ${ghost.label}` },
    });
    const d = diagnose(snapshot);
    const f = findingsOf(d, 'NODE_UNREACHABLE', ghost.label);
    expect(f).toHaveLength(1);
    expect(f[0]!.message).not.toMatch(/healthy|do not flag it/);
    expect(causes(d)).toContain('ghost-nodes');
    expect(causes(d)).not.toContain('undetermined');
  });
});

describe('failed probes of old addresses (stale-addresses probed live from every new address)', () => {
  const { snapshot } = recorded('stale-addresses-new-seeds');
  const failed = snapshot.observations.filter((o) => o.error);
  const answered = snapshot.observations.filter((o) => !o.error && o.nodeId);

  it('files observations by the id the node reported, never a failed old address onto the moved node', () => {
    expect(failed.length).toBeGreaterThan(0);
    expect(answered).toHaveLength(3);
    const model = buildModel(snapshot);
    for (const o of answered) expect(model.observedNode.get(o)).toBe(o.nodeId);
    for (const o of failed) expect(model.observedNode.has(o)).toBe(false);
    for (const n of model.nodes) {
      expect(n.probeError).toBeUndefined();
      expect(n.health).not.toBe('unreachable');
    }
  });

  it('no "could not be probed" finding about a node that answered; the old address is an info fact', () => {
    const d = diagnose(snapshot);
    expect(causes(d)[0]).toBe('stale-addresses');
    for (const o of answered) expect(findingsOf(d, 'NODE_UNREACHABLE', o.address)).toEqual([]);
    for (const o of failed) {
      const f = findingsOf(d, 'NODE_UNREACHABLE', o.address);
      expect(f).toHaveLength(1);
      expect(f[0]!.severity).toBe('info');
      expect(f[0]!.message).toContain('an old address its peers still hold');
    }
    expect(d.visibility.nodesKnown).toBe(3);
    expect(d.visibility.summary).toMatch(/^3 of 3 nodes answered/);
  });
});
