/**
 * Rebalance moves computed the way redis-cli --cluster rebalance computes them (weights, empty masters
 * left out unless asked, a percentage threshold, leftovers pushed onto receivers, givers matched with
 * receivers largest first), with the slots of each move picked contiguously. Pure and deterministic.
 */
import { pickSlots, type SlotHolder, type SlotMove } from './slot-spread.ts';
import { countSlots, normalizeRanges, subtractRanges } from './slots.ts';
import type { SlotRange } from './types.ts';

/** A master taking part in a rebalance; weight 1 unless given, 0 drains it. */
export interface WeightedHolder extends SlotHolder {
  weight?: number;
}

/** Knobs of a rebalance, as redis-cli names them. */
export interface RebalanceOptions {
  /** Percent off its expected share that makes a master need moving (default 2, like redis-cli). */
  threshold?: number;
  /** Also give slots to masters that own none (redis-cli --cluster-use-empty-masters). */
  useEmptyMasters?: boolean;
}

/** Where each participant stands and what to move. */
export interface RebalancePlan {
  /** False when every participant is within the threshold: nothing to move. */
  needed: boolean;
  threshold: number;
  participants: { id: string; weight: number; slots: number; expected: number; overThreshold: boolean }[];
  moves: SlotMove[];
}

/**
 * Computes rebalance moves for `masters`. Masters owning no slot take part only with useEmptyMasters or
 * an explicit weight; expected = floor(total * weight / total weight), as redis-cli computes it.
 */
export function rebalanceMoves(
  masters: readonly WeightedHolder[],
  opts: RebalanceOptions = {},
): RebalancePlan {
  const threshold = opts.threshold ?? 2;
  const nodes = [...masters]
    .map((m) => ({ id: m.id, slots: normalizeRanges(m.slots), weight: m.weight }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((m) => countSlots(m.slots) > 0 || opts.useEmptyMasters || m.weight !== undefined)
    .map((m) => ({ ...m, weight: Math.max(0, m.weight ?? 1) }));
  const total = nodes.reduce((a, m) => a + countSlots(m.slots), 0);
  const totalWeight = nodes.reduce((a, m) => a + m.weight, 0);
  const participants = nodes.map((m) => {
    const slots = countSlots(m.slots);
    const expected = totalWeight > 0 ? Math.floor((total / totalWeight) * m.weight) : 0;
    const overThreshold = slots > 0 ? Math.abs(100 - (100 * expected) / slots) > threshold : expected > 1;
    return { id: m.id, weight: m.weight, slots, expected, overThreshold };
  });
  const needed = totalWeight > 0 && participants.some((p) => p.overThreshold);
  if (!needed) return { needed, threshold, participants, moves: [] };
  const balance = participants.map((p) => p.slots - p.expected);
  // Rounding leaves sum(balance) >= 0: push the leftover onto receivers, one slot each in turn.
  let leftover = balance.reduce((a, b) => a + b, 0);
  while (leftover > 0 && balance.some((b) => b <= 0)) {
    for (let i = 0; i < balance.length && leftover > 0; i++) {
      if (balance[i]! <= 0) {
        balance[i]!--;
        leftover--;
      }
    }
  }
  const order = balance.map((_, i) => i).sort((a, b) => balance[a]! - balance[b]! || a - b);
  const owned = new Map<number, SlotRange[]>(nodes.map((m, i) => [i, m.slots]));
  const moves: SlotMove[] = [];
  for (let d = 0, s = order.length - 1; d < s; ) {
    const dst = order[d]!;
    const src = order[s]!;
    const n = Math.min(-balance[dst]!, balance[src]!);
    if (n > 0) {
      const slots = pickSlots(owned.get(src)!, n, owned.get(dst)!);
      owned.set(src, subtractRanges(owned.get(src)!, slots));
      owned.set(dst, normalizeRanges([...owned.get(dst)!, ...slots]));
      moves.push({ from: nodes[src]!.id, to: nodes[dst]!.id, slots });
      balance[dst]! += n;
      balance[src]! -= n;
    }
    if (balance[dst] === 0 || n <= 0) d++;
    if (balance[src] === 0) s--;
  }
  return { needed, threshold, participants, moves };
}
