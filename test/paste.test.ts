import { describe, expect, it } from 'vitest';
import { looksLikeClusterOutput, snapshotFromPaste } from '../src/cluster/paste.ts';
import type { ClusterSnapshot, NodeObservation } from '../src/cluster/types.ts';
import { derived, EXTRA_IDS, IDS, real } from './paste-fixtures.ts';

const at = { takenAt: '2026-01-01T00:00:00.000Z' };
const paste = (text: string): ClusterSnapshot => snapshotFromPaste(text, at);

function obs(s: ClusterSnapshot, address: string): NodeObservation {
  const o = s.observations.find((x) => x.address === address);
  if (!o)
    throw new Error(`no observation for ${address}: ${s.observations.map((x) => x.address).join(', ')}`);
  return o;
}

describe('snapshotFromPaste: several outputs in one message', () => {
  it('splits a terminal session by prompt and attaches CLUSTER INFO to its node', () => {
    const s = paste(derived('multi-node-session.txt'));
    expect(s).toMatchObject({ source: 'paste', takenAt: at.takenAt, parseIssues: [], warnings: [] });
    expect(s.observations.map((o) => o.address)).toEqual(['127.31.0.1:7000', '127.31.0.2:7000']);
    const n1 = obs(s, '127.31.0.1:7000');
    expect(n1.nodeId).toBe(IDS.n1);
    expect(n1.source).toBe('paste');
    expect(n1.clusterInfo?.cluster_state).toBe('fail');
    expect(n1.nodes?.nodes).toHaveLength(6);
    expect(n1.nodes?.nodes[0]?.lineNo).toBe(2);
    const n2 = obs(s, '127.31.0.2:7000');
    expect(n2.nodeId).toBe(IDS.n2);
    expect(n2.clusterInfo).toBeUndefined();
    expect(n2.nodes?.nodes[0]?.lineNo).toBe(30);
  });

  it('splits six dumps pasted back to back without separators', () => {
    const s = paste(derived('back-to-back-nodes.txt'));
    expect(s.observations).toHaveLength(6);
    expect(s.observations.map((o) => o.nodeId)).toEqual([IDS.n1, IDS.n2, IDS.n3, IDS.n4, IDS.n5, IDS.n6]);
    expect(s.observations.map((o) => o.address)).toEqual([1, 2, 3, 4, 5, 6].map((n) => `127.31.0.${n}:7000`));
    expect(s.observations.every((o) => o.nodes?.nodes.length === 6)).toBe(true);
    expect(s.observations[1]?.nodes?.nodes[0]?.lineNo).toBe(7);
    expect(s.warnings).toEqual([]);
  });

  it('splits at headings and blank gaps, taking addresses from headings', () => {
    const text = `## node a (127.31.0.1:7000)\n${real('failover-nodes-n1.txt')}\n${real('failover-nodes-n6.txt')}\ncluster_state:ok\ncluster_slots_assigned:16384\ncluster_known_nodes:6`;
    const s = paste(text);
    expect(s.observations.map((o) => [o.address, o.nodeId])).toEqual([
      ['127.31.0.1:7000', IDS.n1],
      ['127.31.0.6:7000', IDS.n6],
    ]);
    expect(obs(s, '127.31.0.6:7000').clusterInfo?.cluster_state).toBe('ok');
    expect(obs(s, '127.31.0.1:7000').clusterInfo).toBeUndefined();
  });

  it('keeps a double-spaced dump together but splits at a gap before a new myself line', () => {
    const doubled = real('healthy-nodes-n3.txt').trimEnd().split('\n').join('\n\n');
    const one = paste(doubled);
    expect(one.observations.map((o) => [o.address, o.nodes?.nodes.length])).toEqual([['127.31.0.3:7000', 6]]);
    const grepped = real('healthy-nodes-n1.txt')
      .split('\n')
      .filter((l) => l.includes(' slave '))
      .join('\n');
    const two = paste(`${grepped}\n\n${real('failover-nodes-n6.txt')}`);
    expect(two.observations.map((o) => [o.address, o.nodeId ?? null, o.nodes?.nodes.length])).toEqual([
      ['paste#1', null, 3],
      ['127.31.0.6:7000', IDS.n6, 6],
    ]);
  });

  it('takes nodes, INFO replication and a check report from one message', () => {
    const text = [
      '127.31.0.4:7000> info replication',
      real('healthy-info-replication-n4.txt'),
      '127.31.0.4:7000> cluster nodes',
      real('healthy-nodes-n4.txt'),
      real('healthy-check.txt'),
    ].join('\n');
    const s = paste(text);
    expect(s.observations).toHaveLength(1);
    const n4 = obs(s, '127.31.0.4:7000');
    expect(n4.nodeId).toBe(IDS.n4);
    expect(n4.replication?.master_link_status).toBe('up');
    expect(s.checkReports).toHaveLength(1);
    expect(s.checkReports[0]?.nodes).toHaveLength(6);
    expect(s.parseIssues).toEqual([]);
  });

  it('reads redis-cli --cluster call output: one observation per "ip:port:" answer', () => {
    const s = paste(`${real('extra-cluster-call-nodes.txt')}${real('extra-cluster-call-info.txt')}`);
    expect(
      s.observations.map((o) => [o.address, o.nodeId, o.nodes?.nodes.length, o.clusterInfo?.cluster_state]),
    ).toEqual([
      ['127.31.1.1:7000', EXTRA_IDS.x1, 4, 'ok'],
      ['127.31.1.3:7000', EXTRA_IDS.x3, 4, 'ok'],
      ['127.31.1.4:7000', EXTRA_IDS.x4, 4, 'ok'],
      ['127.31.1.2:7000', EXTRA_IDS.x2, 4, 'ok'],
    ]);
    expect(s.warnings).toEqual([]);
    expect(s.parseIssues).toEqual([]);
    const x4 = obs(s, '127.31.1.4:7000').nodes?.nodes.find((n) => n.id === EXTRA_IDS.x4);
    expect(x4).toMatchObject({
      flags: ['myself', 'slave', 'nofailover'],
      masterId: EXTRA_IDS.x1,
      lineNo: 13,
    });
  });

  it('reads an interactive redis-cli session recorded through a terminal (CR CR LF line ends)', () => {
    const s = paste(real('extra-interactive-session-n4.txt'));
    expect(s.observations).toHaveLength(1);
    const o = obs(s, '127.31.1.4:7000');
    expect(o.nodeId).toBe(EXTRA_IDS.x4);
    expect(o.clusterInfo).toMatchObject({ cluster_state: 'ok', cluster_known_nodes: '4', cluster_size: '3' });
    expect(o.nodes?.nodes.map((n) => n.lineNo)).toEqual([2, 3, 4, 5]);
    expect(s.warnings).toEqual([]);
  });

  it('splits INFO of two nodes pasted back to back and pairs each with its dump', () => {
    const text = [
      real('healthy-nodes-n1.txt'),
      real('healthy-info-replication-n1.txt'),
      real('healthy-nodes-n4.txt'),
      real('healthy-info-replication-n4.txt'),
    ].join('');
    const s = paste(text);
    expect(s.observations.map((o) => [o.address, o.nodeId, o.replication?.role])).toEqual([
      ['127.31.0.1:7000', IDS.n1, 'master'],
      ['127.31.0.4:7000', IDS.n4, 'slave'],
    ]);
    const infos = paste(
      `${real('healthy-info-replication-n1.txt')}${real('healthy-info-replication-n4.txt')}`,
    );
    expect(infos.observations.map((o) => [o.address, o.replication?.role])).toEqual([
      ['paste#1', 'master'],
      ['paste#2', 'slave'],
    ]);
  });

  it('makes a lone CLUSTER INFO its own observation', () => {
    const s = paste(real('healthy-cluster-info-flat-n1.txt'));
    expect(s.observations).toEqual([
      expect.objectContaining({
        address: 'paste#1',
        source: 'paste',
        clusterInfo: expect.objectContaining({ cluster_state: 'ok' }),
      }),
    ]);
    expect(s.observations[0]?.nodes).toBeUndefined();
  });
});

