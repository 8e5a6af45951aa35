/**
 * Memory headroom for slot moves on a real cluster: a master holding about 8 MB of 1 kB values, a
 * reshard of 40% of its slots to a master with a small maxmemory is refused with the estimate and the
 * headroom (noeviction: OOM part-way; allkeys-lru: evictions), planned with --ignore-memory-headroom as a
 * dangerous option, stated with numbers and run when there is room, and said to be unchecked without
 * maxmemory; fix-open-slot estimates from the keys counted in the open slot.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/actions/types.ts';
import { type DevCluster, type DevNode, keysInRanges, startCluster } from '../../src/devcluster/index.ts';
import { ownSlots } from '../../src/devcluster/scenario-kit.ts';
import { mustPlan, mustRefuse, run } from './action-helpers.ts';

const KEYS = 8000;
const VALUE = 'x'.repeat(1000);
const timings: Record<string, number> = {};
let c: DevCluster;

/** used_memory of the receiver (node 1 unless `r`) plus `extra` bytes, as its maxmemory, under `policy`. */
async function limit(extra: number, policy = 'noeviction', r = c.node(1)): Promise<void> {
  const used = Number((await c.info(r, 'memory'))['used_memory']);
  await c.cli(r, 'CONFIG', 'SET', 'maxmemory', String(extra === 0 ? 0 : used + extra));
  await c.cli(r, 'CONFIG', 'SET', 'maxmemory-policy', policy);
}

const params = () => ({ from: c.node(0).address, to: c.node(1).address, slots: 2200 });
const texts = (p: Plan) => p.risks.map((r) => r.text).join('\n');

/** Writes `keys` with 1 kB values to `node` in one pipeline. */
async function fill(node: DevNode, keys: readonly string[]): Promise<void> {
  const client = new Redis({ host: node.host, port: node.port, lazyConnect: true });
  await client.connect();
  const p = client.pipeline();
  for (const k of keys) p.set(k, VALUE);
  await p.exec();
  client.disconnect();
}

beforeAll(async () => {
  c = await startCluster({ masters: 3, nodeTimeoutMs: 1000, label: 'act-mem' });
  await fill(c.node(0), keysInRanges('mem', await ownSlots(c, c.node(0)), KEYS));
}, 90_000);
afterAll(async () => {
  await c?.stop();
  console.log(`memory headroom, ms from preflight to verified: ${JSON.stringify(timings)}`);
});

describe('memory headroom of the receiving master', () => {
  it('noeviction with 1 MB free: refused with the estimate and the headroom', async () => {
    await limit(1024 * 1024);
    const r = await mustRefuse(c, 'reshard', params());
    expect(r.code).toBe('ACTION_REFUSED');
    const why = r.reasons.join('\n');
    expect(why).toMatch(
      new RegExp(
        `^${c.node(1).address}: about [3-4]\\.\\d MB of keys arrive \\(an estimate: ${c.node(0).address}: its ${KEYS} keys × 2200/5461 slots × 1\\.\\d kB per key on average \\(used_memory_dataset [\\d.]+ MB over ${KEYS} keys`,
      ),
    );
    expect(why).toMatch(
      /more than its [\d.]+ (kB|MB) free under maxmemory [\d.]+ MB \(used_memory [\d.]+ MB, policy noeviction\)/,
    );
    expect(why).toMatch(/MIGRATE would fail part-way with OOM/);
    expect(r.hint).toMatch(/--ignore-memory-headroom/);
  });

  it('an evicting policy: refused as data loss; with --ignore-memory-headroom planned and listed as dangerous', async () => {
    await limit(1024 * 1024, 'allkeys-lru');
    const r = await mustRefuse(c, 'reshard', params());
    expect(r.reasons.join('\n')).toMatch(
      /would evict keys to make room \(maxmemory-policy allkeys-lru\): data loss/,
    );
    const { plan } = await mustPlan(c, 'reshard', { ...params(), allow: ['ignore-memory-headroom'] });
    expect(plan.dangerous).toEqual(['ignore-memory-headroom']);
    expect(
      plan.risks
        .filter((x) => x.kind === 'data-loss')
        .map((x) => x.text)
        .join('\n'),
    ).toMatch(
      /would evict keys[\s\S]*ignore-memory-headroom: planned past the estimated headroom of 1 receiver/,
    );
  });

  it('without maxmemory: the plan says the host is not checked', async () => {
    await limit(0);
    const { plan } = await mustPlan(c, 'reshard', params());
    expect(texts(plan)).toMatch(
      /about [3-4]\.\d MB of keys arrive .*; it has no maxmemory \(0, it uses [\d.]+ MB now\): the host's free memory is not checked/,
    );
  });

  it('with room: the numbers are stated and the reshard runs, every key arriving', async () => {
    await limit(64 * 1024 * 1024);
    const { plan } = await mustPlan(c, 'reshard', params());
    const said = /about ([\d.]+) MB of keys arrive .*; 6\d\.\d MB free under maxmemory/.exec(texts(plan));
    expect(said).not.toBeNull();
    const before = Number((await c.info(c.node(1), 'memory'))['used_memory_dataset']);
    const { result } = await run(c, plan, 'reshard', timings);
    expect(result.outcome, result.message).toBe('succeeded');
    const [a, b] = [Number(await c.cli(c.node(0), 'DBSIZE')), Number(await c.cli(c.node(1), 'DBSIZE'))];
    expect(a + b).toBe(KEYS);
    expect(b).toBeGreaterThan(2800);
    expect(Number((await c.info(c.node(1), 'stats'))['evicted_keys'])).toBe(0);
    const grew = Number((await c.info(c.node(1), 'memory'))['used_memory_dataset']) - before;
    const estimate = Number(said![1]) * 1024 * 1024;
    console.log(`estimate ${estimate} bytes, the receiver's dataset grew ${grew} bytes`);
    expect(estimate / grew).toBeGreaterThan(0.67);
    expect(estimate / grew).toBeLessThan(1.5);
  }, 90_000);

  it('fix-open-slot: the keys counted in the open slot set the estimate; too little room is refused', async () => {
    const [src, dst] = [c.node(0), c.node(2)];
    const slot = (await ownSlots(c, src))[0]!.start;
    const tag = keysInRanges('open', [{ start: slot, end: slot }], 1)[0]!;
    const keys = Array.from({ length: 2000 }, (_, i) => `${tag}:${i}`);
    await fill(src, keys);
    await c.cli(dst, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', src.id);
    await c.cli(src, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', dst.id);
    await c.cli(src, 'MIGRATE', dst.host, dst.port, '', 0, 5000, 'KEYS', ...keys.slice(0, 5));
    await limit(512 * 1024, 'noeviction', dst);
    const r = await mustRefuse(c, 'fix-open-slot', {});
    expect(r.reasons.join('\n')).toMatch(
      new RegExp(
        `^${dst.address}: about 2\\.\\d MB of keys arrive \\(an estimate: ${src.address}: 199\\d keys counted in the slots × 1\\.\\d kB per key on average`,
      ),
    );
  });
});
