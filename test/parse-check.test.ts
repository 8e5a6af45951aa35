import { describe, expect, it } from 'vitest';
import { cleanPastedText } from '../src/cluster/clean-text.ts';
import { parseCheckOutput } from '../src/cluster/parse-check.ts';
import { derived, IDS, real } from './paste-fixtures.ts';

describe('parseCheckOutput on real redis-cli --cluster check output', () => {
  it('reads a healthy check with ANSI colours', () => {
    const r = parseCheckOutput(real('healthy-check.txt'));
    expect(r.entry).toBe('127.31.0.1:7000');
    expect(r.agree).toBe(true);
    expect(r.allCovered).toBe(true);
    expect(r.openSlots).toEqual([]);
    expect(r.nodes).toHaveLength(6);
    expect(r.nodes[0]).toEqual({
      role: 'master',
      id: IDS.n1,
      address: '127.31.0.1:7000',
      slots: [{ start: 0, end: 5460 }],
      replicates: null,
      replicaCount: 1,
    });
    const replica = r.nodes.find((n) => n.id === IDS.n4);
    expect(replica).toEqual({
      role: 'replica',
      id: IDS.n4,
      address: '127.31.0.4:7000',
      slots: [],
      replicates: IDS.n1,
      replicaCount: null,
    });
    expect(r.errors).toEqual([]);
    expect(r.messages).toEqual([]);
  });

  it('reads open slots', () => {
    const r = parseCheckOutput(real('migrating-check.txt'));
    expect(r.migrating).toEqual([{ address: '127.31.0.1:7000', slots: [100] }]);
    expect(r.importing).toEqual([
      { address: '127.31.0.3:7000', slots: [200] },
      { address: '127.31.0.2:7000', slots: [100] },
    ]);
    expect(r.openSlots).toEqual([200, 100]);
    expect(r.errors).toEqual(['Could not connect to Redis at 127.31.0.99:7000: Connection refused']);
    expect(r.messages).toContain('[WARNING] The following slots are open: 200,100.');
  });

  it('reads uncovered slots and unreachable nodes', () => {
    const r = parseCheckOutput(real('down-check.txt'));
    expect(r.allCovered).toBe(false);
    expect(r.agree).toBe(true);
    expect(r.errors).toEqual([
      'Could not connect to Redis at 127.31.0.3:7000: Connection refused',
      'Could not connect to Redis at 127.31.0.6:7000: Connection refused',
    ]);
    expect(r.messages).toEqual(['[ERR] Not all 16384 slots are covered by nodes.']);
    expect(r.nodes.map((n) => n.id).sort()).toEqual([IDS.n1, IDS.n2, IDS.n4, IDS.n5].sort());
    expect(r.nodes.find((n) => n.id === IDS.n2)?.slots).toEqual([{ start: 5461, end: 10922 }]);
  });

  it('reads a failed-over cluster: a master with no replicas counts 0', () => {
    const r = parseCheckOutput(real('failover-check.txt'));
    expect(r.nodes.find((n) => n.id === IDS.n6)).toMatchObject({ role: 'master', replicaCount: 0 });
  });
});

describe('parseCheckOutput on mangled pastes', () => {
  it('reads markdown "> > >" quotes and ** bold, with ESC bytes lost', () => {
    const r = parseCheckOutput(derived('markdown-check.txt'));
    expect(r.entry).toBe('127.31.0.1:7000');
    expect(r.agree).toBe(true);
    expect(r.allCovered).toBe(true);
    expect(r.nodes).toHaveLength(5);
  });

  it('reads output whose ">>>" markers were lost', () => {
    const r = parseCheckOutput(derived('check-no-markers.txt'));
    expect(r.entry).toBe('127.31.0.1:7000');
    expect(r.allCovered).toBe(false);
    expect(r.nodes).toHaveLength(4);
  });

  it('reads a Slack quote once cleaned', () => {
    const r = parseCheckOutput(cleanPastedText(derived('slack-quoted-check.txt')).text);
    expect(r.migrating).toEqual([{ address: '127.31.0.1:7000', slots: [100] }]);
    expect(r.openSlots).toEqual([200, 100]);
    expect(r.nodes).toHaveLength(6);
  });

  it('reads redis-trib.rb style slots, disagreement and multi-slot open states', () => {
    const text = [
      '>>> Performing Cluster Check (using node 10.0.0.1:7000)',
      `M: ${IDS.n1} 10.0.0.1:7000`,
      '   slots:0-5460,5462 (5462 slots) master',
      '   1 additional replica(s)',
      `S: ${IDS.n4} 10.0.0.4:7000`,
      '   slots: (0 slots) slave',
      `   replicates ${IDS.n1}`,
      "[ERR] Nodes don't agree about configuration!",
      '>>> Check for open slots...',
      '[WARNING] Node 10.0.0.1:7000 has slots in migrating state 12,34.',
      '[WARNING] The following slots are open: 12,34.',
      '[ERR] Unable to load info for node 10.0.0.9:7000',
    ].join('\n');
    const r = parseCheckOutput(text);
    expect(r.agree).toBe(false);
    expect(r.nodes[0]?.slots).toEqual([
      { start: 0, end: 5460 },
      { start: 5462, end: 5462 },
    ]);
    expect(r.migrating).toEqual([{ address: '10.0.0.1:7000', slots: [12, 34] }]);
    expect(r.openSlots).toEqual([12, 34]);
    expect(r.errors).toEqual(['[ERR] Unable to load info for node 10.0.0.9:7000']);
    expect(r.allCovered).toBeNull();
  });
});
