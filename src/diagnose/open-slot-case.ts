/**
 * Which way to close one open slot, decided from every node's own view (the myself lines' migrating and
 * importing entries), slot ownership by consensus, and the probe's key counts on both sides: roll back
 * when no key reached the target, finish otherwise, and after a failover of the source continue from the
 * node that replaced it. Pure; shared by the resharding runbook (words) and the fix-open-slot planner (steps).
 */
import type { ClusterModel, ModelNode, OpenSlot } from '../cluster/model-types.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import { replacedSource } from './rules/slots.ts';

/**
 * - manual: more than one node migrating or importing it, or one side of the move is unknown;
 * - rollback: the source still owns it and the target holds no key of it: close the open sides (STABLE);
 * - finalize: the target already owns it: move what is left on the source, then SETSLOT NODE everywhere;
 * - finish: roll forward: open the missing side, move the keys, then SETSLOT NODE, target first;
 * - rollback-after-failover: the source is down and replaced, no key reached the target: STABLE on the target;
 * - repoint: the source is down and replaced, the target holds keys: import from the replacement instead,
 *   move the rest from it, then finalize.
 */
export type OpenSlotCaseKind =
  | 'manual'
  | 'rollback'
  | 'finalize'
  | 'finish'
  | 'rollback-after-failover'
  | 'repoint';

/** One open slot: its case, both sides of the move, its owner, and the keys counted on each. */
export interface OpenSlotCase {
  slot: number;
  kind: OpenSlotCaseKind;
  migrating: OpenSlot[];
  importing: OpenSlot[];
  source?: ModelNode;
  target?: ModelNode;
  /** Owner by consensus, if any. */
  owner?: ModelNode;
  /** The live owner that replaced a down source (a failover), when that happened. */
  heir?: ModelNode;
  /** Keys of the slot per the probe's counts; null when not counted. */
  keysOnSource: number | null;
  keysOnTarget: number | null;
  keysOnHeir: number | null;
}

/** Keys in `slot` on node `n` per the probe's open-slot counts; null when not counted. */
export function openSlotKeys(
  snapshot: ClusterSnapshot,
  n: ModelNode | undefined,
  slot: number,
): number | null {
  if (!n) return null;
  const hit = snapshot.openSlotKeys?.find(
    (k) => k.slot === slot && (k.nodeId === n.id || k.address === n.label),
  );
  return hit ? hit.keys : null;
}

/** Decides how to close `slot` (see OpenSlotCaseKind). */
export function openSlotCase(model: ClusterModel, snapshot: ClusterSnapshot, slot: number): OpenSlotCase {
  const open = model.openSlots.filter((o) => o.slot === slot);
  const migrating = open.filter((o) => o.kind === 'migrating');
  const importing = open.filter((o) => o.kind === 'importing');
  const node = (id: string | undefined) => (id ? model.byId.get(id) : undefined);
  const owner = model.nodes[model.slotOwner[slot] ?? -1];
  const source = node(migrating[0]?.node ?? importing[0]?.peer);
  const target = node(importing[0]?.node ?? migrating[0]?.peer);
  const base = {
    slot,
    migrating,
    importing,
    ...(source ? { source } : {}),
    ...(target ? { target } : {}),
    ...(owner ? { owner } : {}),
    keysOnSource: openSlotKeys(snapshot, source, slot),
    keysOnTarget: openSlotKeys(snapshot, target, slot),
    keysOnHeir: null,
  };
  if (migrating.length > 1 || importing.length > 1 || !source || !target) return { ...base, kind: 'manual' };
  const heir = replacedSource(model, slot, source.id);
  if (heir && heir.id !== target.id) {
    const kind = base.keysOnTarget === 0 ? 'rollback-after-failover' : 'repoint';
    return { ...base, kind, heir, keysOnHeir: openSlotKeys(snapshot, heir, slot) };
  }
  if (owner?.id === source.id && base.keysOnTarget === 0) return { ...base, kind: 'rollback' };
  if (owner?.id === target.id) return { ...base, kind: 'finalize' };
  return { ...base, kind: 'finish' };
}

/**
 * True when the importing target reports cluster_state:fail with full coverage required: it still names
 * the dead source as owner (an importing node ignores gossip about the slot), so it refuses the keys.
 */
export function importerDown(target: ModelNode): boolean {
  return (
    target.observation?.clusterInfo?.cluster_state === 'fail' &&
    target.observation.config?.requireFullCoverage !== false
  );
}