describe('snapshotFromPaste: mangled pastes', () => {
  it('reads a Slack message with fences, entities and links; reports the chat line', () => {
    const s = paste(derived('slack-fenced-nodes.txt'));
    expect(s.observations).toHaveLength(1);
    const o = obs(s, '127.31.0.1:7000');
    expect(o.nodeId).toBe(IDS.n1);
    expect(o.nodes?.nodes.find((n) => n.id === IDS.n1)?.hostname).toBe('redis-a.example.internal');
    expect(o.nodes?.nodes.find((n) => n.id === IDS.n6)?.flags).toEqual(['master', 'fail']);
    expect(o.nodes?.nodes[0]?.lineNo).toBe(3);
    expect(s.warnings).toEqual(['skipped 1 line that is not cluster output: 1']);
  });

  it('reads a JSON log line and an xtrace', () => {
    const j = paste(derived('json-log-nodes.txt'));
    expect(j.observations.map((o) => o.address)).toEqual(['127.31.0.2:7000']);
    expect(j.observations[0]?.nodes?.nodes.find((n) => n.id === IDS.n2)?.importing).toEqual([
      { slot: 100, from: IDS.n1 },
    ]);
    expect(j.observations[0]?.nodes?.nodes.every((n) => n.lineNo === 1)).toBe(true);
    const x = paste(real('healthy-xtrace-n2.txt'));
    expect(x.observations.map((o) => [o.address, o.nodeId, o.nodes?.nodes.length])).toEqual([
      ['127.31.0.2:7000', IDS.n2, 6],
    ]);
    expect(x.parseIssues).toEqual([]);
  });

  it('keeps original line numbers in parse issues after cleaning', () => {
    const quoted = derived('malformed-nodes.txt')
      .split('\n')
      .map((l) => `&gt; ${l}`)
      .join('\n');
    const s = paste(`look:\n\`\`\`\n${quoted}`);
    // malformed-nodes.txt lines 2, 3 are bad and line 5 is chat; here they sit 2 lines lower
    expect(s.parseIssues.map((i) => i.line)).toEqual([4, 5]);
    expect(s.warnings).toContain('skipped 2 lines that are not cluster output: 1, 7');
    expect(s.warnings).toContain('2 lines could not be fully read: 4, 5');
    expect(s.observations[0]?.nodes?.nodes.map((n) => n.lineNo)).toEqual([3, 4, 5, 6, 8, 9, 10]);
  });

  it('says when the last line was cut off', () => {
    const s = paste(derived('truncated-nodes.txt'));
    expect(s.warnings).toContain(
      'line 6 looks cut off mid-line (truncated paste?): whatever followed it is missing',
    );
    expect(s.observations[0]?.nodes?.nodes).toHaveLength(5);
  });

  it('says when views cannot be attributed (grep-filtered, no myself line)', () => {
    const filtered = real('healthy-nodes-n1.txt')
      .split('\n')
      .filter((l) => l.includes('slave'))
      .join('\n');
    const s = paste(filtered);
    expect(s.observations.map((o) => o.address)).toEqual(['paste#1']);
    expect(s.observations[0]?.nodeId).toBeUndefined();
    expect(s.warnings[0]).toMatch(/^the CLUSTER NODES output at lines 1-3 has no "myself" line/);
  });

  it('warns about abbreviated ids and a prompt address that differs from the myself line', () => {
    const s = paste(`127.0.0.1:7000> cluster nodes\n${derived('abbreviated-nodes.txt')}`);
    expect(s.observations[0]?.address).toBe('127.0.0.1:7000');
    expect(s.observations[0]?.nodeId).toBe('4c4b3700');
    expect(s.warnings.some((w) => w.includes('myself line says 127.31.0.1:7000'))).toBe(true);
    expect(s.warnings.some((w) => w.includes('abbreviated'))).toBe(true);
  });

  it('never echoes a password from the paste', () => {
    const text = `$ redis-cli -a hunter2 -h 127.31.0.1 -p 7000 cluster nodes\n${real('healthy-nodes-n1.txt')}${IDS.n2} AUTH default s3cret\n`;
    const s = paste(text);
    expect(s.observations[0]?.address).toBe('127.31.0.1:7000');
    expect(s.parseIssues).toHaveLength(1);
    expect(JSON.stringify(s)).not.toMatch(/hunter2|s3cret/);
  });
});

