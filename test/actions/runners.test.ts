/**
 * The assign-slots and move-slots step runners on real clusters, driven through an ExecContext over real
 * connections: assignment and its no-op re-run, a pipelined move of many slots with every key readable
 * afterwards, finishing a half-done migration, and BUSYKEY stopping with nothing overwritten.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isActionError } from '../../src/actions/errors.ts';
import { runAssignSlots } from '../../src/actions/execute/assign.ts';
import { runMoveSlots } from '../../src/actions/execute/migrate.ts';
import type { AssignSlotsStep, MoveSlotsStep } from '../../src/actions/types.ts';
import { formatRanges } from '../../src/cluster/slots.ts';
import { allState, slotsAgree } from '../../src/devcluster/conditions.ts';
import { type DevCluster, keySlot, startCluster } from '../../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../../src/devcluster/keys.ts';
import { ownSlots } from '../../src/devcluster/scenario-kit.ts';
import { useScenario } from '../live/helpers.ts';
import { refOf, testExec } from './exec-context.ts';

const assignStep = (c: DevCluster, i: number, start: number, end: number): AssignSlotsStep => ({
  kind: 'assign-slots',
  id: 's1',
  title: 'assign',
  display: [],
  node: refOf(c.node(i)),
  ranges: [{ start, end }],
});

function moveStep(
  c: DevCluster,
  from: number,
  to: number,
  slots: MoveSlotsStep['slots'],
  extra: Partial<MoveSlotsStep> = {},
): MoveSlotsStep {
  return {
    kind: 'move-slots',
    id: 's1',
    title: 'move',
    display: [],
    source: refOf(c.node(from)),
    target: refOf(c.node(to)),
    slots,
    otherMasters: c
      .masters()
      .filter((n) => n.index !== from && n.index !== to)
      .map(refOf),
    pipeline: 50,
    migrateTimeoutMs: 10_000,
    parallel: 8,
    replace: false,
    ...extra,
  };
}

describe('assign-slots on a cluster with unassigned slots', () => {
  const s = useScenario('slots-unassigned');

  it('assigns with ADDSLOTSRANGE, the cluster turns ok, and a second run is skipped', async () => {
    const c = s().cluster;
    const x = testExec(c);
    try {
      const a = await runAssignSlots(assignStep(c, 1, 5000, 5460), x.ctx);
      const b = await runAssignSlots(assignStep(c, 2, 16000, 16383), x.ctx);
      expect(a).toMatchObject({ outcome: 'ok' });
      expect(b.note).toContain('16000-16383');
      expect(x.sent.filter((l) => l.includes('ADDSLOTSRANGE'))).toHaveLength(2);
      await c.waitFor(() => allState(c, 'ok'), { what: 'cluster ok', timeoutMs: 10_000 });
      const again = await runAssignSlots(assignStep(c, 1, 5000, 5460), x.ctx);
      expect(again.outcome).toBe('skipped');
      await expect(runAssignSlots(assignStep(c, 0, 5400, 5500), x.ctx)).rejects.toThrow(
        /owned by .*nothing was assigned/,
      );
    } finally {
      x.close();
    }
  });
});

describe('move-slots', () => {
  let c: DevCluster;
  let keys: string[];
  beforeAll(async () => {
    c = await startCluster({ masters: 3, label: 'runner-move' });
    keys = await loadKeys(c, 'mv', 5000);
  }, 60_000);
  afterAll(async () => c?.stop());

  it('moves 300 slots with 8 in flight, reports progress, and every key stays readable', async () => {
    const x = testExec(c);
    try {
      const out = await runMoveSlots(moveStep(c, 0, 1, [{ start: 5161, end: 5460 }]), x.ctx);
      expect(out.outcome).toBe('ok');
      const moved = keys.filter((k) => keySlot(k) >= 5161 && keySlot(k) <= 5460).length;
      expect(out.note).toContain(`and ${moved} keys`);
      const last = x.events.at(-1);
      expect(last).toMatchObject({
        type: 'step-progress',
        done: 300,
        total: 300,
        unit: 'slots',
        keysMoved: moved,
      });
      expect(x.sent.filter((l) => l.endsWith('MIGRATE')).length).toBeGreaterThan(0);
      await c.waitFor(() => slotsAgree(c), { what: 'slots agreement', timeoutMs: 10_000 });
      expect(formatRanges(await ownSlots(c, c.node(1)))).toBe('5161-10922');
      expect((await readKeys(c, keys)).missing).toEqual([]);
      // Nothing left to do: a second run only reads.
      const again = await runMoveSlots(moveStep(c, 0, 1, [{ start: 5161, end: 5460 }]), x.ctx);
      expect(again.outcome).toBe('skipped');
    } finally {
      x.close();
    }
  });

  it('moves 300 slots in windows of 64, two at a time, each key in its own MIGRATE, every key readable', async () => {
    const x = testExec(c);
    const range = { start: 10923, end: 11222 };
    const inRange = keys.filter((k) => keySlot(k) >= range.start && keySlot(k) <= range.end);
    const busy = new Set(inRange.map(keySlot));
    try {
      const out = await runMoveSlots(moveStep(c, 2, 0, [range], { pipeline: 1, parallel: 128 }), x.ctx);
      expect(out.outcome).toBe('ok');
      expect(out.note).toContain(`and ${inRange.length} keys`);
      // pipeline 1: one MIGRATE per key; each full batch is followed by that slot's next GETKEYSINSLOT.
      expect(x.sent.filter((l) => l.endsWith('MIGRATE'))).toHaveLength(inRange.length);
      expect(x.sent.filter((l) => l.endsWith('GETKEYSINSLOT'))).toHaveLength(300 + inRange.length);
      const progress = x.events.flatMap((e) => (e.type === 'step-progress' ? [e.done] : []));
      expect(progress).toHaveLength(Math.ceil(300 / 64));
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(300);
      // Some slots hold several keys: they take several rounds.
      expect(inRange.length).toBeGreaterThan(busy.size);
      await c.waitFor(() => slotsAgree(c), { what: 'slots agreement', timeoutMs: 10_000 });
      expect(formatRanges(await ownSlots(c, c.node(0)))).toMatch(/,10923-11222$/);
      expect((await readKeys(c, keys)).missing).toEqual([]);
    } finally {
      x.close();
    }
  });
});

describe('move-slots on a half-done migration', () => {
  const s = useScenario('open-slot');

  it('skips the SETSLOTs already set, moves the rest and finalizes target first', async () => {
    const { cluster: c, expected } = s();
    const open = expected.openSlots[0]!;
    const x = testExec(c);
    try {
      const out = await runMoveSlots(
        moveStep(c, open.source.index, open.target.index, [{ start: open.slot, end: open.slot }]),
        x.ctx,
      );
      expect(out.outcome).toBe('ok');
      const setslots = x.sent.filter((l) => l.endsWith('SETSLOT'));
      const src = c.node(open.source.index).address;
      const dst = c.node(open.target.index).address;
      // No IMPORTING/MIGRATING (both held); NODE on the target first, then the source and the third master.
      const third = c.masters().find((n) => n.address !== src && n.address !== dst)!.address;
      expect(setslots[0]).toBe(`${dst} CLUSTER SETSLOT`);
      expect([...setslots.slice(1)].sort()).toEqual(
        [`${src} CLUSTER SETSLOT`, `${third} CLUSTER SETSLOT`].sort(),
      );
      expect(Number(await c.cli(c.node(open.target.index), 'CLUSTER', 'COUNTKEYSINSLOT', open.slot))).toBe(
        10,
      );
      await c.waitFor(() => slotsAgree(c), { what: 'slots agreement', timeoutMs: 10_000 });
    } finally {
      x.close();
    }
  });
});

describe('move-slots and BUSYKEY', () => {
  const s = useScenario('open-slot');

  it('stops naming the key on both nodes, overwrites nothing, and reports the slot open', async () => {
    const { cluster: c, expected } = s();
    const open = expected.openSlots[0]!;
    const src = c.node(open.source.index);
    const dst = c.node(open.target.index);
    const keys = (await c.call(src, ['CLUSTER', 'GETKEYSINSLOT', open.slot, 10])) as string[];
    const dup = keys[0]!;
    // A copy of the key on the importing target (ASKING lets it accept the write).
    await c.cli(dst, 'ASKING');
    await c.cli(dst, 'SET', dup, 'target-copy');
    const x = testExec(c);
    try {
      const err = await runMoveSlots(
        moveStep(c, src.index, dst.index, [{ start: open.slot, end: open.slot }], { pipeline: 100 }),
        x.ctx,
      ).catch((e: unknown) => e);
      expect(isActionError(err, 'ACTION_BUSYKEY')).toBe(true);
      const msg = (err as Error).message;
      expect(msg).toContain(JSON.stringify(dup));
      expect(msg).toContain(src.address);
      expect(msg).toContain(dst.address);
      expect(msg).toMatch(/left open: slot \d+: IMPORTING on .* MIGRATING on/);
      expect(msg).toContain('DUMP');
      await c.cli(dst, 'ASKING');
      expect(await c.cli(dst, 'GET', dup)).toBe('target-copy');
      expect(await c.cli(src, 'GET', dup)).toBe(`value-of-${dup}`);
      expect(x.sent.filter((l) => l.endsWith('MIGRATE'))).toHaveLength(1);
    } finally {
      x.close();
    }
  });
});
