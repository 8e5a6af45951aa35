import { describe, expect, it } from 'vitest';
import { syntheticDump } from '../bench/_dump.ts';
import { parseNodeAddress, parseNodeId, parseSlotToken } from '../src/cluster/parse-address.ts';
import {
  describeIssue,
  NODE_LINE_SHAPE,
  parseClusterNodes,
  parseNodeLines,
  TRUNCATED_PREFIX,
} from '../src/cluster/parse-nodes.ts';
import type { NodeLine } from '../src/cluster/types.ts';
import { derived, IDS, real } from './paste-fixtures.ts';

function byId(nodes: readonly NodeLine[], id: string): NodeLine {
  const n = nodes.find((x) => x.id === id);
  if (!n) throw new Error(`node ${id} not parsed`);
  return n;
}

describe('parseClusterNodes on real Redis 7.0 output', () => {
  it('reads every field of a healthy dump, hostname form included', () => {
    const v = parseClusterNodes(real('healthy-nodes-n1.txt'));
    expect(v.issues).toEqual([]);
    expect(v.observer).toBe(IDS.n1);
    expect(v.nodes).toHaveLength(6);
    const me = byId(v.nodes, IDS.n1);
    expect(me).toMatchObject({
      abbreviated: false,
      ip: '127.31.0.1',
      port: 7000,
      cport: 17000,
      hostname: 'redis-a.example.internal',
      flags: ['myself', 'master'],
      unknownFlags: [],
      masterId: null,
      pingSent: 0,
      pongRecv: 1795314270000,
      configEpoch: 1,
      link: 'connected',
      slots: [{ start: 0, end: 5460 }],
      migrating: [],
      importing: [],
      lineNo: 1,
    });
    const replica = byId(v.nodes, IDS.n6);
    expect(replica).toMatchObject({
      flags: ['slave'],
      masterId: IDS.n3,
      hostname: null,
      slots: [],
      lineNo: 3,
    });
    expect(byId(v.nodes, IDS.n2).slots).toEqual([{ start: 5461, end: 10922 }]);
  });

  it('reads migrating and importing entries on the myself line', () => {
    const n1 = parseClusterNodes(real('migrating-nodes-n1.txt'));
    expect(byId(n1.nodes, IDS.n1).migrating).toEqual([{ slot: 100, to: IDS.n2 }]);
    expect(byId(n1.nodes, IDS.n1).slots).toEqual([{ start: 0, end: 5460 }]);
    const n2 = parseClusterNodes(real('migrating-nodes-n2.txt'));
    expect(byId(n2.nodes, IDS.n2).importing).toEqual([{ slot: 100, from: IDS.n1 }]);
    expect(byId(n2.nodes, IDS.n2).lineNo).toBe(2);
    const n3 = parseClusterNodes(real('migrating-nodes-n3.txt'));
    expect(byId(n3.nodes, IDS.n3).importing).toEqual([{ slot: 200, from: IDS.n1 }]);
    expect(byId(n3.nodes, IDS.n3).migrating).toEqual([]);
  });

  it('reads fail?, fail, handshake and disconnected', () => {
    const pfail = byId(parseClusterNodes(real('pfail-nodes-n1.txt')).nodes, IDS.n3);
    expect(pfail).toMatchObject({
      flags: ['master', 'fail?'],
      link: 'disconnected',
      pingSent: 1795314274086,
    });
    expect(pfail.slots).toEqual([{ start: 10923, end: 16383 }]);
    const down = parseClusterNodes(real('down-nodes-n1.txt'));
    expect(byId(down.nodes, IDS.n3)).toMatchObject({ flags: ['master', 'fail'], slots: [] });
    expect(byId(down.nodes, IDS.n6)).toMatchObject({ flags: ['master', 'fail'], configEpoch: 6 });
    const hs = byId(parseClusterNodes(real('handshake-nodes-n1.txt')).nodes, IDS.handshake);
    expect(hs).toMatchObject({
      ip: '127.31.0.99',
      flags: ['handshake'],
      masterId: null,
      link: 'disconnected',
    });
  });

  it('reads the empty-ip form of a node that never met anyone', () => {
    const v = parseClusterNodes(real('lonely-nodes-n7.txt'));
    expect(v.observer).toBe(IDS.n7);
    expect(v.nodes[0]).toMatchObject({ ip: '', port: 7000, cport: 17000, flags: ['myself', 'master'] });
  });

  it('accepts nodes.conf with its vars line, also with CRLF, tabs and trailing spaces', () => {
    for (const text of [real('healthy-nodes-conf-n1.txt'), derived('nodes-conf-crlf-tabs.txt')]) {
      const v = parseClusterNodes(text);
      expect(v.issues).toEqual([]);
      expect(v.nodes).toHaveLength(6);
      expect(v.observer).toBe(IDS.n1);
    }
  });

  it('reads Redis 3 addresses, IPv6, ElastiCache-style hostnames and abbreviated ids', () => {
    const r3 = byId(parseClusterNodes(derived('redis3-nodes.txt')).nodes, IDS.n1);
    expect(r3).toMatchObject({ ip: '127.31.0.1', port: 7000, cport: null, hostname: null });
    const v6 = byId(parseClusterNodes(derived('ipv6-nodes.txt')).nodes, IDS.n2);
    expect(v6).toMatchObject({ ip: 'fd00:31::2', port: 7000, cport: 17000 });
    const ec = byId(parseClusterNodes(derived('elasticache-nodes.txt')).nodes, IDS.n6);
    expect(ec).toMatchObject({
      ip: '10.0.1.6',
      port: 6379,
      cport: 1122,
      hostname: 'prod-0006-001.prod.abc123.use1.cache.amazonaws.com',
    });
    const ab = parseClusterNodes(derived('abbreviated-nodes.txt'));
    expect(ab.issues).toEqual([]);
    expect(ab.observer).toBe('4c4b3700');
    const me = byId(ab.nodes, '4c4b3700');
    expect(me).toMatchObject({ abbreviated: true, migrating: [{ slot: 100, to: '823c03be' }] });
    expect(byId(ab.nodes, '2248c080').masterId).toBe('4c4b3700');
  });
});

