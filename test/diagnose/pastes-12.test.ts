/**
 * Issue 12 items 2-7 on real captures: test/fixtures/pastes-12 (capture.ts there records them from
 * src/devcluster clusters), the scenario recordings (test/fixtures/<scenario>) and paste-formats, plus
 * synthetic variations. Item 1 is in pastes-edited.test.ts, item 8 in announce-silence.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../src/cluster/clean-text.ts';
import { diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { FIXTURES } from './scenario-fixtures.ts';

const fx = (...path: string[]) => readFileSync(join(FIXTURES, ...path), 'utf8');
const p12 = (dir: string, file: string) => fx('pastes-12', dir, file);
const meta = (dir: string) =>
  JSON.parse(p12(dir, 'meta.json')) as { redisNodes: { address: string; id: string; state: string }[] };
const codes = (d: Diagnosis) => d.rootCauses.map((c) => c.code);
const has = (d: Diagnosis, code: string) => d.findings.some((f) => f.code === code);
const actions = (d: Diagnosis) => d.rootCauses.flatMap((c) => c.actions.map((a) => a.action));
const exit = (d: Diagnosis) => (d.findings.some((f) => f.severity === 'critical') ? 3 : 0);
const strip = (t: string) => stripAnsi(t);

describe('item 2: CLUSTER INFO on its own', () => {
  it('cluster_slots_assigned below 16384: slots-never-assigned in that node view, hedged, no plan', () => {
    const d = diagnosePaste(fx('slots-unassigned', 'cluster-info-127.238.13.1-7000.txt'));
    expect(codes(d)).toEqual(['slots-never-assigned']);
    expect(d.rootCauses[0]!.summary).toMatch(
      /845 slots have no owner in the node whose CLUSTER INFO was pasted's view|no owner in/,
    );
    expect(d.rootCauses[0]!.explanation).toMatch(/one node's view/);
    expect(actions(d)).toEqual([]);
    expect(JSON.stringify(d)).not.toMatch(/views show no unassigned/);
  });

  it('a synthetic 4000 of 16384, named by its prompt', () => {
    const info =
      'cluster_state:fail\ncluster_slots_assigned:4000\ncluster_slots_ok:4000\ncluster_slots_pfail:0\ncluster_slots_fail:0\ncluster_known_nodes:3\ncluster_size:1\n';
    const d = diagnosePaste(`10.0.0.1:6379> cluster info\n${info}`);
    expect(codes(d)).toEqual(['slots-never-assigned']);
    expect(d.rootCauses[0]!.summary).toMatch(/12384 slots have no owner in 10\.0\.0\.1:6379's view/);
    expect(exit(d)).toBe(3);
  });

  it('cluster_known_nodes:1: never joined or lost its config, no slot assignment', () => {
    const d = diagnosePaste(fx('config-lost', 'cluster-info-127.161.206.1-7000.txt'));
    expect(codes(d)).toEqual(['cluster-config-lost']);
    expect(has(d, 'CONFIG_LOST')).toBe(true);
    expect(actions(d)).not.toContain('fix-coverage');
  });

  it('cluster_slots_fail above 0 and every node a master: master-failed-no-replica, hedged', () => {
    const d = diagnosePaste(p12('lost-peers', 'cluster-info-a.txt'));
    expect(codes(d)).toEqual(['master-failed-no-replica']);
    expect(has(d, 'SLOTS_OWNER_DOWN')).toBe(true);
    expect(actions(d)).toEqual([]);
  });

  it('cluster_slots_fail above 0 with replicas in the cluster: a failed owner, not a guess at why', () => {
    const d = diagnosePaste(fx('master-killed-no-replica', 'cluster-info-127.160.214.2-7000.txt'));
    expect(codes(d)).toEqual(['undetermined']);
    expect(d.rootCauses[0]!.summary).toMatch(/slot owner is flagged fail/);
  });

  it('everything ok: healthy as seen from one node', () => {
    const d = diagnosePaste(fx('healthy', 'cluster-info-127.189.3.1-7000.txt'));
    expect(codes(d)).toEqual(['healthy']);
    expect(d.rootCauses[0]!.summary).toMatch(/as seen from/);
    expect(exit(d)).toBe(0);
  });

  it('known_nodes equal to size: no master has a replica (warning), still healthy', () => {
    const info = fx('healthy', 'cluster-info-127.189.3.1-7000.txt').replace(
      'cluster_known_nodes:6',
      'cluster_known_nodes:3',
    );
    const d = diagnosePaste(info);
    expect(codes(d)).toEqual(['healthy']);
    expect(d.findings.find((f) => f.code === 'MASTER_WITHOUT_REPLICA')?.severity).toBe('warning');
  });

  it('a pasted CLUSTERDOWN reply is evidence: the cluster is down', () => {
    const d = diagnosePaste(
      `$ redis-cli -c -h 127.172.140.2 -p 7315 get k\n${p12('two-masters', 'clusterdown-get.txt')}`,
    );
    expect(has(d, 'CLUSTER_STATE_FAIL')).toBe(true);
    expect(codes(d)).toEqual(['undetermined']);
    expect(d.rootCauses[0]!.summary).toMatch(/reports itself down/);
  });

  it('an empty CLUSTER SLOTS reply: no slot has an owner in that node view', () => {
    const d = diagnosePaste(
      `127.102.74.1:7000> cluster slots\n${p12('lost-peers', 'cluster-slots-empty.txt')}`,
    );
    expect(codes(d)).toEqual(['slots-never-assigned']);
    expect(has(d, 'SLOTS_UNASSIGNED')).toBe(true);
  });
});

describe('item 3: open slots in redis-trib and old redis-cli output', () => {
  const check = strip(fx('paste-formats', 'real', 'migrating-check.txt'));
  const openSlots = (d: Diagnosis) => d.findings.filter((f) => f.code === 'OPEN_SLOT').map((f) => f.slots);

  it('lists in parentheses read as the plain ones', () => {
    const parens = check.replace(/state (\d+)\./g, 'state ($1).');
    expect(openSlots(diagnosePaste(parens))).toEqual(openSlots(diagnosePaste(check)));
    expect(openSlots(diagnosePaste(parens))).toEqual(['100', '200']);
  });

  it('the summary line alone raises an open slot, never "healthy"', () => {
    const d = diagnosePaste('[WARNING] The following slots are open: 4242.\n');
    expect(openSlots(d)).toEqual(['4242']);
    expect(codes(d)).toEqual(['resharding-interrupted']);
    expect(actions(d)).toEqual([]);
  });

  it('a healthy check with only the summary line left of the open-slot section', () => {
    const healthy = strip(fx('healthy', 'check.txt')).replace(
      '>>> Check slots coverage...',
      '[WARNING] The following slots are open: (4242)\n>>> Check slots coverage...',
    );
    const d = diagnosePaste(healthy);
    expect(codes(d)).not.toContain('healthy');
    expect(openSlots(d)).toEqual(['4242']);
  });
});

describe('item 4: an excerpt is not the whole cluster', () => {
  const grep = `$ redis-cli -h 127.48.206.2 -p 7000 cluster nodes | grep fail\n${p12('host-down', 'grep-fail-m1.txt')}`;

  it('a grep-filtered paste of three failed nodes on one host: host-failure, no arithmetic', () => {
    const d = diagnosePaste(grep);
    expect(codes(d)[0]).toBe('host-failure');
    for (const code of ['QUORUM_LOST', 'SLOTS_UNASSIGNED', 'FULL_COVERAGE_REQUIRED', 'HOST_HOLDS_MAJORITY'])
      expect(has(d, code)).toBe(false);
    expect(codes(d)).not.toContain('ghost-nodes');
    expect(exit(d)).toBe(0);
    expect(d.visibility.nodesAtLeast).toBe(4);
    expect(d.warnings.join(' ')).toMatch(/piped through "grep fail"/);
  });

  it('the same node pasted whole: host-failure with the failover that followed', () => {
    const d = diagnosePaste(`127.48.206.2:7000> cluster nodes\n${p12('host-down', 'nodes-m1.txt')}`);
    expect(codes(d)).toContain('host-failure');
    expect(
      has(d, 'PASTE_INCOMPLETE') && d.findings.find((f) => f.code === 'PASTE_INCOMPLETE')!.severity,
    ).not.toBe('warning');
  });

  it('a check excerpt with no node listing and no coverage verdict says nothing about coverage', () => {
    const excerpt = strip(fx('paste-formats', 'real', 'migrating-check.txt'))
      .split('\n')
      .filter((l) => /Check for open slots|\[WARNING\]|agree/.test(l))
      .join('\n');
    const d = diagnosePaste(excerpt);
    expect(has(d, 'SLOTS_UNCOVERED')).toBe(false);
    expect(d.rootCauses.map((c) => c.slots).join(' ')).not.toMatch(/0-16383/);
  });

  it('"N additional replica(s)" counts replicas whose lines were cut: no MASTER_WITHOUT_REPLICA, the gap said', () => {
    const view = fx('healthy', 'nodes-127.189.3.1-7000.txt')
      .split('\n')
      .filter((l) => !l.startsWith('e04a685d'))
      .join('\n');
    // the replica's own block of the check is cut as well ("S: e04a685d..." and its two lines)
    const check = strip(fx('healthy', 'check.txt')).replace(/S: e04a685d.*\n.*\n.*\n/, '');
    const d = diagnosePaste(`127.189.3.1:7000> cluster nodes\n${view}\n${check}`);
    expect(has(d, 'MASTER_WITHOUT_REPLICA')).toBe(false);
    expect(d.findings.find((f) => f.code === 'PASTE_INCOMPLETE')?.message).toMatch(
      /check counts 1 replica\(s\) of 127\.189\.3\.1:7000 but the paste lists 0/,
    );
  });
});

describe('item 5: check-only input with a refused connection to a slot owner', () => {
  const healthy = p12('two-masters', 'check-healthy.txt');
  const refused = p12('two-masters', 'refused-a.txt');

  it('masters covering all slots and the owner refused: 1 of 2 left, failover-not-possible-no-voters', () => {
    const d = diagnosePaste(`${healthy}${refused}`);
    expect(codes(d)).toEqual(['failover-not-possible-no-voters']);
    expect(d.findings.find((f) => f.code === 'QUORUM_LOST')?.message).toMatch(
      /Only 1 of 2 slot-owning masters/,
    );
  });

  it('the check taken after the kill lists only the survivor: no quorum arithmetic on a partial list', () => {
    const d = diagnosePaste(p12('two-masters', 'check-after.txt'));
    expect(has(d, 'QUORUM_LOST')).toBe(false);
    expect(has(d, 'SLOTS_UNCOVERED')).toBe(true);
  });

  it('three masters, one refused with a replica: quorum holds, no voter shortage', () => {
    const check = strip(fx('healthy', 'check.txt'));
    const d = diagnosePaste(`${check}\nCould not connect to Redis at 127.189.3.3:7000: Connection refused\n`);
    expect(has(d, 'QUORUM_LOST')).toBe(false);
    expect(codes(d)).not.toContain('failover-not-possible-no-voters');
    expect(has(d, 'SLOTS_OWNER_DOWN')).toBe(true);
  });
});

describe('item 6: reconcile views before naming a cluster-wide cause', () => {
  const x = `127.102.74.4:7000> cluster nodes\n${p12('lost-peers', 'nodes-x.txt')}`;
  const aInfo = `127.102.74.1:7000> cluster info\n${p12('lost-peers', 'cluster-info-a.txt')}`;
  const aNodes = `127.102.74.1:7000> cluster nodes\n${p12('lost-peers', 'nodes-a.txt')}`;
  const x4 = meta('lost-peers').redisNodes[3]!.address;

  it('an isolated node plus another node CLUSTER INFO: isolated, one master failed without replica, quorum intact', () => {
    const d = diagnosePaste(`${x}\n${aInfo}`);
    expect(codes(d).sort()).toEqual(['master-failed-no-replica', 'stale-addresses']);
    expect(d.rootCauses.find((c) => c.code === 'stale-addresses')?.nodes).toEqual([x4]);
    for (const code of ['CONFIG_LOST', 'QUORUM_LOST']) expect(has(d, code)).toBe(false);
  });

  it('with the other node CLUSTER NODES too: the failed master is named, still no config loss', () => {
    const d = diagnosePaste(`${x}\n${aNodes}\n${aInfo}`);
    expect(codes(d)).toContain('master-failed-no-replica');
    expect(codes(d)).toContain('stale-addresses');
    expect(d.rootCauses.find((c) => c.code === 'stale-addresses')?.actions.map((a) => a.action)).toEqual([
      'meet',
    ]);
    for (const code of ['CONFIG_LOST', 'QUORUM_LOST']) expect(has(d, code)).toBe(false);
    expect(d.visibility.nodesKnown).toBe(4);
  });

  it('the isolated view alone: isolated, nothing about the rest of the cluster, no plan touching slots', () => {
    const d = diagnosePaste(x);
    expect(codes(d)).toEqual(['stale-addresses']);
    for (const code of ['CONFIG_LOST', 'QUORUM_LOST', 'SLOTS_UNASSIGNED', 'SLOTS_OWNER_DOWN'])
      expect(has(d, code)).toBe(false);
    expect(actions(d)).not.toContain('fix-coverage');
  });

  it('its own CLUSTER INFO (ok, 4 known) is not credited to the cluster', () => {
    const d = diagnosePaste(
      `${x}\n127.102.74.4:7000> cluster info\n${p12('lost-peers', 'cluster-info-x.txt')}\n${aInfo}`,
    );
    expect(codes(d)).toContain('master-failed-no-replica');
    expect(codes(d)).not.toContain('healthy');
  });
});

describe('item 7: how redis-cli prints things', () => {
  const loopback = p12('two-masters', 'check-via-loopback.txt');
  const routable = loopback.replace(/127\.172\.140\./g, '10.20.0.');

  it('check through 127.0.0.1 of a cluster on routable addresses: no wrong-announced-address, exit 0', () => {
    const d = diagnosePaste(routable);
    expect(has(d, 'WRONG_ANNOUNCED_ADDRESS')).toBe(false);
    expect(codes(d)).toEqual(['healthy']);
    expect(exit(d)).toBe(0);
  });

  it('the same check recorded on loopback addresses, and through the announced address', () => {
    expect(codes(diagnosePaste(loopback))).toEqual(['healthy']);
    expect(codes(diagnosePaste(p12('two-masters', 'check-healthy.txt')))).toEqual(['healthy']);
  });

  it('the typed entry plus the nodes own CLUSTER NODES: still no address problem', () => {
    const nodes = p12('two-masters', 'nodes-c.txt')
      .replace(/127\.172\.140\./g, '10.20.0.')
      .replace('master,fail?', 'master')
      .replace(' disconnected ', ' connected ');
    const d = diagnosePaste(`${routable}\n10.20.0.2:7315> cluster nodes\n${nodes}`);
    expect(has(d, 'WRONG_ANNOUNCED_ADDRESS')).toBe(false);
  });
});
