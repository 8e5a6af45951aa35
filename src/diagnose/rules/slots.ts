/** Slot states: OPEN_SLOT (migrating/importing left set) and SLOT_MULTIPLE_OWNERS. */
import type { ClusterModel, ModelNode, OpenSlot } from '../../cluster/model-types.ts';
import { slotsToRanges } from '../../cluster/slots.ts';
import { isDown, labelOf, type RuleContext } from '../context.ts';
import { finding, listLabels } from '../finding.ts';
import type { Finding } from '../types.ts';

/** Describes one open slot from both sides, e.g. "migrating on A to B, importing on B from A". */
export function describeOpenSlot(ctx: RuleContext, entries: readonly OpenSlot[]): string {
  if (entries.every((o) => o.sidesUnknown))
    return 'open (redis-cli names the slot, but which node migrates or imports it is not in the paste)';
  return entries
    .filter((o) => !o.sidesUnknown)
    .map((o) => {
      const peer = o.peer ? labelOf(ctx.model, o.peer) : 'an unknown node';
      return o.kind === 'migrating'
        ? `migrating on ${labelOf(ctx.model, o.node)} to ${peer}`
        : `importing on ${labelOf(ctx.model, o.node)} from ${peer}`;
    })
    .join(', ');
}

/**
 * The live owner that replaced a down migration source: the source `sourceId` of an open `slot` is down and
 * the consensus owner of the slot is another live node (its replica won a failover). The MIGRATING state
 * is not replicated (redis#6339), so that owner holds the keys not yet moved but knows nothing of the move.
 */
export function replacedSource(model: ClusterModel, slot: number, sourceId: string): ModelNode | undefined {
  const src = model.byId.get(sourceId);
  if (!src || !isDown(src)) return undefined;
  const owner = model.nodes[model.slotOwner[slot] ?? -1];
  if (!owner || owner.id === src.id || isDown(owner)) return undefined;
  return owner;
}

/** Open slots grouped by slot number. */
export function openSlotsBySlot(ctx: RuleContext): Map<number, OpenSlot[]> {
  const by = new Map<number, OpenSlot[]>();
  for (const o of ctx.model.openSlots) {
    const list = by.get(o.slot);
    if (list) list.push(o);
    else by.set(o.slot, [o]);
  }
  return by;
}

function openSlot(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const [slot, entries] of openSlotsBySlot(ctx)) {
    const migrating = entries.filter((e) => e.kind === 'migrating');
    const importing = entries.filter((e) => e.kind === 'importing');
    let stage: string;
    if (entries.every((e) => e.sidesUnknown))
      stage =
        'paste the whole redis-cli --cluster check (its "[WARNING] Node ... has slots in migrating/importing state" lines) or CLUSTER NODES of the masters to see which nodes hold it open';
    else if (migrating.length > 0 && importing.length > 0)
      stage = 'both sides are open: keys may be split between them while the move is unfinished';
    else if (importing.length > 0)
      stage =
        'only the importing side is open: the source was already closed or never opened, and the importing node ignores gossip about this slot';
    else
      stage = 'only the migrating side is open: the target never opened the slot, or was already finalised';
    out.push(
      finding(
        'OPEN_SLOT',
        'warning',
        `Slot ${slot} is ${describeOpenSlot(ctx, entries)}; ${stage}. Clients get ASK redirects and multi-key commands may fail with TRYAGAIN.`,
        entries.flatMap((e) =>
          e.sidesUnknown ? [] : [labelOf(ctx.model, e.node), ...(e.peer ? [labelOf(ctx.model, e.peer)] : [])],
        ),
        `${slot}`,
        entries.map((e) => (e.sidesUnknown ? e.evidence : `${labelOf(ctx.model, e.node)}: ${e.evidence}`)),
      ),
    );
  }
  return out;
}

function multipleOwners(ctx: RuleContext): Finding[] {
  const groups = new Map<string, number[]>();
  for (const m of ctx.model.multiOwned) {
    const key = m.owners.join(',');
    const list = groups.get(key);
    if (list) list.push(m.slot);
    else groups.set(key, [m.slot]);
  }
  const out: Finding[] = [];
  for (const [key, slots] of groups) {
    const labels = key.split(',').map((id) => labelOf(ctx.model, id));
    const ranges = slotsToRanges(slots);
    const evidence = key.split(',').flatMap((id) => {
      const n = ctx.model.byId.get(id);
      return n?.selfLine ? [`${n.selfLine.observer}: ${n.selfLine.raw}`] : [];
    });
    out.push(
      finding(
        'SLOT_MULTIPLE_OWNERS',
        'critical',
        `${listLabels(labels)} each claim the same ${slots.length === 1 ? 'slot' : `${slots.length} slots`}: clients may write the same keys to different masters. Redis resolves this by configEpoch (highest wins, the loser drops its keys), not by who holds the data.`,
        labels,
        ranges,
        evidence,
      ),
    );
  }
  return out;
}

/** Slot-state rule family. */
export function slotStateRule(ctx: RuleContext): Finding[] {
  return [...openSlot(ctx), ...multipleOwners(ctx)];
}
