/** The reply classifier: every Redis error family gets its code, and no message carries the password. */
import { describe, expect, it } from 'vitest';
import { replyError, replyKind } from '../../src/actions/execute/replies.ts';

describe('replyKind', () => {
  it.each([
    ['MOVED 3999 127.0.0.1:7002', 'moved'],
    ['ASK 3999 127.0.0.1:7002', 'ask'],
    ['TRYAGAIN Multiple keys request during rehashing of slot', 'tryagain'],
    ['ERR Target instance replied with error: BUSYKEY Target key name already exists.', 'busykey'],
    ["NOPERM User ops has no permissions to run the 'cluster|failover' command", 'noperm'],
    ['NOAUTH Authentication required.', 'auth'],
    ['WRONGPASS invalid username-password pair or user is disabled.', 'auth'],
    ['LOADING Redis is loading the dataset in memory', 'loading'],
    ['CLUSTERDOWN The cluster is down', 'clusterdown'],
    ['connect ECONNREFUSED 127.0.0.1:7000', 'unreachable'],
    ['127.0.0.1:7000: no answer within the 2000 ms deadline', 'timeout'],
    ['Connection is closed.', 'unreachable'],
    ['ERR Unknown node 1234', 'error'],
  ])('%s -> %s', (message, kind) => {
    expect(replyKind(message)).toBe(kind);
  });

  it('codes each kind, scrubs the password and says an unanswered mutating command was not retried', () => {
    const noperm = replyError(
      new Error("NOPERM User ops has no permissions to run the 'cluster|forget' command"),
      {
        address: '127.0.0.1:7000',
        argv: ['CLUSTER', 'FORGET', 'abc'],
      },
    );
    expect(noperm.code).toBe('ACTION_NOPERM');
    expect(noperm.message).toMatch(/^127\.0\.0\.1:7000 CLUSTER FORGET: NOPERM .*README \(Fixing\)/);
    const leak = replyError(new Error('ERR bad thing s3cret-pw happened'), {
      address: 'a:1',
      argv: ['MIGRATE', 'h', '1', '', '0', '5000', 'AUTH', 's3cret-pw'],
      secrets: ['s3cret-pw'],
    });
    expect(leak.message).not.toContain('s3cret-pw');
    expect(leak.message).toContain('a:1 MIGRATE:');
    const lost = replyError(new Error('a:1: no answer within the 15000 ms deadline'), {
      address: 'a:1',
      argv: ['CLUSTER', 'FAILOVER'],
      mutating: true,
    });
    expect(lost.code).toBe('ACTION_UNREACHABLE');
    expect(lost.message).toMatch(/may or may not have run; it was not retried/);
    expect(replyError(new Error('BUSYKEY x'), { address: 'a:1' }).code).toBe('ACTION_BUSYKEY');
  });
});
