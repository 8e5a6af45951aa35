/**
 * Counts keys in slots that no reachable master serves (unassigned, or owned by a node that is down), on
 * the nodes that answered, so a fix knows whether data is at stake; and keys of open slots on both sides
 * of the move and on the slot's owner by consensus. Bounded: pipelines in batches, a cap on the total
 * number of commands, and a time budget; says when it stopped short (unserved slots).
 */

import { rangesToBitmap, SLOT_COUNT } from '../../cluster/slots.ts';
import type { SlotKeyCount, SlotRange } from '../../cluster/types.ts';
import { naturalCompare } from '../../cluster/util.ts';
import type { NodeProbe } from './node.ts';

export interface KeyCountLimits {
  /** Most COUNTKEYSINSLOT commands in all. */
  maxCommands: number;
  /** Commands per pipeline. */
  batch: number;
  /** Stop starting new batches after this long. */
  timeMs: number;
}

export const DEFAULT_KEY_COUNT_LIMITS: KeyCountLimits = { maxCommands: 50_000, batch: 1000, timeMs: 1000 };

export interface KeyCountResult {
  counts: SlotKeyCount[];
  /** Slots that no answering master claims. */
  unserved: number[];
  /** Unserved slots not counted on every node that holds keys (the limits stopped the count short). */
  uncounted: number[];
  warnings: string[];
}

/** Slots that no answering master claims in its own myself line. */
export function unservedSlots(probes: readonly NodeProbe[]): number[] {
  const served: SlotRange[] = [];
  for (const p of probes) {
    if (!p.client || p.observation.error) continue;
    const self = p.observation.nodes?.nodes.find((l) => l.flags.includes('myself'));
    if (self?.flags.includes('master')) served.push(...self.slots);
  }
  const bits = rangesToBitmap(served);
  const out: number[] = [];
  for (let s = 0; s < SLOT_COUNT; s++) if (bits[s] === 0) out.push(s);
  return out;
}

/** Counts keys in the unserved slots on every answering node that holds any key; only non-zero counts. */
export async function countKeysInUnservedSlots(
  probes: readonly NodeProbe[],
  limits: KeyCountLimits = DEFAULT_KEY_COUNT_LIMITS,
): Promise<KeyCountResult> {
  const unserved = unservedSlots(probes);
  const counts: SlotKeyCount[] = [];
  const warnings: string[] = [];
  if (unserved.length === 0) return { counts, unserved, uncounted: [], warnings };
  // A node with DBSIZE 0 has no key in any slot: skip it. Replicas count too: a replica of a dead
  // master still holds that master's keys.
  const holders = probes.filter((p) => p.client && !p.observation.error && p.observation.dbsize !== 0);
  const started = Date.now();
  const failed = new Set<number>();
  // Nodes are asked in parallel, each within an equal share of the command budget and the same time budget.
  const share = holders.length > 0 ? Math.max(1, Math.floor(limits.maxCommands / holders.length)) : 0;
  const countedPer = await Promise.all(
    holders.map(async (p) => {
      const client = p.client!.client;
      let i = 0;
      while (i < unserved.length && i < share && Date.now() - started <= limits.timeMs) {
        const chunk = unserved.slice(i, i + Math.min(limits.batch, share - i));
        const pipe = client.pipeline();
        for (const slot of chunk) pipe.call('CLUSTER', 'COUNTKEYSINSLOT', slot);
        const replies = (await pipe.exec().catch(() => null)) ?? [];
        chunk.forEach((slot, k) => {
          const [err, value] = replies[k] ?? [new Error('no reply'), null];
          if (err || typeof value !== 'number') failed.add(slot);
          else if (value > 0) {
            counts.push({
              address: p.observation.address,
              nodeId: p.observation.nodeId,
              slot,
              keys: value,
            });
          }
        });
        i += chunk.length;
      }
      return i;
    }),
  );
  // Each node counts the unserved slots in order: whatever the slowest one did not reach is uncounted.
  const reached = Math.min(unserved.length, ...countedPer);
  const skipped = countedPer.reduce((a, i) => a + unserved.length - i, 0);
  counts.sort((a, b) => a.slot - b.slot || naturalCompare(a.address, b.address));
  if (skipped > 0) {
    warnings.push(
      `Key counts in unserved slots are incomplete: ${skipped} slot checks were skipped to stay within ` +
        `${limits.maxCommands} commands / ${limits.timeMs} ms.`,
    );
  }
  if (failed.size > 0) {
    warnings.push(
      `Key counts in unserved slots are incomplete: COUNTKEYSINSLOT failed for ${failed.size} slots.`,
    );
  }
  for (const slot of unserved.slice(reached)) failed.add(slot);
  const uncounted = [...failed].sort((a, b) => a - b);
  return { counts, unserved, uncounted, warnings };
}

