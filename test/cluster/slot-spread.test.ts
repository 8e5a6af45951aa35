import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rebalanceMoves } from '../../src/cluster/slot-rebalance.ts';
import {
  evenQuotas,
  pickSlots,
  reshardTable,
  type SlotHolder,
  spreadSlots,
} from '../../src/cluster/slot-spread.ts';
import {
  countSlots,
  formatRanges,
  intersectRanges,
  normalizeRanges,
  SLOT_COUNT,
  subtractRanges,
} from '../../src/cluster/slots.ts';
import type { SlotRange } from '../../src/cluster/types.ts';

const RUNS = { numRuns: 200, seed: 20261205 };
const id = (i: number) => `${i}`.padStart(40, String.fromCharCode(97 + (i % 6)));

/** A random layout: cut points split 0..16383 into segments, each owned by a holder or left free (-1). */
const layout = (maxHolders: number, maxCuts: number) =>
  fc
    .record({
      holders: fc.integer({ min: 1, max: maxHolders }),
      cuts: fc.uniqueArray(fc.integer({ min: 1, max: SLOT_COUNT - 1 }), { maxLength: maxCuts }),
      owners: fc.array(fc.integer({ min: -1, max: maxHolders - 1 }), {
        minLength: maxCuts + 1,
        maxLength: maxCuts + 1,
      }),
    })
    .map(({ holders, cuts, owners }) => {
      const bounds = [0, ...[...cuts].sort((a, b) => a - b), SLOT_COUNT];
      const owned: SlotRange[][] = Array.from({ length: holders }, () => []);
      const free: SlotRange[] = [];
      for (let i = 0; i + 1 < bounds.length; i++) {
        const r = { start: bounds[i]!, end: bounds[i + 1]! - 1 };
        const o = owners[i]!;
        if (o < 0 || o >= holders) free.push(r);
        else owned[o]!.push(r);
      }
      const hs: SlotHolder[] = owned.map((slots, i) => ({ id: id(i), slots: normalizeRanges(slots) }));
      return { holders: hs, free: normalizeRanges(free) };
    });

function finalCounts(holders: readonly SlotHolder[], got: Map<string, SlotRange[]>): Map<string, number> {
  return new Map(holders.map((h) => [h.id, countSlots(h.slots) + countSlots(got.get(h.id) ?? [])]));
}

describe('evenQuotas', () => {
  it('fills the emptiest first (8192 / 2731 / 0 + 5461 free -> 8192 / 4096 / 4096)', () => {
    const q = evenQuotas(
      [
        { id: 'a', count: 8192 },
        { id: 'b', count: 2731 },
        { id: 'c', count: 0 },
      ],
      5461,
    );
    expect(q).toEqual([0, 1365, 4096]);
  });

  it('spreads the remainder one slot each, emptiest first', () => {
    expect(
      evenQuotas(
        [
          { id: 'a', count: 0 },
          { id: 'b', count: 0 },
          { id: 'c', count: 0 },
        ],
        16384,
      ),
    ).toEqual([5462, 5461, 5461]);
  });
});

