/**
 * Bulk keys for tests and benchmarks: write N keys across a dev cluster with pipelines (each key sent to
 * the master that owns its slot), and read them all back the same way, reporting any missing or changed.
 * Values are derived from the key, so a read checks content, not just presence.
 */
import { Redis } from 'ioredis';
import { SLOT_COUNT } from '../cluster/slots.ts';
import type { DevCluster } from './cluster.ts';
import { parseNodes } from './inspect.ts';
import { keySlot } from './scenario-kit.ts';

/** The value a bulk key is written with. */
export function bulkValue(key: string): string {
  return `value-of-${key}`;
}

/** "host:port" of the owner of each slot, from the masters' own myself lines ('' when nobody claims it). */
async function ownerMap(c: DevCluster): Promise<string[]> {
  const owner: string[] = new Array(SLOT_COUNT).fill('');
  for (const n of c.live()) {
    const me = parseNodes(await c.cli(n, 'CLUSTER', 'NODES')).find((r) => r.flags.includes('myself'));
    if (!me?.flags.includes('master')) continue;
    for (const t of me.slots) {
      const [a, b] = t.split('-').map(Number) as [number, number | undefined];
      for (let s = a; s <= (b ?? a); s++) owner[s] = `${me.host}:${me.port}`;
    }
  }
  return owner;
}

async function byOwner<T>(
  c: DevCluster,
  keys: readonly string[],
  run: (client: Redis, keys: string[]) => Promise<T>,
): Promise<{ results: T[]; unowned: string[] }> {
  const owner = await ownerMap(c);
  const groups = new Map<string, string[]>();
  const unowned: string[] = [];
  for (const k of keys) {
    const at = owner[keySlot(k)]!;
    if (!at) unowned.push(k);
    else {
      const list = groups.get(at);
      if (list) list.push(k);
      else groups.set(at, [k]);
    }
  }
  const results = await Promise.all(
    [...groups].map(async ([address, list]) => {
      const i = address.lastIndexOf(':');
      const client = new Redis({
        host: address.slice(0, i),
        port: Number(address.slice(i + 1)),
        username: c.auth.username,
        password: c.auth.password,
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
        enableReadyCheck: false,
        commandTimeout: 30_000,
      });
      client.on('error', () => {});
      try {
        await client.connect();
        return await run(client, list);
      } finally {
        client.disconnect();
      }
    }),
  );
  return { results, unowned };
}

/** Writes `count` keys "<prefix>:<i>" across the cluster in pipelines of `batch`; returns the keys. */
export async function loadKeys(
  c: DevCluster,
  prefix: string,
  count: number,
  batch = 2000,
): Promise<string[]> {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
  c.record(`(${count} keys "${prefix}:<i>" = "value-of-<key>", pipelined to each slot's owner)`);
  const { unowned } = await byOwner(c, keys, async (client, list) => {
    for (let i = 0; i < list.length; i += batch) {
      const p = client.pipeline();
      for (const k of list.slice(i, i + batch)) p.set(k, bulkValue(k));
      await p.exec();
    }
  });
  if (unowned.length > 0) throw new Error(`${unowned.length} keys fall in slots nobody owns`);
  return keys;
}

/** Reads every key from its slot's owner now; says which are missing or hold another value. */
export async function readKeys(
  c: DevCluster,
  keys: readonly string[],
  batch = 2000,
): Promise<{ ok: number; missing: string[] }> {
  const { results, unowned } = await byOwner(c, keys, async (client, list) => {
    const bad: string[] = [];
    for (let i = 0; i < list.length; i += batch) {
      const chunk = list.slice(i, i + batch);
      const p = client.pipeline();
      for (const k of chunk) p.get(k);
      const replies = (await p.exec()) ?? [];
      chunk.forEach((k, j) => {
        const [err, v] = replies[j] ?? [new Error('no reply'), null];
        if (err || v !== bulkValue(k)) bad.push(k);
      });
    }
    return bad;
  });
  const missing = [...unowned, ...results.flat()];
  return { ok: keys.length - missing.length, missing };
}
