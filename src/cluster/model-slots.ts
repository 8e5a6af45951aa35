/**
 * Per-slot bookkeeping on typed arrays: one owner map per distinct view, and the consensus owner of each
 * slot. Views that print identical slot maps are grouped, so a 1,000-view probe costs one map per variant.
 */
import { SLOT_COUNT as SLOTS } from './slots.ts';

/** Local copy: a module binding read in hot loops costs a getter call under some loaders. */
const SLOT_COUNT: number = SLOTS;

import type { SlotRange } from './types.ts';

export const UNASSIGNED = -1;
export const NOT_SAID = -2;

/** Slots in a range from which checking it is untouched and filling it natively beats the per-slot loop. */
const LONG_RANGE = 32;

/** Every slot `fill`: what an untouched view map holds, to compare ranges against natively. */
const blanks = new Map<number, Int32Array>();
function blank(fill: number): Int32Array {
  let b = blanks.get(fill);
  if (!b) {
    b = new Int32Array(SLOT_COUNT).fill(fill);
    blanks.set(fill, b);
  }
  return b;
}

/** The bytes of slots [start, end) of `map`, for native comparison (Buffer.compare, a memcmp). */
function bytes(map: Int32Array, start = 0, end: number = map.length): Uint8Array {
  return new Uint8Array(map.buffer, map.byteOffset + start * 4, (end - start) * 4);
}

/** Collects views' owner maps, grouped by identical content. */
export class SlotGroups {
  readonly groups: { owners: Int32Array; views: string[]; hash: number }[] = [];
  private scratch = new Int32Array(SLOT_COUNT);
  private fill = UNASSIGNED;
  private lastGroup = -1;

  /** Starts a new view map: every slot unassigned (or `NOT_SAID` for partial sources). */
  begin(fill: number): Int32Array {
    this.scratch.fill(fill);
    this.fill = fill;
    return this.scratch;
  }

  /**
   * Writes `owner` into the current view map for every slot of `ranges`; returns the slots another owner
   * already had in this view (they keep that owner). A range nobody marked yet is filled in one native call.
   */
  mark(ranges: readonly SlotRange[], owner: number): number[] {
    const map = this.scratch;
    const clashes: number[] = [];
    const untouched = blank(this.fill);
    for (const r of ranges) {
      // Long ranges only: for a few slots the loop below is cheaper than two views and a compare.
      const long = r.start >= 0 && r.end - r.start >= LONG_RANGE && r.end < SLOT_COUNT;
      if (long && equal(bytes(map, r.start, r.end + 1), bytes(untouched, r.start, r.end + 1))) {
        map.fill(owner, r.start, r.end + 1);
        continue;
      }
      for (let s = r.start; s <= r.end; s++) {
        const prev = map[s]!;
        if (prev >= 0 && prev !== owner) clashes.push(s);
        else map[s] = owner;
      }
    }
    return clashes;
  }

  /** Files the scratch map under an existing identical group or a new one; returns the group index. */
  commit(view: string): number {
    const s = this.scratch;
    // Fast path: identical to the group the previous view joined (the usual case).
    const last = this.groups[this.lastGroup];
    if (last && equal(bytes(last.owners), bytes(s))) {
      last.views.push(view);
      return this.lastGroup;
    }
    let h = 0x811c9dc5;
    for (let i = 0; i < SLOT_COUNT; i++) h = Math.imul(h ^ (s[i]! + 3), 0x01000193);
    for (let g = 0; g < this.groups.length; g++) {
      const group = this.groups[g]!;
      if (group.hash === h && equal(bytes(group.owners), bytes(s))) {
        group.views.push(view);
        this.lastGroup = g;
        return g;
      }
    }
    this.groups.push({ owners: s.slice(), views: [view], hash: h });
    this.lastGroup = this.groups.length - 1;
    return this.lastGroup;
  }
}

/** Byte-for-byte equality, native: a JS loop over 16,384 slots is slow in code not optimised yet. */
function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/**
 * Consensus owner per slot: the owner most views name (weighted by how many views share a map).
 * Ties go to the candidate with the higher configEpoch, and a real owner beats "unassigned", so a
 * doubtful slot is never reported as free. Slots where views name different owners are marked disputed.
 */
export function consensusOwners(
  groups: readonly { owners: Int32Array; views: readonly string[] }[],
  epochOf: (index: number) => number,
  nodeCount: number,
): { owner: Int32Array; disputed: Uint8Array } {
  const owner = new Int32Array(SLOT_COUNT).fill(UNASSIGNED);
  const disputed = new Uint8Array(SLOT_COUNT);
  if (groups.length === 0) return { owner, disputed };
  if (groups.length === 1) {
    const only = groups[0]!.owners;
    for (let i = 0; i < SLOT_COUNT; i++) owner[i] = only[i]! === NOT_SAID ? UNASSIGNED : only[i]!;
    return { owner, disputed };
  }
  const votes = new Float64Array(nodeCount + 1);
  const touched: number[] = [];
  for (let s = 0; s < SLOT_COUNT; s++) {
    touched.length = 0;
    for (const g of groups) {
      const o = g.owners[s]!;
      if (o === NOT_SAID) continue;
      if (votes[o + 1] === 0) touched.push(o);
      votes[o + 1]! += g.views.length;
    }
    let best = UNASSIGNED;
    let bestVotes = -1;
    for (const o of touched) {
      const v = votes[o + 1]!;
      if (v > bestVotes || (v === bestVotes && better(o, best, epochOf))) {
        best = o;
        bestVotes = v;
      }
      votes[o + 1] = 0;
    }
    owner[s] = best;
    if (touched.length > 1) disputed[s] = 1;
  }
  return { owner, disputed };
}

function better(candidate: number, current: number, epochOf: (index: number) => number): boolean {
  if (current === UNASSIGNED) return candidate !== UNASSIGNED;
  if (candidate === UNASSIGNED) return false;
  return epochOf(candidate) > epochOf(current);
}

/** Ranges of slots whose entry in `owner` equals `index`, in one pass per call. */
export function slotsOf(owner: Int32Array, index: number): SlotRange[] {
  const out: SlotRange[] = [];
  let start = -1;
  for (let i = 0; i <= SLOT_COUNT; i++) {
    const on = i < SLOT_COUNT && owner[i] === index;
    if (on && start < 0) start = i;
    else if (!on && start >= 0) {
      out.push({ start, end: i - 1 });
      start = -1;
    }
  }
  return out;
}

/** Slot ranges per owner index for every index at once (one pass over the map). */
export function rangesByOwner(owner: Int32Array, nodeCount: number): SlotRange[][] {
  const out: SlotRange[][] = Array.from({ length: nodeCount }, () => []);
  let start = 0;
  for (let i = 1; i <= SLOT_COUNT; i++) {
    if (i < SLOT_COUNT && owner[i] === owner[start]) continue;
    const o = owner[start]!;
    if (o >= 0) out[o]!.push({ start, end: i - 1 });
    start = i;
  }
  return out;
}