/**
 * The owner each of `slots` has in most answering views (ties: the higher configEpoch). After the source of
 * a move failed over, that is its promoted replica, which holds the keys not moved yet.
 */
export function consensusOwners(
  probes: readonly NodeProbe[],
  slots: ReadonlySet<number>,
): Map<number, string> {
  const votes = new Map<number, Map<string, { n: number; epoch: number }>>();
  for (const p of probes) {
    if (!p.client || p.observation.error) continue;
    for (const line of p.observation.nodes?.nodes ?? []) {
      if (!line.flags.includes('master')) continue;
      for (const r of line.slots) {
        for (const slot of slots) {
          if (slot < r.start || slot > r.end) continue;
          const tally = votes.get(slot) ?? new Map<string, { n: number; epoch: number }>();
          const v = tally.get(line.id) ?? { n: 0, epoch: line.configEpoch };
          v.n++;
          v.epoch = Math.max(v.epoch, line.configEpoch);
          tally.set(line.id, v);
          votes.set(slot, tally);
        }
      }
    }
  }
  const out = new Map<number, string>();
  for (const [slot, tally] of votes) {
    const best = [...tally].sort((a, b) => b[1].n - a[1].n || b[1].epoch - a[1].epoch)[0];
    if (best) out.set(slot, best[0]);
  }
  return out;
}

/**
 * Counts keys of every open slot on the node that has it open, on its peer in the move, and on the slot's
 * owner by consensus (zeros included), within `limits` (total commands, pipeline size, time).
 */
export async function countKeysInOpenSlots(
  probes: readonly NodeProbe[],
  limits: KeyCountLimits = DEFAULT_KEY_COUNT_LIMITS,
  maxSlots = 256,
): Promise<SlotKeyCount[]> {
  const byId = new Map<string, NodeProbe>();
  for (const p of probes) if (p.client && p.observation.nodeId) byId.set(p.observation.nodeId, p);
  const wanted = new Map<NodeProbe, Set<number>>();
  let commands = 0;
  const want = (p: NodeProbe | undefined, slot: number): void => {
    if (!p?.client || commands >= limits.maxCommands) return;
    const set = wanted.get(p) ?? new Set<number>();
    if (set.has(slot)) return;
    set.add(slot);
    wanted.set(p, set);
    commands++;
  };
  const open = new Set<number>();
  for (const p of probes) {
    const self = p.observation.nodes?.nodes.find((l) => l.flags.includes('myself'));
    if (!self) continue;
    const pairs = [
      ...self.migrating.map((m) => [m.slot, m.to] as const),
      ...self.importing.map((m) => [m.slot, m.from] as const),
    ];
    for (const [slot, peer] of pairs) {
      if (!open.has(slot) && open.size >= maxSlots) continue;
      open.add(slot);
      want(p, slot);
      want(byId.get(peer), slot);
    }
  }
  if (open.size === 0) return [];
  for (const [slot, owner] of consensusOwners(probes, open)) want(byId.get(owner), slot);
  const out: SlotKeyCount[] = [];
  const started = Date.now();
  await Promise.all(
    [...wanted].map(async ([p, slots]) => {
      const list = [...slots];
      for (let i = 0; i < list.length && Date.now() - started <= limits.timeMs; i += limits.batch) {
        const chunk = list.slice(i, i + limits.batch);
        const pipe = p.client!.client.pipeline();
        for (const slot of chunk) pipe.call('CLUSTER', 'COUNTKEYSINSLOT', slot);
        const replies = (await pipe.exec().catch(() => null)) ?? [];
        replies.forEach(([err, value], k) => {
          if (!err && typeof value === 'number') {
            out.push({
              address: p.observation.address,
              nodeId: p.observation.nodeId,
              slot: chunk[k]!,
              keys: value,
            });
          }
        });
      }
    }),
  );
  return out.sort((a, b) => a.slot - b.slot || naturalCompare(a.address, b.address));
}