describe('snapshotFromPaste: other shapes', () => {
  it('reads a Python bytes repr with \\n escapes', () => {
    const dump = real('healthy-nodes-n2.txt').replace(/\n/g, '\\n');
    const s = paste(`>>> r.execute_command('CLUSTER NODES')\nb'${dump}'`);
    expect(s.observations.map((o) => [o.address, o.nodeId, o.nodes?.nodes.length])).toEqual([
      ['127.31.0.2:7000', IDS.n2, 6],
    ]);
  });

  it('strips ISO and syslog timestamp prefixes from logged CLUSTER NODES lines', () => {
    const lines = real('healthy-nodes-n2.txt').trimEnd().split('\n');
    const iso = lines.map((l, i) => `2026-11-22T02:31:5${i}.123Z INFO cluster-watch ${l}`).join('\n');
    const syslog = lines.map((l) => `Nov 22 02:31:59 redis-host-2 cluster-check[1234]: ${l}`).join('\n');
    for (const text of [iso, syslog]) {
      const s = paste(text);
      expect(s.observations.map((o) => [o.address, o.nodeId, o.nodes?.nodes.length])).toEqual([
        ['127.31.0.2:7000', IDS.n2, 6],
      ]);
      expect(s.warnings).toEqual([]);
    }
  });

  it('does not take 127.0.0.1 from a redis-cli command that had no -h', () => {
    const s = paste(`$ redis-cli -p 7000 cluster nodes\n${real('healthy-nodes-n2.txt')}`);
    expect(s.observations.map((o) => o.address)).toEqual(['127.31.0.2:7000']);
    expect(s.warnings).toEqual([]);
  });

  it('names CLUSTER SLOTS output instead of silently skipping it', () => {
    const s = paste(
      '127.0.0.1:7000> cluster slots\n1) 1) (integer) 0\n   2) (integer) 5460\n   3) 1) "127.0.0.1"\n      2) (integer) 7000',
    );
    expect(s.warnings[0]).toBe(
      'lines 2-5 look like CLUSTER SLOTS / CLUSTER SHARDS (redis-cli array) output, which is not read: paste CLUSTER NODES from each node instead',
    );
  });

  it('undoes smart dashes and keeps fix progress lines inside the check report', () => {
    const text = `$ redis-cli —cluster fix 127.31.0.1:7000\n${real('migrating-check.txt')}>>> Fixing open slot 100\nSet as migrating in: 127.31.0.1:7000\nSet as importing in: 127.31.0.2:7000\n>>> Case 1: Moving slot 100 from 127.31.0.1:7000 to 127.31.0.2:7000`;
    const s = paste(text);
    expect(s.checkReports).toHaveLength(1);
    expect(s.checkReports[0]?.openSlots).toEqual([200, 100]);
    expect(s.warnings).toEqual([]);
  });
});

