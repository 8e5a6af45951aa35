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