describe('parseClusterNodes on bad input', () => {
  it('reports malformed lines by number and keeps the valid ones', () => {
    const v = parseClusterNodes(derived('malformed-nodes.txt'));
    // line 3, cut after 5 fields, is still read by its flags column: slots unknown, not none
    expect(v.nodes.map((n) => n.lineNo)).toEqual([1, 2, 3, 4, 6, 7, 8]);
    expect(v.nodes.find((n) => n.lineNo === 3)).toMatchObject({ slotsUnknown: true, slots: [] });
    expect(v.issues).toEqual([
      {
        line: 2,
        text: expect.stringContaining(' 99999'),
        expected: 'slot entries like "0-5460", "42", "[42->-<id>]" or "[42-<-<id>]", got "99999"',
      },
      {
        line: 3,
        text: `${IDS.n3} 127.31.0.3:7000@17000 master - 0`,
        expected: `${NODE_LINE_SHAPE}, got 5 fields`,
      },
      { line: 5, text: 'sorry, wrong window', expected: `${NODE_LINE_SHAPE}, got 3 fields` },
    ]);
    // the line with the bad slot token still counts, with its good slots and migration
    expect(byId(v.nodes, IDS.n1)).toMatchObject({
      slots: [{ start: 0, end: 5460 }],
      migrating: [{ slot: 100, to: IDS.n2 }],
    });
  });

  it('names the field that is wrong', () => {
    const line = `${IDS.n1} 127.0.0.1:7000@17000 master - zero 0 1 connected 0-10`;
    expect(parseClusterNodes(line).issues[0]?.expected).toBe(
      'field 5 to be a ping-sent time in ms, got "zero"',
    );
    const bad = `${IDS.n1} 127.0.0.1:7000@17000 master - 0 0 1 up 0-10`;
    expect(parseClusterNodes(bad).issues[0]?.expected).toBe(
      'field 8 to be "connected" or "disconnected", got "up"',
    );
    const huge = `${IDS.n1} 127.0.0.1:7000@17000 master - 0 0 99999999999999999999 connected`;
    expect(parseClusterNodes(huge).issues[0]?.expected).toMatch(/^field 7 to be a config epoch/);
  });

  it('reports a last line cut mid-line as truncated, but not when the text ended with a newline', () => {
    const text = derived('truncated-nodes.txt');
    const v = parseClusterNodes(text);
    expect(v.nodes).toHaveLength(5);
    expect(v.issues).toHaveLength(1);
    expect(v.issues[0]?.line).toBe(6);
    expect(v.issues[0]?.expected.startsWith(TRUNCATED_PREFIX)).toBe(true);
    const complete = parseClusterNodes(`${text}\n`);
    expect(complete.issues[0]?.expected.startsWith(TRUNCATED_PREFIX)).toBe(false);
  });

  it('reports a last slot entry cut mid-token and keeps the rest of that line', () => {
    const text = `${IDS.n1} 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460 [100->-4c4b37`;
    const res = parseNodeLines([{ text, lineNo: 9 }]);
    expect(res.truncatedLine).toBe(9);
    expect(res.nodes[0]?.slots).toEqual([{ start: 0, end: 5460 }]);
    expect(res.nodes[0]?.migrating).toEqual([]);
  });

  it('uses firstLineNo for line numbers', () => {
    const v = parseClusterNodes(`garbage here\n${real('healthy-nodes-n1.txt')}`, { firstLineNo: 40 });
    expect(v.issues[0]?.line).toBe(40);
    expect(byId(v.nodes, IDS.n1).lineNo).toBe(41);
  });

  it('reads noaddr, unknown flags, nodes.conf aux fields and bracketed IPv6', () => {
    const text = [
      `${IDS.n1} :0@0 master,fail,noaddr - 1795314274086 1795314273076 3 disconnected`,
      `${IDS.n2} 10.0.0.2:6379@16379,,tls-port=0,shard-id=abc master,nofailover,weird - 0 0 2 connected 1 3 2`,
      `${IDS.n3} [::1]:7000@17000,node-c.local noflags - 0 0 0 connected`,
    ].join('\n');
    const v = parseClusterNodes(text);
    expect(v.issues).toEqual([]);
    expect(byId(v.nodes, IDS.n1)).toMatchObject({
      ip: '',
      port: 0,
      cport: 0,
      flags: ['master', 'fail', 'noaddr'],
    });
    expect(byId(v.nodes, IDS.n2)).toMatchObject({
      hostname: null,
      flags: ['master', 'nofailover'],
      unknownFlags: ['weird'],
      slots: [{ start: 1, end: 3 }],
    });
    expect(byId(v.nodes, IDS.n3)).toMatchObject({ ip: '::1', hostname: 'node-c.local', flags: ['noflags'] });
    expect(v.observer).toBeNull();
  });

  it('parses a 1000-node dump with 16384 single-slot entries exactly', () => {
    const v = parseClusterNodes(syntheticDump(1000, 0));
    expect(v.issues).toEqual([]);
    expect(v.nodes).toHaveLength(1000);
    const total = v.nodes.reduce((acc, node) => acc + node.slots.length, 0);
    expect(total).toBe(16384);
    expect(v.nodes[999]?.slots[0]).toEqual({ start: 999, end: 999 });
  });
});

