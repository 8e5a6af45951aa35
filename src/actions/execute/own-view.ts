/**
 * What one node says about itself right now (its CLUSTER NODES): its id and role, which slots it owns,
 * which it has open, and who owns each slot in its view. Step runners read this before acting, so work
 * already done is skipped and a plan that no longer fits stops before anything is sent. Read-only.
 */
import { parseClusterNodes } from '../../cluster/parse-nodes.ts';
import { rangesToBitmap } from '../../cluster/slots.ts';
import type { NodeLine, SlotRange } from '../../cluster/types.ts';
import { ActionError } from '../errors.ts';
import type { NodeSession } from './context.ts';

/** One node's own view, digested. */
export interface OwnView {
  /** Its myself line. */
  self: NodeLine;
  /** Per slot, the id of the owner in this node's view ('' when unassigned). */
  ownerOf(slot: number): string;
  /** True when the node claims `slot` for itself. */
  owns(slot: number): boolean;
  /** The node it imports `slot` from, or undefined. */
  importingFrom(slot: number): string | undefined;
  /** The node it migrates `slot` to, or undefined. */
  migratingTo(slot: number): string | undefined;
  /** Lines of the view, by id. */
  lines: Map<string, NodeLine>;
}

/** Reads and digests `session`'s CLUSTER NODES; throws ACTION_STEP_FAILED when it has no myself line. */
export async function readOwnView(session: NodeSession): Promise<OwnView> {
  const text = String(await session.call(['CLUSTER', 'NODES']));
  const view = parseClusterNodes(text);
  const self = view.nodes.find((l) => l.flags.includes('myself'));
  if (!self) {
    throw new ActionError('ACTION_STEP_FAILED', `${session.address}: CLUSTER NODES has no "myself" line`);
  }
  const ids: string[] = [''];
  const owner = new Uint16Array(16384);
  const lines = new Map<string, NodeLine>();
  for (const l of view.nodes) {
    lines.set(l.id, l);
    if (l.slots.length === 0) continue;
    ids.push(l.id);
    const bits = rangesToBitmap(l.slots);
    for (let s = 0; s < bits.length; s++) if (bits[s]) owner[s] = ids.length - 1;
  }
  const importing = new Map(self.importing.map((o) => [o.slot, o.from]));
  const migrating = new Map(self.migrating.map((o) => [o.slot, o.to]));
  return {
    self,
    lines,
    ownerOf: (slot) => ids[owner[slot]!]!,
    owns: (slot) => ids[owner[slot]!] === self.id,
    importingFrom: (slot) => importing.get(slot),
    migratingTo: (slot) => migrating.get(slot),
  };
}

/** The slots of `ranges` for which `pick` holds, as slot numbers in ascending order. */
export function slotsWhere(ranges: readonly SlotRange[], pick: (slot: number) => boolean): number[] {
  const out: number[] = [];
  for (const r of ranges) for (let s = r.start; s <= r.end; s++) if (pick(s)) out.push(s);
  return out;
}
