/**
 * A paste with secrets in it: what the reply and its Details echo back (unreadable lines, the issue
 * that names a bad token, pasted CLUSTER INFO values) carries *** in their place, never the secret.
 * The Details are stored in the queue Redis as rendered, so this is also what reaches it.
 */
import { describe, expect, it } from 'vitest';
import { replyToPaste } from '../../src/bot/paste-analysis.ts';
import { parseInfoFields } from '../../src/cluster/parse-info.ts';
import { fixture } from './helpers/big-dump.ts';

describe('secrets in a paste', () => {
  it('are never echoed by the reply or its details, while the lines that held them are', () => {
    const text = [
      '$ redis-cli -a Hunter1pw -h 10.0.0.1 -p 7000 cluster nodes',
      fixture('down-nodes-n1.txt'),
      'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca 127.0.0.9:7000@17000 master - 0 0 9 connected 99 requirepass Hunter2pw',
      'e7d1eecce10fd6bb5eb35b9f99a514335d9ba9cb 127.0.0.9:7001@17001 master - 0 0 9 connected masterauth Hunter3pw',
      'cluster_state:ok requirepass Hunter4pw',
      'cluster_slots_assigned:16384 redis://u:Hunter5pw@10.0.0.9:6379',
    ].join('\n');
    const reply = replyToPaste(text, true);
    const all = JSON.stringify(reply?.message);
    expect(all).toContain('Lines I could not read');
    expect(all).toContain('requirepass ***');
    expect(all).toContain('cluster_state:ok requirepass ***');
    expect(all).not.toMatch(/Hunter\dpw/);
  });

  it('leaves INFO values without a secret as they are', () => {
    const info = parseInfoFields('os:Linux 6.1.0 x86_64\ncluster_state:ok\nexecutable:/usr/bin/redis-server');
    expect(info).toEqual({
      os: 'Linux 6.1.0 x86_64',
      cluster_state: 'ok',
      executable: '/usr/bin/redis-server',
    });
  });
});
