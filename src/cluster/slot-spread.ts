/**
 * Pure slot arithmetic for fixes and moves: spread free slots over masters so counts end as even as
 * possible in as few contiguous ranges as possible, pick which slots a source gives away, and compute
 * redis-cli-style rebalance moves. Deterministic for the same input; never does I/O, never throws.
 */
import { countSlots, normalizeRanges, SLOT_COUNT, subtractRanges } from './slots.ts';
import type { SlotRange } from './types.ts';

/** A master and the slots it owns now. */
export interface SlotHolder {
  id: string;
  slots: readonly SlotRange[];
}

/** Slots moving from one master to another. */
export interface SlotMove {
  from: string;
  to: string;
  slots: SlotRange[];
}

/**
 * How many of `free` slots each holder receives so the final counts are as even as possible: the
 * emptiest are filled first up to a common level (water-filling); the rounding remainder goes one slot
 * each to the emptiest, ties by id. Returns quotas in the order of `counts`.
 */
export function evenQuotas(counts: readonly { id: string; count: number }[], free: number): number[] {
  const order = counts.map((_c, i) => i).sort((a, b) => cmpHolder(counts[a]!, counts[b]!));
  const out = counts.map(() => 0);
  if (free <= 0 || counts.length === 0) return out;
  let k = 1;
  let sum = counts[order[0]!]!.count;
  // Grow the set of receivers while the next one is below the level they would reach together.
  while (k < order.length && counts[order[k]!]!.count * k < free + sum) {
    sum += counts[order[k]!]!.count;
    k++;
  }
  const level = Math.floor((free + sum) / k);
  let given = 0;
  for (let j = 0; j < k; j++) {
    const i = order[j]!;
    out[i] = Math.max(0, level - counts[i]!.count);
    given += out[i]!;
  }
  for (let j = 0; given < free; j = (j + 1) % k) {
    out[order[j]!]!++;
    given++;
  }
  return out;
}

function cmpHolder(a: { id: string; count: number }, b: { id: string; count: number }): number {
  return a.count - b.count || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Per slot: index of the holder that owns it, -1 for none. */
function ownerIndex(holders: readonly SlotHolder[]): Int32Array {
  const owner = new Int32Array(SLOT_COUNT).fill(-1);
  holders.forEach((h, i) => {
    for (const r of h.slots) owner.fill(i, r.start, r.end + 1);
  });
  return owner;
}

/** Cuts the free segments into consecutive chunks of `quota` slots, receivers in `order`. */
function cutInOrder(
  segments: readonly SlotRange[],
  order: readonly number[],
  quotas: readonly number[],
): Map<number, SlotRange[]> {
  const out = new Map<number, SlotRange[]>();
  let seg = 0;
  let pos = segments[0]?.start ?? 0;
  for (const who of order) {
    let want = quotas[who]!;
    const got: SlotRange[] = [];
    while (want > 0 && seg < segments.length) {
      const s = segments[seg]!;
      const end = Math.min(s.end, pos + want - 1);
      got.push({ start: pos, end });
      want -= end - pos + 1;
      if (end === s.end) {
        seg++;
        pos = segments[seg]?.start ?? 0;
      } else pos = end + 1;
    }
    out.set(who, got);
  }
  return out;
}

/**
 * Ranges a holder ends with beyond those it owned: one per received piece, minus one per piece end that
 * touches a slot it already owns (the piece merges into that range).
 */
function addedRanges(pieces: readonly SlotRange[], who: number, owner: Int32Array): number {
  let n = 0;
  for (const p of pieces) {
    n++;
    if (p.start > 0 && owner[p.start - 1] === who) n--;
    if (p.end < SLOT_COUNT - 1 && owner[p.end + 1] === who) n--;
  }
  return n;
}

function* permutations(items: readonly number[]): Generator<number[]> {
  if (items.length <= 1) {
    yield [...items];
    return;
  }
  for (let i = 0; i < items.length; i++) {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest)) yield [items[i]!, ...p];
  }
}

/** Most (order × segment) evaluations spent searching for the least fragmented order. */
const SEARCH_BUDGET = 400_000;

/** Receivers in the order of the first free slot that touches a range they own; the others after them. */
function adjacencyOrder(receivers: readonly number[], segments: readonly SlotRange[], owner: Int32Array) {
  const first = new Map<number, number>();
  for (const s of segments) {
    for (const edge of [s.start - 1, s.end + 1]) {
      const who = edge >= 0 && edge < SLOT_COUNT ? owner[edge]! : -1;
      if (who >= 0 && receivers.includes(who) && !first.has(who)) first.set(who, s.start);
    }
  }
  return [...receivers].sort((a, b) => (first.get(a) ?? SLOT_COUNT) - (first.get(b) ?? SLOT_COUNT) || a - b);
}

/**
 * Spreads `free` over `holders` so their slot counts end as even as possible (the emptiest first), each
 * receiving consecutive pieces of the free slots, in the order that leaves the fewest ranges overall
 * (pieces that touch a range the holder already owns merge into it). `free` must not overlap what the
 * holders own. Returns, per holder id, the ranges it receives (absent when none).
 */
