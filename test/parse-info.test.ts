import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInfoFields, parseInfoSections, readReplication } from '../src/cluster/parse-info.ts';
import { real } from './paste-fixtures.ts';

describe('parseInfoFields', () => {
  it('reads real CLUSTER INFO with CRLF line ends', () => {
    const f = parseInfoFields(real('down-cluster-info-n1.txt'));
    expect(f.cluster_state).toBe('fail');
    expect(f.cluster_slots_assigned).toBe('16384');
    expect(f.cluster_slots_ok).toBe('10923');
    expect(f.cluster_slots_fail).toBe('5461');
    expect(f.cluster_known_nodes).toBe('6');
    expect(f.cluster_size).toBe('3');
    expect(f['cluster_stats_messages_auth-ack_sent']).toBe('1');
    expect(Object.values(f).some((v) => v.includes('\r'))).toBe(false);
  });

  it('reads CLUSTER INFO flattened onto one line', () => {
    const flat = real('healthy-cluster-info-flat-n1.txt');
    expect(flat.trim().split('\n')).toHaveLength(1);
    const f = parseInfoFields(flat);
    expect(f).toMatchObject({ cluster_state: 'ok', cluster_slots_assigned: '16384', cluster_size: '3' });
    expect(f.total_cluster_links_buffer_limit_exceeded).toBe('0');
  });

  it('keeps values with spaces and skips section headers', () => {
    const f = parseInfoFields(
      '# Server\r\nredis_version:7.0.15\r\nos:Linux 6.1.0 x86_64\r\nconfig_file:\r\n',
    );
    expect(f).toEqual({ redis_version: '7.0.15', os: 'Linux 6.1.0 x86_64', config_file: '' });
  });

  it('splits INFO into sections', () => {
    const s = parseInfoSections(
      `${real('healthy-info-server-n1.txt')}\n${real('healthy-info-replication-n4.txt')}`,
    );
    expect(s.server?.redis_version).toBe('7.0.15');
    expect(s.replication?.role).toBe('slave');
    expect(s.server?.role).toBeUndefined();
  });
});

describe('readReplication', () => {
  it('reads a real master with one online replica', () => {
    const r = readReplication(parseInfoFields(real('healthy-info-replication-n1.txt')));
    expect(r.role).toBe('master');
    expect(r.connectedSlaves).toBe(1);
    expect(r.masterReplOffset).toBe(660);
    expect(r.replicas).toEqual([
      { index: 0, ip: '127.31.0.4', port: 7000, state: 'online', offset: 660, lag: 0 },
    ]);
    expect(r.masterHost).toBeNull();
    expect(r.masterLinkStatus).toBeNull();
  });

  it('reads a real replica', () => {
    const r = readReplication(parseInfoFields(real('healthy-info-replication-n4.txt')));
    expect(r).toMatchObject({
      role: 'replica',
      masterHost: '127.31.0.1',
      masterPort: 7000,
      masterLinkStatus: 'up',
      masterSyncInProgress: false,
      masterLastIoSecondsAgo: 1,
      slaveReplOffset: 660,
      masterReplOffset: 660,
      replicas: [],
    });
  });

  it('reads a promoted replica and a replica whose link is down', () => {
    expect(readReplication(parseInfoFields(real('failover-info-replication-n6.txt'))).role).toBe('master');
    const down = readReplication(
      parseInfoFields(
        'role:slave\nmaster_host:10.0.0.1\nmaster_port:6379\nmaster_link_status:down\nmaster_sync_in_progress:1\nmaster_link_down_since_seconds:42\nslave0:ip=10.0.0.9,port=6380,state=wait_bgsave,offset=0,lag=0',
      ),
    );
    expect(down).toMatchObject({
      role: 'replica',
      masterLinkStatus: 'down',
      masterSyncInProgress: true,
      masterLinkDownSinceSeconds: 42,
    });
    expect(down.replicas[0]).toMatchObject({ ip: '10.0.0.9', port: 6380, state: 'wait_bgsave' });
  });
});

describe('parseInfoFields reads server text natively, with the same result as line by line', () => {
  // A leading space on the first line is never server text: the line-by-line reader takes it, and trims it.
  const same = (text: string) => expect(parseInfoFields(text)).toEqual(parseInfoFields(` ${text}`));
  const fixtures = join(import.meta.dirname, 'fixtures');
  const recorded = readdirSync(fixtures, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) =>
      readdirSync(join(fixtures, d.name))
        .filter((f) => /^(cluster-info|info-)/.test(f))
        .map((f) => readFileSync(join(fixtures, d.name, f), 'utf8')),
    );

  it('every recorded CLUSTER INFO and INFO reply', () => {
    expect(recorded.length).toBeGreaterThan(20);
    for (const text of recorded) same(text);
  });

  it.each([
    ['values with spaces', '# Server\r\nos:Linux 6.1 x86_64\r\nmonotonic_clock:POSIX clock_gettime\r\n'],
    ['a flattened line among plain ones', 'a:1\r\ncluster_state:ok cluster_slots_ok:16384\r\nb:2\r\n'],
    ['a value that is only key:value tokens', 'x:a:1 b:2\n'],
    ['a header with a line separator in it', '# S\u2028x:1\r\ny:2\r\n'],
    ['a lone CR', 'a:1\rb:2\r\n'],
    ['a tab and trailing spaces', 'a:1\tb\r\nc:2  \r\nd:\r\n'],
    ['empty value, colons in values, LF only', 'a:\nb:c:d\nexecutable:/usr/bin/redis-server\n\n'],
  ])('%s', (_what, text) => same(text));
});

describe('a secret typed into a pasted INFO value', () => {
  it('is never echoed, whichever reader takes the text (as servers print it, or odd)', () => {
    for (const text of [
      'cluster_state:ok masterauth Hunter4pw\r\ncluster_slots_assigned:16384\r\n',
      'cluster_state:ok masterauth Hunter4pw\n  cluster_slots_assigned:16384  \n',
      '# Replication\nrole:master\nmasterauth:x requirepass Hunter4pw\n',
    ]) {
      const fields = parseInfoFields(text);
      expect(JSON.stringify(fields), text).not.toContain('Hunter4pw');
      expect(Object.keys(fields).length).toBeGreaterThan(1);
    }
  });
});
