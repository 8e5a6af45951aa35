/** resharding-interrupted: slots left MIGRATING/IMPORTING by a move that did not finish. */
import type { OpenSlot } from '../../cluster/model-types.ts';
import { formatRanges, slotsToRanges } from '../../cluster/slots.ts';
import { isDown, labelOf } from '../context.ts';
import { listLabels, plural } from '../finding.ts';
import { describeOpenSlot, openSlotsBySlot } from '../rules/slots.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

const MAX_ACTIONS = 8;

function moveOf(entries: readonly OpenSlot[]): { source?: string; target?: string } {
  const mig = entries.find((e) => e.kind === 'migrating');
  const imp = entries.find((e) => e.kind === 'importing');
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

function detect(ctx: CauseContext): RootCause[] {
  const by = openSlotsBySlot(ctx);
  if (by.size === 0) return [];
  const actions: RecommendedAction[] = [];
  const involved = new Set<string>();
  const down = new Set<string>();
  const lines: string[] = [];
  for (const [slot, entries] of by) {
    const { source, target } = moveOf(entries);
    const src = source ? labelOf(ctx.model, source) : 'unknown source';
    const dst = target ? labelOf(ctx.model, target) : 'unknown target';
    for (const id of [source, target]) {
      if (!id) continue;
      const n = ctx.model.byId.get(id);
      involved.add(n?.label ?? id);
      if (n && isDown(n)) down.add(n.label);
    }
    lines.push(`slot ${slot} is ${describeOpenSlot(ctx, entries)}`);
    if (actions.length < MAX_ACTIONS) {
      const keys = keyCounts(ctx, slot, source, target);
      actions.push({
        action: 'fix-open-slot',
        target: `slot ${slot}: ${src} -> ${dst}`,
        why:
          `${keys}Finish the move: migrate the keys still on ${src}, then CLUSTER SETSLOT ${slot} NODE <${dst}'s id> on ${dst} first, then on ${src} and the other masters. ` +
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
        `A node restarted with keys for a slot it does not own also opens it as importing, so check whether a resharding was actually running.${caution}`,
      nodes: [...involved],
      slots: formatRanges(slots),
      actions,
    },
  ];
}

export const reshardingInterrupted: RootCauseDetector = {
  code: 'resharding-interrupted',
  rank: 45,
  explains: ['OPEN_SLOT', 'SLOTS_UNASSIGNED', 'SLOT_MULTIPLE_OWNERS', 'CONFIG_DISAGREEMENT'],
  detect,
};