describe('describeIssue', () => {
  it('formats an issue the way people read it', () => {
    const issue = parseClusterNodes(`a\nb\nc\n${IDS.n1} 127.0.0.1:7000@17000 master - 0\n`).issues[3];
    expect(issue && describeIssue(issue)).toBe(`line 4: expected ${NODE_LINE_SHAPE}, got 5 fields`);
  });
});

describe('token parsers', () => {
  it('splits addresses at the last colon before @', () => {
    expect(parseNodeAddress('fd00::1:7000@17000')).toEqual({
      ip: 'fd00::1',
      port: 7000,
      cport: 17000,
      hostname: null,
    });
    expect(parseNodeAddress(':7001@17001')).toEqual({ ip: '', port: 7001, cport: 17001, hostname: null });
    expect(parseNodeAddress('1.2.3.4:70000@1')).toBeNull();
    expect(parseNodeAddress('nocolon@1')).toBeNull();
  });
  it('reads ids and slot tokens', () => {
    expect(parseNodeId('E7D1EECC...')).toEqual({ id: 'e7d1eecc', abbreviated: true });
    expect(parseNodeId('e7d1eecc…')).toEqual({ id: 'e7d1eecc', abbreviated: true });
    expect(parseNodeId('e7d1eecc')).toBeNull();
    expect(parseSlotToken('16384')).toBeNull();
    expect(parseSlotToken('10-5')).toBeNull();
    expect(parseSlotToken(`[16383-<-${IDS.n1}]`)).toEqual({ kind: 'importing', slot: 16383, from: IDS.n1 });
  });
});
