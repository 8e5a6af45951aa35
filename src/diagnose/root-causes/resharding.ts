/** resharding-interrupted: slots left MIGRATING/IMPORTING by a move that did not finish. */
import type { ModelNode, OpenSlot } from '../../cluster/model-types.ts';
import { formatRanges, slotsToRanges } from '../../cluster/slots.ts';
import { isDown, labelOf } from '../context.ts';
import { listLabels, plural } from '../finding.ts';
import { describeOpenSlot, openSlotsBySlot, replacedSource } from '../rules/slots.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

const MAX_ACTIONS = 8;

function moveOf(entries: readonly OpenSlot[]): { source?: string; target?: string } {
  const mig = entries.find((e) => e.kind === 'migrating' && !e.sidesUnknown);
  const imp = entries.find((e) => e.kind === 'importing' && !e.sidesUnknown);
  return { source: mig?.node ?? imp?.peer, target: imp?.node ?? mig?.peer };
}

/** "127.0.0.1:7001 still holds 6 keys of slot 100, 127.0.0.1:7002 holds 4. " when the probe counted them. */
function keyCounts(ctx: CauseContext, slot: number, source?: string, target?: string): string {
  const counts = ctx.snapshot.openSlotKeys?.filter((k) => k.slot === slot) ?? [];
  const of = (id?: string) =>
    counts.find((k) => id !== undefined && (k.nodeId === id || k.address === labelOf(ctx.model, id)));
  const s = of(source);
  const t = of(target);
  if (!s && !t) return '';
  const parts = [
    s ? `${s.address} still holds ${s.keys} keys of slot ${slot}` : '',
    t ? `${t.address} holds ${t.keys}` : '',
  ];
  return `${parts.filter(Boolean).join(', ')}. `;
}

/** " (6 counted)" when the probe counted the keys of `slot` on the node that took over the source's slots. */
function heirKeys(ctx: CauseContext, slot: number, heir: ModelNode): string {
  const hit = ctx.snapshot.openSlotKeys?.find(
    (k) => k.slot === slot && (k.nodeId === heir.id || k.address === heir.label),
  );
  return hit ? ` (${hit.keys} counted)` : '';
}

/**
 * Importing nodes that report cluster_state:fail because their import source is down: an importing node
 * ignores gossip about the slot, so it still names the dead source as owner even after a failover.
 */
function stuckImporters(ctx: CauseContext): { node: ModelNode; slot: number; source: ModelNode }[] {
  const out: { node: ModelNode; slot: number; source: ModelNode }[] = [];
  for (const o of ctx.model.openSlots) {
    if (o.kind !== 'importing') continue;
    const node = ctx.model.byId.get(o.node);
    const source = ctx.model.byId.get(o.peer);
    if (!node || !source || !isDown(source)) continue;
    if (node.observation?.clusterInfo?.cluster_state === 'fail') out.push({ node, slot: o.slot, source });
  }
  return out;
}

/** True when every node reporting cluster_state:fail is an importer stuck on a down source. */
function onlyStuckImportersFail(ctx: CauseContext): boolean {
  const stuck = new Set(stuckImporters(ctx).map((s) => s.node.observation));
  const failing = ctx.snapshot.observations.filter((o) => o.clusterInfo?.cluster_state === 'fail');
  return stuck.size > 0 && failing.every((o) => stuck.has(o));
}

function stuckText(ctx: CauseContext): string {
  const stuck = stuckImporters(ctx);
  if (stuck.length === 0) return '';
  const full = ctx.config.requireFullCoverage.value;
  return stuck
    .map(
      (s) =>
        ` ${s.node.label} still imports slot ${s.slot} from ${s.source.label}, which is down; an importing node ignores what others say about that slot, so ${s.node.label} still names ${s.source.label} as its owner${full ? ' and, with cluster-require-full-coverage yes, reports cluster_state:fail: clients connected to it get CLUSTERDOWN for every key' : ''}. Finishing or closing the move (below) clears it.`,
    )
    .join('');
}

