/**
 * A throwaway queue Redis for approvals tests: a real standalone redis-server (AOF on, noeviction) on
 * its own 127.A.B.1, never 127.0.0.1:6379. Test-only.
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { approvalKeys } from '../../../src/approvals/keys.ts';
import type { DevCluster } from '../../../src/devcluster/index.ts';
import { startStandalone } from '../../../src/devcluster/start.ts';
import { waitFor } from '../../../src/devcluster/wait.ts';

export interface QueueRedis {
  server: DevCluster;
  url: string;
  /** A plain client for assertions (closed by stop). */
  admin: Redis;
  stop(): Promise<void>;
  /** SIGKILLs the server (the data stays in its dir). */
  kill(): Promise<void>;
  /** Starts it again in the same dir and waits for PING. */
  restart(): Promise<void>;
}

/** Starts a queue Redis with `appendonly yes` and `maxmemory-policy noeviction`, unless told otherwise. */
export async function startQueueRedis(opts: { durable?: boolean; label?: string } = {}): Promise<QueueRedis> {
  const durable = opts.durable ?? true;
  const server = await startStandalone({
    label: opts.label ?? 'approvals-queue',
    config: durable
      ? [
          ['appendonly', 'yes'],
          ['maxmemory-policy', 'noeviction'],
        ]
      : [['maxmemory-policy', 'allkeys-lru']],
  });
  const node = server.node(0);
  const url = `redis://${node.host}:${node.port}`;
  const admin = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  admin.on('error', () => undefined);
  return {
    server,
    url,
    admin,
    async stop() {
      admin.disconnect();
      await server.stop();
    },
    kill: () => server.kill(node),
    async restart() {
      await server.restart(node, { awaitUp: false });
      await waitFor(async () => (await server.cli(node, 'PING').catch(() => '')) === 'PONG', {
        what: 'queue redis back',
        timeoutMs: 10_000,
        intervalMs: 50,
      });
    },
  };
}

/** A key prefix of its own for one test file. */
export function testKeys(name: string) {
  return approvalKeys(`t-${name}-${randomUUID().slice(0, 8)}`);
}
