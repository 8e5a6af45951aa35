/** Pure helpers for hash-slot sets: ranges, bitmaps and the "0-5460,5462" notation. */
import type { SlotRange } from './types.ts';

export const SLOT_COUNT = 16384;

/** Returns true when `n` is an integer hash slot (0..16383). */
export function isSlot(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n < SLOT_COUNT;
}

/** Marks every slot of `ranges` in a fresh 16384-entry bitmap. */
export function rangesToBitmap(ranges: readonly SlotRange[]): Uint8Array {
  const bits = new Uint8Array(SLOT_COUNT);
  for (const r of ranges) bits.fill(1, r.start, r.end + 1);
  return bits;
}

/** Turns a bitmap (non-zero = member) into sorted, merged ranges. */
export function bitmapToRanges(bits: Uint8Array): SlotRange[] {
  const out: SlotRange[] = [];
  let start = -1;
  for (let i = 0; i <= SLOT_COUNT; i++) {
    const on = i < SLOT_COUNT && bits[i] !== 0;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) {
      out.push({ start, end: i - 1 });
      start = -1;
    }
  }
  return out;
}

/** Sorts and merges overlapping or adjacent ranges. */
export function normalizeRanges(ranges: readonly SlotRange[]): SlotRange[] {
  let inOrder = true;
  for (let i = 1; i < ranges.length && inOrder; i++) inOrder = ranges[i - 1]!.start <= ranges[i]!.start;
  const sorted = inOrder ? ranges : [...ranges].sort((a, b) => a.start - b.start);
  const out: SlotRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else out.push({ start: r.start, end: r.end });
  }
  return out;
}

/** Builds merged ranges from a list of single slots (in one pass when they come sorted, as they mostly do). */
export function slotsToRanges(slots: Iterable<number>): SlotRange[] {
  const list = [...slots];
  for (let i = 1; i < list.length; i++) {
    if (list[i]! < list[i - 1]!) {
      list.sort((a, b) => a - b);
      break;
    }
  }
  const out: SlotRange[] = [];
  for (const s of list) {
    const last = out[out.length - 1];
    if (last && s <= last.end + 1) last.end = Math.max(last.end, s);
    else out.push({ start: s, end: s });
  }
  return out;
}

/** Number of slots covered by `ranges` (assumes they do not overlap; normalise first if unsure). */
export function countSlots(ranges: readonly SlotRange[]): number {
  let n = 0;
  for (const r of ranges) n += r.end - r.start + 1;
  return n;
}

/** Formats ranges as "0-5460,5462"; '' for none. */
export function formatRanges(ranges: readonly SlotRange[]): string {
  return normalizeRanges(ranges)
    .map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`))
    .join(',');
}

/** Parses "0-5460,5462" (spaces allowed) into ranges; returns null if any part is not a slot or range. */
export function parseRanges(text: string): SlotRange[] | null {
  const out: SlotRange[] = [];
  for (const part of text.split(/[\s,]+/).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) return null;
    const start = Number(m[1]);
    const end = m[2] === undefined ? start : Number(m[2]);
    if (!isSlot(start) || !isSlot(end) || end < start) return null;
    out.push({ start, end });
  }
  return normalizeRanges(out);
}

/** Slots in `a` that are not in `b`. */
export function subtractRanges(a: readonly SlotRange[], b: readonly SlotRange[]): SlotRange[] {
  const bits = rangesToBitmap(a);
  for (const r of b) bits.fill(0, r.start, r.end + 1);
  return bitmapToRanges(bits);
}

/** Slots present in both `a` and `b`: one merge over the two sorted lists, never a pass over all 16,384 slots. */
export function intersectRanges(a: readonly SlotRange[], b: readonly SlotRange[]): SlotRange[] {
  const x = normalizeRanges(a);
  const y = normalizeRanges(b);
  const out: SlotRange[] = [];
  for (let i = 0, j = 0; i < x.length && j < y.length; ) {
    const start = Math.max(x[i]!.start, y[j]!.start, 0);
    const end = Math.min(x[i]!.end, y[j]!.end, SLOT_COUNT - 1);
    if (start <= end) out.push({ start, end });
    if (x[i]!.end < y[j]!.end) i++;
    else j++;
  }
  return out;
}