describe('snapshotFromPaste: no cluster output', () => {
  it('returns an empty snapshot with a warning for chat', () => {
    const s = paste('the cluster is down again :(\nanyone around?');
    expect(s.observations).toEqual([]);
    expect(s.checkReports).toEqual([]);
    expect(s.warnings).toHaveLength(2);
    expect(s.warnings[1]).toMatch(/^found no CLUSTER NODES/);
  });

  it('never throws', () => {
    for (const t of ['', ' ', '```', '\u0000', 'a'.repeat(10_000), '> > >', `${IDS.n1}`, 'cluster_state:']) {
      expect(() => snapshotFromPaste(t)).not.toThrow();
    }
    expect(() => snapshotFromPaste(undefined as unknown as string)).not.toThrow();
  });
});

describe('looksLikeClusterOutput', () => {
  it('is true for real dumps in every shape', () => {
    for (const t of [
      real('healthy-nodes-n1.txt'),
      real('lonely-nodes-n7.txt'),
      real('down-cluster-info-n1.txt'),
      real('healthy-cluster-info-flat-n1.txt'),
      real('healthy-info-replication-n4.txt'),
      real('down-check.txt'),
      derived('slack-fenced-nodes.txt'),
      derived('slack-quoted-check.txt'),
      derived('json-log-nodes.txt'),
      derived('abbreviated-nodes.txt'),
      derived('ipv6-nodes.txt'),
    ]) {
      expect(looksLikeClusterOutput(t)).toBe(true);
    }
  });

  it('is false for ordinary chat', () => {
    for (const t of [
      'the cluster is down again :(',
      '127.0.0.1:7000',
      'can you check 10.0.0.1:6379 master please, it says fail',
      'deploy 4c4b3700f8a8db461c45c7a992bf8348b9c2ddbd is out, master branch',
      'cluster_state is fail since 3am',
      '/redis diagnose prod-cluster',
    ]) {
      expect(looksLikeClusterOutput(t)).toBe(false);
    }
  });
});
