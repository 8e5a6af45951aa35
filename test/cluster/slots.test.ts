/**
 * slotsToRanges: sorted input in one pass, unsorted input sorted first; duplicates and neighbours merge,
 * always as the same slots read through a bitmap would; intersectRanges gives what a bitmap gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bitmapToRanges,
  formatRanges,
  intersectRanges,
  rangesToBitmap,
  SLOT_COUNT,
  slotsToRanges,
} from '../../src/cluster/slots.ts';
import type { SlotRange } from '../../src/cluster/types.ts';

describe('slotsToRanges', () => {
  it('merges runs of sorted slots', () => {
    expect(slotsToRanges([0, 1, 2, 5, 7, 8, 16383])).toEqual([
      { start: 0, end: 2 },
      { start: 5, end: 5 },
      { start: 7, end: 8 },
      { start: 16383, end: 16383 },
    ]);
  });

  it('sorts unsorted slots and merges duplicates', () => {
    expect(formatRanges(slotsToRanges([9, 3, 4, 3, 10, 1, 9]))).toBe('1,3-4,9-10');
    expect(formatRanges(slotsToRanges(new Set([5462, 5460, 5461])))).toBe('5460-5462');
  });

  it('equals the ranges of the same slots as a bitmap, for any list', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: SLOT_COUNT - 1 }), { maxLength: 300 }), (slots) => {
        const bits = new Uint8Array(SLOT_COUNT);
        for (const s of slots) bits[s] = 1;
        expect(slotsToRanges(slots)).toEqual(bitmapToRanges(bits));
      }),
    );
  });

  it('gives nothing for nothing, and one range for every slot', () => {
    expect(slotsToRanges([])).toEqual([]);
    expect(slotsToRanges(Array.from({ length: 16384 }, (_, i) => i))).toEqual([{ start: 0, end: 16383 }]);
  });
});

describe('intersectRanges', () => {
  /** The obvious version, slot by slot over a bitmap: the oracle. */
  const bySlot = (a: SlotRange[], b: SlotRange[]) => {
    const x = rangesToBitmap(a);
    const y = rangesToBitmap(b);
    for (let i = 0; i < x.length; i++) x[i] = x[i]! & y[i]!;
    return bitmapToRanges(x);
  };

  it('gives what a slot-by-slot intersection gives, for unsorted, overlapping and empty ranges', () => {
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const ranges = () =>
      Array.from({ length: rnd(8) }, () => {
        const start = rnd(16384);
        return { start, end: Math.min(start + rnd(3000) - 200, 16383) };
      });
    for (let k = 0; k < 2000; k++) {
      const a = ranges();
      const b = ranges();
      expect(intersectRanges(a, b)).toEqual(bySlot(a, b));
    }
  });
});
