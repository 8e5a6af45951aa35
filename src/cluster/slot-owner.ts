/**
 * Who serves a hash slot in a cluster model: the owner by consensus of the views, its state, and any
 * migration of the slot in progress; and the same for a list of keys. Pure; never throws on a partial
 * model (an unknown owner is null, never guessed).
 */
import { hashTagOf, keySlot } from './keyslot.ts';
import type { ClusterModel, ModelHealth, ModelNode } from './model-types.ts';

/** The owner of one slot as a plain, JSON-friendly record. */
export interface SlotOwner {
  address: string;
  id: string;
  role: ModelNode['role'];
  /** How the cluster sees the node (ok, pfail, fail, unreachable, unknown). */
  state: ModelHealth;
  /** How our own probe of it failed, when it did (timeout, refused, loading, ...). */
  probe?: string;
  /** The slot is being moved away from the owner to this node (MIGRATING). */
  migratingTo?: string;
  /** Another node is importing the slot from the owner (IMPORTING on that node). */
  importingBy?: string;
}

/** What the model says about one slot. */
export interface SlotFacts {
  slot: number;
  owner: SlotOwner | null;
  /** Views disagree about the owner. */
  disputed: boolean;
  /** Whether the model saw a whole CLUSTER NODES view; without it "no owner" means "not said". */
  fullView: boolean;
}

function labelOf(model: ClusterModel, id: string): string {
  return model.byId.get(id)?.label ?? id;
}

/** The owner, state and open migration of `slot` in `model`. */
export function slotFacts(model: ClusterModel, slot: number): SlotFacts {
  const index = model.slotOwner[slot] ?? -1;
  const node = index >= 0 ? model.nodes[index] : undefined;
  const base = { slot, disputed: model.slotDisputed[slot] === 1, fullView: model.hasFullView };
  if (!node) return { ...base, owner: null };
  const owner: SlotOwner = { address: node.label, id: node.id, role: node.role, state: node.health };
  if (node.probeError) owner.probe = node.probeError.kind;
  for (const open of model.openSlots) {
    if (open.slot !== slot) continue;
    if (open.kind === 'migrating' && open.node === node.id) owner.migratingTo = labelOf(model, open.peer);
    if (open.kind === 'importing' && open.peer === node.id) owner.importingBy = labelOf(model, open.node);
  }
  return { ...base, owner };
}

/** One key's row: its slot, the hash tag used (null: the whole key), and the owner when a model is given. */
export interface KeySlotRow {
  key: string;
  slot: number;
  tag: string | null;
  owner?: SlotOwner | null;
}

/** Where a node that is not serving normally stands, in words: "", or "fail", "unreachable (timeout)". */
export function ownerTrouble(o: SlotOwner): string {
  const bad = o.state !== 'ok';
  if (!bad && !o.probe) return '';
  return [bad ? o.state : '', o.probe ? `probe: ${o.probe}` : ''].filter(Boolean).join(', ');
}

/** Builds the rows for `keys`; with a model, each row names the slot's owner (null when none). */
export function keySlotRows(keys: readonly string[], model?: ClusterModel): KeySlotRow[] {
  return keys.map((key) => {
    const slot = keySlot(key);
    const row: KeySlotRow = { key, slot, tag: hashTagOf(key) };
    if (model) row.owner = slotFacts(model, slot).owner;
    return row;
  });
}
