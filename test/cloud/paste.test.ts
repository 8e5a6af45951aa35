/**
 * The cloud root causes from pasted text: H2's recorded scenarios (test/fixtures/<scenario>/), the same
 * pastes mangled the way chat and logs mangle them, H1's format fixtures, and negatives that must not
 * gain any cloud cause.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  CLOUD_CAUSES,
  CLOUD_FINDINGS,
  causeCodes,
  findingsOf,
  fixtureAddresses,
  fixturePaste,
  hasFixture,
  pasted,
} from './helpers.ts';

const formats = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'paste-formats');
const format = (f: string): string => readFileSync(join(formats, f), 'utf8');
const cloud = new Set<string>(CLOUD_CAUSES);
const cloudFindings = new Set<string>(CLOUD_FINDINGS);
const ids = (text: string): string[] => [...new Set(text.match(/\b[0-9a-f]{40}\b/g) ?? [])];

describe.skipIf(!hasFixture('stale-addresses'))('recorded scenarios, pasted', () => {
  it('stale-addresses: confirmed from all views, with MEETs, and not quorum-lost or a partition', () => {
    const d = pasted(fixturePaste('stale-addresses'));
    expect(causeCodes(d)[0]).toBe('stale-addresses');
    expect(causeCodes(d)).not.toContain('quorum-lost');
    expect(causeCodes(d)).not.toContain('network-partition');
    expect(findingsOf(d, 'STALE_ADDRESS').map((f) => f.severity)).toEqual([
      'critical',
      'critical',
      'critical',
    ]);
    expect(d.rootCauses[0]!.actions.filter((a) => a.action === 'meet').length).toBeGreaterThanOrEqual(2);
  });

  it('stale-addresses: one node view alone is only a hedged suspicion', () => {
    const d = pasted(fixturePaste('stale-addresses', fixtureAddresses('stale-addresses').slice(0, 1)));
    const c = d.rootCauses.find((x) => x.code === 'stale-addresses');
    expect(c?.summary).toMatch(/^Possibly/);
    expect(causeCodes(d)[0]).not.toBe('stale-addresses');
    expect(findingsOf(d, 'STALE_ADDRESS')[0]?.severity).toBe('warning');
  });

  it('ghost-nodes: the dead empty master and the handshake, with FORGET spelled out per node', () => {
    const d = pasted(fixturePaste('ghost-nodes'));
    expect(causeCodes(d)).toEqual(['ghost-nodes']);
    expect(findingsOf(d, 'GHOST_NODE')).toHaveLength(2);
    const forget = d.rootCauses[0]!.actions.find(
      (a) => a.action === 'forget-node' && /CLUSTER FORGET/.test(a.why),
    );
    expect(forget?.why.match(/redis-cli -h \S+ -p \d+ CLUSTER FORGET [0-9a-f]{40}/g)).toHaveLength(3);
  });

  it('wrong-announced-address: the prompt address differs from the myself line and peers are cut off', () => {
    const d = pasted(fixturePaste('wrong-announced-address'));
    expect(causeCodes(d)).toEqual(['wrong-announced-address']);
    const f = findingsOf(d, 'WRONG_ANNOUNCED_ADDRESS');
    expect(f).toHaveLength(1);
    expect(f[0]!.severity).toBe('critical');
    expect(f[0]!.evidence[0]).toMatch(/^reached at \S+:7000, own view:/);
  });

  it('config-lost: certain (replicas follow the address), slots of the old id, no slot reassignment', () => {
    const d = pasted(fixturePaste('config-lost'));
    expect(causeCodes(d)[0]).toBe('cluster-config-lost');
    expect(d.rootCauses[0]!.explanation).toMatch(/^Certain:/);
    expect(findingsOf(d, 'CONFIG_LOST')[0]).toMatchObject({ severity: 'critical', slots: '0-5460' });
    const actions = d.rootCauses.flatMap((c) => c.actions.map((a) => a.action));
    expect(actions).not.toContain('fix-coverage');
  });

  it('config-lost: the lost node pasted alone is never "assign all slots"', () => {
    const d = pasted(fixturePaste('config-lost', fixtureAddresses('config-lost').slice(0, 1)));
    expect(causeCodes(d)).toEqual(['cluster-config-lost']);
    expect(d.rootCauses[0]!.summary).toMatch(/knows only itself/);
  });

  it('no-voters: supersedes quorum-lost, TAKEOVER with its risks', () => {
    const d = pasted(fixturePaste('no-voters'));
    expect(causeCodes(d)).toEqual(['failover-not-possible-no-voters']);
    const takeover = d.rootCauses[0]!.actions.find((a) => a.action === 'failover-takeover');
    expect(takeover?.why).toMatch(/without any election/);
  });
});

describe.skipIf(!hasFixture('healthy'))('negatives: scenarios that must not gain a cloud cause', () => {
  const issue2 = ['healthy', 'master-killed-no-replica', 'failover-completed', 'majority-masters-down'];
  for (const name of issue2) {
    it(`${name}: no cloud cause and no cloud finding`, () => {
      const d = pasted(fixturePaste(name));
      expect(causeCodes(d).filter((c) => cloud.has(c))).toEqual([]);
      expect(d.findings.filter((f) => cloudFindings.has(f.code))).toEqual([]);
    });
    it(`${name}: each node's view alone gains no cloud cause either`, () => {
      for (const a of fixtureAddresses(name)) {
        const d = pasted(fixturePaste(name, [a]));
        expect(causeCodes(d).filter((c) => cloud.has(c))).toEqual([]);
      }
    });
  }
  const others = [
    'frozen-master-synced',
    'frozen-master-unsynced',
    'slots-unassigned',
    'open-slot',
    'open-slot-importing-only',
    'same-host-replicas',
    'no-full-coverage-dead-master',
    'acl-protected',
    'bus-port-blocked',
  ].filter(hasFixture);
  for (const name of others) {
    it(`${name}: no cloud cause`, () => {
      expect(causeCodes(pasted(fixturePaste(name))).filter((c) => cloud.has(c))).toEqual([]);
    });
  }
});

describe.skipIf(!hasFixture('failover-completed'))('ghosts by age', () => {
  // Pushes the failed master's ping/pong stamps back by `ms`, as if it had died that long ago.
  const aged = (ms: number): string =>
    fixturePaste('failover-completed').replace(
      /^(\S+ \S+ master,fail - )(\d+) (\d+)/gm,
      (_m, head: string, ping: string, pong: string) => `${head}${Number(ping) - ms} ${Number(pong) - ms}`,
    );

  it('a master that just lost a failover is not a ghost', () => {
    const d = pasted(aged(0));
    expect(findingsOf(d, 'GHOST_NODE')).toEqual([]);
  });

  it('the same entry, silent for two hours, is a ghost to forget (the failover itself still reported)', () => {
    const d = pasted(aged(2 * 3_600_000));
    const g = findingsOf(d, 'GHOST_NODE');
    expect(g).toHaveLength(1);
    expect(g[0]!.message).toMatch(/no pong for 2 h/);
    expect(causeCodes(d)).toEqual(expect.arrayContaining(['failover-completed', 'ghost-nodes']));
  });
});

describe.skipIf(!hasFixture('stale-addresses'))('mangled pastes of the recorded scenarios', () => {
  it('stale-addresses in a Slack code fence, quoted with "> "', () => {
    const text = `here is what I see\n\`\`\`\n${fixturePaste('stale-addresses')}\`\`\``;
    const quoted = text
      .split('\n')
      .map((l) => `&gt; ${l}`)
      .join('\n');
    expect(causeCodes(pasted(quoted))[0]).toBe('stale-addresses');
  });

  it('stale-addresses with every id abbreviated to 8 chars + "..."', () => {
    const text = fixturePaste('stale-addresses').replace(/\b([0-9a-f]{8})[0-9a-f]{32}\b/g, '$1...');
    const d = pasted(text);
    expect(causeCodes(d)[0]).toBe('stale-addresses');
    expect(findingsOf(d, 'STALE_ADDRESS')).toHaveLength(3);
  });

  it('stale-addresses over IPv6 (127.A.B.N -> fd00:A:B::N)', () => {
    const text = fixturePaste('stale-addresses').replace(/\b127\.(\d+)\.(\d+)\.(\d+)\b/g, 'fd00:$1:$2::$3');
    const d = pasted(text);
    expect(causeCodes(d)[0]).toBe('stale-addresses');
    expect(findingsOf(d, 'STALE_ADDRESS')[0]!.nodes[0]).toMatch(/^\[fd00:/);
  });

  it('no-voters: one view as a JSON log line', () => {
    const [, empty] = fixtureAddresses('no-voters');
    const view = fixturePaste('no-voters', [empty!]).split('$ redis-cli')[1]!.split('\n').slice(1).join('\n');
    const nodes = view.slice(
      0,
      view.indexOf('cluster_state') >= 0 ? view.indexOf('cluster_state') : undefined,
    );
    const line = JSON.stringify({ level: 30, msg: 'cluster nodes', output: nodes.trim() });
    expect(causeCodes(pasted(line))).toEqual(['failover-not-possible-no-voters']);
  });

  it('ghost-nodes as nodes.conf files (tabs, CRLF, a vars line)', () => {
    const text = fixturePaste('ghost-nodes', fixtureAddresses('ghost-nodes').slice(1, 2))
      .split('\n')
      .filter((l) => /^[0-9a-f]{40} /.test(l))
      .map((l) => l.replace(' ', '\t'))
      .concat(['vars currentEpoch 4 lastVoteEpoch 0'])
      .join('\r\n');
    const d = pasted(text);
    expect(causeCodes(d)).toContain('ghost-nodes');
    expect(ids(text)).toContain(findingsOf(d, 'GHOST_NODE')[0]!.message.match(/\(([0-9a-f]{40})\)/)?.[1]);
  });
});

describe("H1's format fixtures", () => {
  it('ElastiCache hostnames after a failover: failover-completed only, no host or ghost cause', () => {
    const d = pasted(format('derived/elasticache-nodes.txt'));
    expect(causeCodes(d)).toEqual(['failover-completed']);
  });

  it('a truncated paste states what it saw and invents no ghost or lost config', () => {
    const d = pasted(format('derived/truncated-nodes.txt'));
    expect(d.visibility.nodesKnown).toBeLessThan(6);
    expect(d.visibility.summary).toMatch(/\d+ of \d+ nodes/);
    expect(causeCodes(d).filter((c) => cloud.has(c))).toEqual([]);
  });

  it('nodes.conf with CRLF and tabs: healthy', () => {
    expect(causeCodes(pasted(format('derived/nodes-conf-crlf-tabs.txt')))).toEqual(['healthy']);
  });

  it('a real stuck handshake is a ghost entry (warning), the cluster still healthy otherwise', () => {
    const d = pasted(format('real/handshake-nodes-n1.txt'));
    expect(causeCodes(d)).toEqual(['ghost-nodes']);
    expect(findingsOf(d, 'GHOST_NODE')[0]?.severity).toBe('warning');
    expect(d.state).toBe('ok');
  });

  it('a fresh lone node (empty ip): hedged, never a slot assignment', () => {
    const d = pasted(format('real/lonely-nodes-n7.txt'));
    expect(causeCodes(d)).toEqual(['cluster-config-lost']);
    expect(d.rootCauses[0]!.summary).toMatch(/knows only itself.*not proven/);
    expect(d.rootCauses.flatMap((c) => c.actions.map((a) => a.action))).not.toContain('fix-coverage');
  });

  it('check output only: no voter-risk claim from a partial list of masters', () => {
    const d = pasted(format('real/down-check.txt'));
    expect(findingsOf(d, 'NO_ELIGIBLE_VOTERS')).toEqual([]);
  });
});

describe('announced addresses that only exist outside loopback (derived from a real healthy view)', () => {
  const healthy = format('real/healthy-nodes-n1.txt');
  const remap = (two: string): string =>
    healthy.replace(/\b127\.31\.0\.(\d)\b/g, (_m, n: string) => (n === '2' ? two : `203.0.113.${n}`));

  it('127.0.0.1 among public addresses: wrong-announced-address, critical for a slot owner', () => {
    const d = pasted(remap('127.0.0.1'));
    expect(causeCodes(d)).toContain('wrong-announced-address');
    const f = findingsOf(d, 'WRONG_ANNOUNCED_ADDRESS');
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({ severity: 'critical', nodes: ['127.0.0.1:7000'] });
  });

  it('0.0.0.0 likewise', () => {
    expect(causeCodes(pasted(remap('0.0.0.0')))).toContain('wrong-announced-address');
  });

  it('a private address among public ones is only a warning-level suspicion, not a cause', () => {
    const d = pasted(remap('10.0.0.2'));
    expect(findingsOf(d, 'WRONG_ANNOUNCED_ADDRESS')[0]?.severity).toBe('warning');
    expect(causeCodes(d)).toEqual(['healthy']);
  });

  it('an empty ip (":7000@17000") on a peer line', () => {
    const d = pasted(healthy.replace(/ 127\.31\.0\.2:7000@17000/, ' :7000@17000'));
    expect(causeCodes(d)).toContain('wrong-announced-address');
  });

  it('reached through a DNS name or a port-forward: no announce warning', () => {
    for (const host of ['redis-a.example.internal', '127.0.0.1']) {
      const d = pasted(`$ redis-cli -h ${host} -p 7000 cluster nodes\n${remap('203.0.113.2')}`);
      expect(findingsOf(d, 'WRONG_ANNOUNCED_ADDRESS')).toEqual([]);
      expect(causeCodes(d)).toEqual(['healthy']);
    }
  });

  it('reached at another routable ip than it announces, peers fine: a warning, not a cause', () => {
    const d = pasted(`$ redis-cli -h 198.51.100.7 -p 7000 cluster nodes\n${remap('203.0.113.2')}`);
    expect(findingsOf(d, 'WRONG_ANNOUNCED_ADDRESS')[0]?.severity).toBe('warning');
    expect(causeCodes(d)).toEqual(['healthy']);
  });

  it('all nodes on loopback (a dev box) is fine', () => {
    expect(findingsOf(pasted(healthy), 'WRONG_ANNOUNCED_ADDRESS')).toEqual([]);
  });
});
