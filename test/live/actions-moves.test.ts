/**
 * Slot moves on real clusters: fix-open-slot finishing a half-done migration, rolling back one no key
 * reached, stopping at BUSYKEY with nothing overwritten, and continuing from the new owner after the
 * source failed over; reshard (refused while a slot is open) and rebalance. For each: the exact commands,
 * execution, the re-diagnosis with the cause gone, and every key written before readable after.
 */
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { keySlot } from '../../src/cluster/keyslot.ts';
import { countSlots, formatRanges } from '../../src/cluster/slots.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../../src/devcluster/keys.ts';
import { ownSlots } from '../../src/devcluster/scenario-kit.ts';
import { expectReadable } from './action-helpers.ts';
import {
  migrationWithFailedSource,
  mustPlanSlots,
  mustRefuseSlots,
  runSlots,
  withScenario,
} from './slot-helpers.ts';

const timings: Record<string, number> = {};
afterAll(() => {
  console.log(`slot moves, ms from preflight to verified: ${JSON.stringify(timings)}`);
});

const openKeys = async (c: DevCluster, n: number, slot: number) =>
  (await c.call(c.node(n), ['CLUSTER', 'GETKEYSINSLOT', slot, 100])) as string[];

describe('fix-open-slot on real clusters', () => {
  it('finishes a half-done migration (reshard refused meanwhile); all 10 keys end on the target', async () => {
    await withScenario('open-slot', async ({ cluster: c, expected }) => {
      const { slot, source, target } = expected.openSlots[0]!;
      const [src, dst] = [c.node(source.index), c.node(target.index)];
      const keys = [...(await openKeys(c, source.index, slot)), ...(await openKeys(c, target.index, slot))];
      expect(keys).toHaveLength(10);
      const busy = await mustRefuseSlots(c, 'reshard', {
        from: c.node(2).address,
        to: src.address,
        slots: 10,
      });
      expect(busy.reasons[0]).toContain(`open (${slot})`);
      const p = await mustPlanSlots(c, 'fix-open-slot');
      expect(p.steps.map((s) => s.kind)).toEqual(['move-slots', 'wait']);
      expect(p.steps[0]!.display.slice(1, 3)).toEqual([
        `redis-cli -h ${dst.host} -p 7000 CLUSTER SETSLOT ${slot} IMPORTING ${src.id}   # already set: skipped`,
        `redis-cli -h ${src.host} -p 7000 CLUSTER SETSLOT ${slot} MIGRATING ${dst.id}   # already set: skipped`,
      ]);
      const { result, events } = await runSlots(c, p, 'fix-open-slot (finish)', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      expect(result.after?.rootCauses).not.toContain('resharding-interrupted');
      expect(events.find((e) => e.type === 'step-progress')).toMatchObject({
        done: 1,
        total: 1,
        keysMoved: 6,
      });
      await expectReadable(c, dst, keys);
      expect(formatRanges(await ownSlots(c, dst))).toContain(`${slot}`);
    });
  }, 90_000);

  it('rolls back a migration no key reached: STABLE on the target, keys stay on the source', async () => {
    await withScenario('open-slot-importing-only', async ({ cluster: c, expected }) => {
      const { slot, source, target } = expected.openSlots[0]!;
      const keys = await openKeys(c, source.index, slot);
      const p = await mustPlanSlots(c, 'fix-open-slot');
      expect(p.steps.map((s) => s.display[0])).toEqual([
        `redis-cli -h ${c.node(target.index).host} -p 7000 CLUSTER SETSLOT ${slot} STABLE`,
        expect.stringContaining('CLUSTER NODES'),
      ]);
      const { result } = await runSlots(c, p, 'fix-open-slot (roll back)', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      expect(result.after?.rootCauses).not.toContain('resharding-interrupted');
      await expectReadable(c, c.node(source.index), keys);
    });
  }, 90_000);

  it('BUSYKEY: a key on both sides stops the move with the key named, nothing overwritten', async () => {
    await withScenario('open-slot', async ({ cluster: c, expected }) => {
      const { slot, source, target } = expected.openSlots[0]!;
      const [src, dst] = [c.node(source.index), c.node(target.index)];
      const dup = (await openKeys(c, source.index, slot))[0]!;
      await c.cli(dst, 'ASKING');
      await c.cli(dst, 'SET', dup, 'target-copy');
      const p = await mustPlanSlots(c, 'fix-open-slot');
      const { result } = await runSlots(c, p, 'fix-open-slot (BUSYKEY)', timings);
      expect(result.outcome).toBe('failed');
      expect(result.code).toBe('ACTION_BUSYKEY');
      expect(result.message).toContain(JSON.stringify(dup));
      expect(result.message).toMatch(/left open: slot \d+: IMPORTING on .*MIGRATING on/);
      await c.cli(dst, 'ASKING');
      expect(await c.cli(dst, 'GET', dup)).toBe('target-copy');
      expect(await c.cli(src, 'GET', dup)).toBe(`value-of-${dup}`);
    });
  }, 90_000);

  it('the source failed over mid-migration: continues from the new owner, never the dead one', async () => {
    const c = await startCluster({
      masters: 3,
      replicasPerMaster: 1,
      nodeTimeoutMs: 1500,
      label: 'act-open-heir',
    });
    try {
      const { source, target, heir, slot, keys } = await migrationWithFailedSource(c);
      const p = await mustPlanSlots(c, 'fix-open-slot');
      expect(p.steps.map((s) => [s.kind, s.display.at(s.kind === 'move-slots' ? 2 : 0)])).toEqual([
        ['command', `redis-cli -h ${target.host} -p 7000 CONFIG SET cluster-require-full-coverage no`],
        ['command', `redis-cli -h ${target.host} -p 7000 CLUSTER SETSLOT ${slot} IMPORTING ${heir.id}`],
        ['move-slots', `redis-cli -h ${heir.host} -p 7000 CLUSTER SETSLOT ${slot} MIGRATING ${target.id}`],
        ['command', `redis-cli -h ${target.host} -p 7000 CONFIG SET cluster-require-full-coverage yes`],
        ['wait', expect.stringContaining('CLUSTER NODES')],
      ]);
      expect(p.steps.flatMap((s) => s.display).join('\n')).not.toContain(`-h ${source.host} `);
      const { result } = await runSlots(c, p, 'fix-open-slot (source failed over)', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      expect(result.after?.state).toBe('ok');
      await expectReadable(c, target, keys);
      expect((await c.cli(target, 'CONFIG', 'GET', 'cluster-require-full-coverage')).includes('yes')).toBe(
        true,
      );
    } finally {
      await c.stop();
    }
  }, 120_000);
});

describe('reshard and rebalance on real clusters', () => {
  it('reshard 500 slots with 5,000 keys loaded, 20 of them binary: one contiguous range, progress, every key readable', async () => {
    const c = await startCluster({ masters: 3, label: 'act-reshard' });
    try {
      const keys = await loadKeys(c, 'rs', 5000);
      const [a, b] = [c.node(0), c.node(1)];
      // Key names are bytes: 20 that are not UTF-8 (0xff, 0xfe, NUL, CR LF) in a slot the reshard moves.
      let tag = 0;
      while (keySlot(`t${tag}`) < 4961 || keySlot(`t${tag}`) > 5460) tag++;
      const binary = Array.from({ length: 20 }, (_, i) =>
        Buffer.concat([Buffer.from(`{t${tag}}`), Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a, i])]),
      );
      const direct = (n: typeof a) => new Redis({ host: n.host, port: n.port, lazyConnect: true });
      const onA = direct(a);
      try {
        for (const k of binary) await onA.set(k, k);
      } finally {
        onA.disconnect();
      }
      const p = await mustPlanSlots(c, 'reshard', { from: a.address, to: b.address, slots: 500 });
      expect(p.steps[0]).toMatchObject({ kind: 'move-slots', slots: [{ start: 4961, end: 5460 }] });
      const { result, events } = await runSlots(c, p, 'reshard 500 slots', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      const last = events.filter((e) => e.type === 'step-progress').at(-1);
      expect(last).toMatchObject({ done: 500, total: 500, unit: 'slots' });
      expect(formatRanges(await ownSlots(c, b))).toBe('4961-10922');
      expect((await readKeys(c, keys)).missing).toEqual([]);
      const onB = direct(b);
      try {
        for (const k of binary) expect((await onB.getBuffer(k))?.equals(k)).toBe(true);
      } finally {
        onB.disconnect();
      }
    } finally {
      await c.stop();
    }
  }, 120_000);

  it('rebalance an uneven cluster by contiguous moves; afterwards nothing is needed; keys intact', async () => {
    const assignSlots = [
      [{ start: 0, end: 9999 }],
      [{ start: 10000, end: 13999 }],
      [{ start: 14000, end: 16383 }],
    ];
    const c = await startCluster({ masters: 3, assignSlots, label: 'act-rebalance' });
    try {
      const keys = await loadKeys(c, 'rb', 3000);
      const p = await mustPlanSlots(c, 'rebalance');
      const moves = p.steps.filter((s) => s.kind === 'move-slots');
      expect(moves.every((m) => m.kind === 'move-slots' && m.slots.length === 1)).toBe(true);
      const { result } = await runSlots(c, p, 'rebalance', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      for (const m of c.masters())
        expect(Math.abs(countSlots(await ownSlots(c, m)) - 5461)).toBeLessThanOrEqual(2);
      const again = await mustRefuseSlots(c, 'rebalance');
      expect(again.code).toBe('ACTION_NOT_NEEDED');
      expect((await readKeys(c, keys)).missing).toEqual([]);
    } finally {
      await c.stop();
    }
  }, 120_000);
});