function detect(ctx: CauseContext): RootCause[] {
  const by = openSlotsBySlot(ctx);
  if (by.size === 0) return [];
  const actions: RecommendedAction[] = [];
  const involved = new Set<string>();
  const down = new Set<string>();
  const lines: string[] = [];
  const replaced: string[] = [];
  for (const [slot, entries] of by) {
    const moved = moveOf(entries);
    const heir = moved.source ? replacedSource(ctx.model, slot, moved.source) : undefined;
    const source = heir && heir.id !== moved.target ? heir.id : moved.source;
    const target = moved.target;
    if (heir && source === heir.id && moved.source) {
      involved.add(labelOf(ctx.model, moved.source));
      replaced.push(
        `${labelOf(ctx.model, moved.source)} (the source of slot ${slot}) was failed over: ${heir.label} owns the slot now and holds the keys not moved yet${heirKeys(ctx, slot, heir)}, without knowing about the move (MIGRATING is not replicated), so the move continues from ${heir.label}`,
      );
    }
    const src = source ? labelOf(ctx.model, source) : 'unknown source';
    const dst = target ? labelOf(ctx.model, target) : 'unknown target';
    for (const id of [source, target]) {
      if (!id) continue;
      const n = ctx.model.byId.get(id);
      involved.add(n?.label ?? id);
      if (n && isDown(n)) down.add(n.label);
    }
    lines.push(`slot ${slot} is ${describeOpenSlot(ctx, entries)}`);
    // no plan without the sides: which node to finish or close the move on is not in the paste
    if (!source && !target) continue;
    if (actions.length < MAX_ACTIONS) {
      const keys = keyCounts(ctx, slot, source, target);
      const ownerIdx = ctx.model.slotOwner[slot] ?? -1;
      const srcOwns = ownerIdx >= 0 && ctx.model.nodes[ownerIdx]?.id === source;
      const targetKeys = ctx.snapshot.openSlotKeys?.find(
        (k) => k.slot === slot && target !== undefined && (k.nodeId === target || k.address === dst),
      )?.keys;
      const rollBack = srcOwns && !(heir && source === heir.id) && targetKeys === 0;
      actions.push({
        action: 'fix-open-slot',
        target: `slot ${slot}: ${src} -> ${dst}`,
        params: { slotRanges: String(slot) },
        why: rollBack
          ? `${keys}No key has reached ${dst} and ${src} still owns the slot: roll back by closing it (CLUSTER SETSLOT ${slot} STABLE on ${dst}, and on ${src} if it is MIGRATING). Nothing moves and no key is at stake.`
          : `${keys}Finish the move${targetKeys === undefined ? ` (or, if ${dst} holds no key of the slot, close it with CLUSTER SETSLOT ${slot} STABLE on both sides instead)` : ''}: ${heir && source === heir.id ? `re-point it first (CLUSTER SETSLOT ${slot} IMPORTING <${src}'s id> on ${dst}, CLUSTER SETSLOT ${slot} MIGRATING <${dst}'s id> on ${src}), then ` : ''}migrate the keys still on ${src}, then CLUSTER SETSLOT ${slot} NODE <${dst}'s id> on ${dst} first, then on ${src} and the other masters. ` +
            'redis-cli --cluster fix does this without asking and picks the owner by key count, not by who should own it: review its plan before running it.',
      });
    }
  }
  const slots = slotsToRanges(by.keys());
  const caution =
    down.size > 0
      ? ` ${listLabels([...down])} ${down.size === 1 ? 'is' : 'are'} down: bring ${down.size === 1 ? 'it' : 'them'} back before touching these slots, or keys on ${down.size === 1 ? 'it' : 'them'} are lost.`
      : '';
  return [
    {
      code: 'resharding-interrupted',
      summary: `Resharding interrupted: ${plural(by.size, 'slot is', 'slots are')} left open (${lines.slice(0, 2).join('; ')}${lines.length > 2 ? '; …' : ''}).`,
      explanation:
        `A slot move sets the slot MIGRATING on the source and IMPORTING on the target, moves its keys, then assigns it to the target; these steps did not all complete: ${lines.slice(0, 6).join('; ')}. ` +
        'Clients still reach the keys through ASK redirects, but multi-key commands may fail with TRYAGAIN, and an importing node ignores what the rest of the cluster says about that slot. ' +
        `A node restarted with keys for a slot it does not own also opens it as importing, so check whether a resharding was actually running.${caution}` +
        `${replaced.length > 0 ? ` ${replaced.join('; ')}.` : ''}${stuckText(ctx)}`,
      nodes: [...involved],
      slots: formatRanges(slots),
      actions,
    },
  ];
}

const EXPLAINS = ['OPEN_SLOT', 'SLOTS_UNASSIGNED', 'SLOT_MULTIPLE_OWNERS', 'CONFIG_DISAGREEMENT'] as const;

export const reshardingInterrupted: RootCauseDetector = {
  code: 'resharding-interrupted',
  rank: 45,
  explains: EXPLAINS,
  detect: (ctx) => (onlyStuckImportersFail(ctx) ? [] : detect(ctx)),
};

/**
 * The same cause when the only nodes reporting cluster_state:fail are importers stuck on a down source:
 * then this cause also explains that state.
 */
export const reshardingStuckImport: RootCauseDetector = {
  code: 'resharding-interrupted',
  rank: 45,
  explains: [...EXPLAINS, 'CLUSTER_STATE_FAIL'],
  detect: (ctx) => (onlyStuckImportersFail(ctx) ? detect(ctx) : []),
};