describe('spreadSlots', () => {
  it('gives the bench layout two contiguous ranges, each merging into what the master owns', () => {
    const holders = [
      { id: 'a', slots: [{ start: 0, end: 8191 }] },
      { id: 'b', slots: [{ start: 8192, end: 10922 }] },
      { id: 'c', slots: [] },
    ];
    const got = spreadSlots(holders, [{ start: 10923, end: 16383 }]);
    expect(formatRanges(got.get('b')!)).toBe('10923-12287');
    expect(formatRanges(got.get('c')!)).toBe('12288-16383');
    expect(got.has('a')).toBe(false);
  });

  it('conserves the free slots, stays inside them and gives each exactly once', () => {
    fc.assert(
      fc.property(layout(6, 12), ({ holders, free }) => {
        const got = spreadSlots(holders, free);
        const all = [...got.values()].flat();
        expect(countSlots(normalizeRanges(all))).toBe(countSlots(all));
        expect(countSlots(all)).toBe(countSlots(free));
        expect(subtractRanges(all, free)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('ends as even as possible: every receiver ends at most one slot above the emptiest master', () => {
    fc.assert(
      fc.property(layout(6, 12), ({ holders, free }) => {
        const got = spreadSlots(holders, free);
        const counts = finalCounts(holders, got);
        const min = Math.min(...counts.values());
        for (const who of got.keys()) expect(counts.get(who)!).toBeLessThanOrEqual(min + 1);
      }),
      RUNS,
    );
  });

  it('is contiguous: pieces in all at most free segments + receivers - 1; one free range = one range each', () => {
    fc.assert(
      fc.property(layout(8, 10), ({ holders, free }) => {
        const got = spreadSlots(holders, free);
        const pieces = [...got.values()].reduce((a, r) => a + r.length, 0);
        expect(pieces).toBeLessThanOrEqual(Math.max(0, free.length + got.size - 1));
        if (free.length === 1) for (const r of got.values()) expect(r).toHaveLength(1);
      }),
      RUNS,
    );
  });

  it('is deterministic whatever the order of the holders', () => {
    fc.assert(
      fc.property(layout(6, 12), fc.integer({ min: 0, max: 1000 }), ({ holders, free }, seed) => {
        const shuffled = [...holders].sort(
          (a, b) => ((a.id.charCodeAt(0) * seed) % 7) - ((b.id.charCodeAt(0) * seed) % 7),
        );
        expect([...spreadSlots(shuffled, free)].sort()).toEqual([...spreadSlots(holders, free)].sort());
      }),
      RUNS,
    );
  });
});

describe('pickSlots and reshardTable', () => {
  it('takes one range when one is big enough, touching the target when it can, else the lowest slots', () => {
    const source = [{ start: 0, end: 5460 }];
    expect(pickSlots(source, 1000)).toEqual([{ start: 0, end: 999 }]);
    expect(pickSlots(source, 1000, [{ start: 5461, end: 10922 }])).toEqual([{ start: 4461, end: 5460 }]);
    expect(
      pickSlots(
        [
          { start: 0, end: 9 },
          { start: 20, end: 22 },
        ],
        3,
      ),
    ).toEqual([{ start: 20, end: 22 }]);
  });

  it('moves exactly min(count, owned) slots of the sources, each once', () => {
    fc.assert(
      fc.property(layout(5, 12), fc.integer({ min: 0, max: SLOT_COUNT }), ({ holders }, count) => {
        const [target, ...sources] = holders as [SlotHolder, ...SlotHolder[]];
        const moves = reshardTable(sources, target, count);
        const owned = sources.reduce((a, s) => a + countSlots(s.slots), 0);
        const all = moves.flatMap((m) => m.slots);
        expect(countSlots(all)).toBe(Math.min(count, owned));
        expect(countSlots(normalizeRanges(all))).toBe(countSlots(all));
        for (const m of moves) {
          const src = sources.find((s) => s.id === m.from)!;
          expect(intersectRanges(m.slots, src.slots)).toEqual(normalizeRanges(m.slots));
          expect(m.to).toBe(target.id);
        }
      }),
      RUNS,
    );
  });

  it('takes a single range from a source whose own range is large enough', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16000 }), fc.integer({ min: 1, max: 384 }), (start, n) => {
        const got = pickSlots([{ start, end: start + 383 }], n);
        expect(got).toHaveLength(1);
        expect(countSlots(got)).toBe(n);
      }),
      RUNS,
    );
  });
});

describe('rebalanceMoves', () => {
  const full = (n: number, cuts: number[]): SlotHolder[] => {
    const bounds = [0, ...cuts, SLOT_COUNT];
    return Array.from({ length: n }, (_, i) => ({
      id: id(i),
      slots: bounds[i + 1]! > bounds[i]! ? [{ start: bounds[i]!, end: bounds[i + 1]! - 1 }] : [],
    }));
  };
  const cover = (maxMasters: number) =>
    fc.integer({ min: 2, max: maxMasters }).chain((n) =>
      fc
        .uniqueArray(fc.integer({ min: 1, max: SLOT_COUNT - 1 }), { minLength: n - 1, maxLength: n - 1 })
        .map((c) =>
          full(
            n,
            [...c].sort((a, b) => a - b),
          ),
        ),
    );

  const apply = (holders: SlotHolder[], moves: { from: string; to: string; slots: SlotRange[] }[]) => {
    const owned = new Map(holders.map((h) => [h.id, normalizeRanges(h.slots)]));
    for (const m of moves) {
      expect(intersectRanges(owned.get(m.from)!, m.slots)).toEqual(normalizeRanges(m.slots));
      owned.set(m.from, subtractRanges(owned.get(m.from)!, m.slots));
      owned.set(m.to, normalizeRanges([...owned.get(m.to)!, ...m.slots]));
    }
    return [...owned].map(([hid, slots]) => ({ id: hid, slots }));
  };

  it('says no rebalancing is needed within the threshold', () => {
    const plan = rebalanceMoves(full(3, [5461, 10923]));
    expect(plan.needed).toBe(false);
    expect(plan.moves).toEqual([]);
  });

  it('leaves empty masters out unless asked, and drains a master with weight 0', () => {
    const layout3 = [...full(2, [8192]), { id: id(2), slots: [] }];
    expect(rebalanceMoves(layout3).needed).toBe(false);
    const withEmpty = rebalanceMoves(layout3, { useEmptyMasters: true });
    expect(withEmpty.moves.filter((m) => m.to === id(2)).reduce((a, m) => a + countSlots(m.slots), 0)).toBe(
      5462,
    );
    const drained = apply(
      full(3, [5461, 10923]),
      rebalanceMoves([{ ...full(3, [5461, 10923])[0]!, weight: 0 }, ...full(3, [5461, 10923]).slice(1)])
        .moves,
    );
    expect(countSlots(drained[0]!.slots)).toBe(0);
  });

  it('conserves slots, moves each slot at most once, and its result needs no further rebalancing', () => {
    fc.assert(
      fc.property(cover(16), (holders) => {
        const plan = rebalanceMoves(holders);
        const after = apply(holders, plan.moves);
        expect(after.reduce((a, h) => a + countSlots(h.slots), 0)).toBe(SLOT_COUNT);
        const moved = plan.moves.flatMap((m) => m.slots);
        expect(countSlots(normalizeRanges(moved))).toBe(countSlots(moved));
        expect(rebalanceMoves(after).needed).toBe(false);
      }),
      RUNS,
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(cover(8), (holders) => {
        expect(rebalanceMoves([...holders].reverse())).toEqual(rebalanceMoves(holders));
      }),
      RUNS,
    );
  });
});
