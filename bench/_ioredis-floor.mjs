// The least a Node 20 process with ioredis can do to see a cluster: load the Redis client redis-runbook
// uses (its pre-bundled file in dist/vendor), open one connection per address given, send CLUSTER NODES
// on each, close. No parsing, no other command, no diagnosis. bench/startup.ts times it against
// `redis-cli --cluster check` to show how much of the live ratio is the runtime and client themselves.
// Run: node bench/_ioredis-floor.mjs host:port [host:port ...]
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { Redis } = await import(pathToFileURL(join(root, 'dist', 'vendor', 'ioredis.js')).href);
await Promise.all(
  process.argv.slice(2).map(async (address) => {
    const at = address.lastIndexOf(':');
    const client = new Redis({
      host: address.slice(0, at),
      port: Number(address.slice(at + 1)),
      lazyConnect: true,
      enableOfflineQueue: false,
      retryStrategy: null,
      maxRetriesPerRequest: 0,
      enableReadyCheck: false,
      protocol: 2,
      disableClientInfo: true,
    });
    await client.connect();
    await client.call('CLUSTER', 'NODES');
    client.disconnect();
    client.stream?.destroy();
  }),
);