export function spreadSlots(
  holders: readonly SlotHolder[],
  free: readonly SlotRange[],
): Map<string, SlotRange[]> {
  const segments = normalizeRanges(free);
  const total = countSlots(segments);
  const sorted = [...holders].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const quotas = evenQuotas(
    sorted.map((h) => ({ id: h.id, count: countSlots(normalizeRanges(h.slots)) })),
    total,
  );
  const owner = ownerIndex(sorted);
  const receivers = quotas.flatMap((q, i) => (q > 0 ? [i] : []));
  let best = adjacencyOrder(receivers, segments, owner);
  let bestCost = orderCost(cutInOrder(segments, best, quotas), owner);
  let perms = 1;
  for (let i = 2; i <= receivers.length; i++) perms *= i;
  if (perms * (segments.length + receivers.length) <= SEARCH_BUDGET) {
    for (const order of permutations(receivers)) {
      const cost = orderCost(cutInOrder(segments, order, quotas), owner);
      if (cost[0] < bestCost[0] || (cost[0] === bestCost[0] && cost[1] < bestCost[1])) {
        best = order;
        bestCost = cost;
      }
    }
  }
  const out = new Map<string, SlotRange[]>();
  for (const [who, pieces] of cutInOrder(segments, best, quotas)) {
    if (pieces.length > 0) out.set(sorted[who]!.id, normalizeRanges(pieces));
  }
  return out;
}

/** [ranges added in all, most ranges added to one holder]: lower is better. */
function orderCost(cut: Map<number, SlotRange[]>, owner: Int32Array): [number, number] {
  let sum = 0;
  let max = 0;
  for (const [who, pieces] of cut) {
    const n = addedRanges(pieces, who, owner);
    sum += n;
    max = Math.max(max, n);
  }
  return [sum, max];
}

/**
 * Picks `count` slots of `source` to give to a master owning `target`, in as few ranges as possible:
 * a whole range or one end of one when a range is big enough (preferring an end that touches the target's
 * slots, then one that empties a range, then the lowest slots, like redis-cli); otherwise whole ranges,
 * largest first, and the rest from one more range. Takes all of `source` when `count` exceeds it.
 */
export function pickSlots(
  source: readonly SlotRange[],
  count: number,
  target: readonly SlotRange[] = [],
): SlotRange[] {
  let left = normalizeRanges(source);
  const tgt = normalizeRanges(target);
  const picked: SlotRange[] = [];
  let want = Math.max(0, Math.min(Math.floor(count), countSlots(left)));
  while (want > 0) {
    const fits = left.filter((r) => r.end - r.start + 1 >= want);
    if (fits.length === 0) {
      const biggest = [...left].sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start)[0]!;
      picked.push(biggest);
      want -= biggest.end - biggest.start + 1;
      left = subtractRanges(left, [biggest]);
      continue;
    }
    picked.push(bestEnd(fits, want, [...tgt, ...picked]));
    want = 0;
  }
  return normalizeRanges(picked);
}

/** The best `want`-slot piece at one end of one of `fits`, scored as in pickSlots. */
function bestEnd(fits: readonly SlotRange[], want: number, near: readonly SlotRange[]): SlotRange {
  const touches = (p: SlotRange) => near.some((t) => t.end + 1 === p.start || t.start - 1 === p.end);
  let best: { piece: SlotRange; score: number } | null = null;
  for (const r of fits) {
    const low = { start: r.start, end: r.start + want - 1 };
    const high = { start: r.end - want + 1, end: r.end };
    for (const piece of [low, high]) {
      const whole = piece.start === r.start && piece.end === r.end;
      const score = (touches(piece) ? 0 : 2) + (whole ? 0 : 1);
      if (!best || score < best.score || (score === best.score && piece.start < best.piece.start)) {
        best = { piece, score };
      }
    }
  }
  return best!.piece;
}

/**
 * The reshard table for moving `count` slots from `sources` to `target`: shares proportional to each
 * source's slot count (largest remainder, so exactly `count` move when they own that many), each share
 * picked with pickSlots. Sources with nothing to give are left out.
 */
export function reshardTable(sources: readonly SlotHolder[], target: SlotHolder, count: number): SlotMove[] {
  const owned = sources.map((s) => countSlots(normalizeRanges(s.slots)));
  const total = owned.reduce((a, b) => a + b, 0);
  const n = Math.max(0, Math.min(Math.floor(count), total));
  if (n === 0) return [];
  const exact = owned.map((c) => (n * c) / total);
  const share = exact.map(Math.floor);
  const byRemainder = exact
    .map((_x, i) => i)
    .sort((a, b) => exact[b]! - share[b]! - (exact[a]! - share[a]!) || owned[b]! - owned[a]! || a - b);
  for (let k = 0, rest = n - share.reduce((a, b) => a + b, 0); rest > 0; k++, rest--) {
    share[byRemainder[k % byRemainder.length]!]!++;
  }
  const moves: SlotMove[] = [];
  let tgt = normalizeRanges(target.slots);
  sources.forEach((s, i) => {
    if (share[i]! <= 0) return;
    const slots = pickSlots(s.slots, share[i]!, tgt);
    tgt = normalizeRanges([...tgt, ...slots]);
    moves.push({ from: s.id, to: target.id, slots });
  });
  return moves;
}
