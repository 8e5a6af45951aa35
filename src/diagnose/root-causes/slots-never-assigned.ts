/** slots-never-assigned: slots no view gives to any node, with no migration touching them. */
import { countSlots, formatRanges, rangesToBitmap, subtractRanges } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import { labelOf } from '../context.ts';
import { plural, shortRanges } from '../finding.ts';
import { pasteGaps } from '../paste-gaps.ts';
import type { RootCause } from '../types.ts';
import { fixCoverageUnassigned } from './actions.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

function detect(ctx: CauseContext): RootCause[] {
  const open: SlotRange[] = ctx.model.openSlots.map((o) => ({ start: o.slot, end: o.slot }));
  const slots = subtractRanges(ctx.facts.unassigned, open);
  if (slots.length === 0) return [];
  const n = countSlots(slots);
  const bits = rangesToBitmap(slots);
  const holders = new Map<string, number>();
  for (const k of ctx.snapshot.keysInSlots ?? []) {
    if (k.keys <= 0 || !bits[k.slot]) continue;
    const who = k.nodeId ? labelOf(ctx.model, k.nodeId) : k.address;
    holders.set(who, (holders.get(who) ?? 0) + k.keys);
  }
  const text = `${plural(n, 'slot')} (${shortRanges(slots)})`;
  if (holders.size > 0) {
    const list = [...holders.entries()].map(([who, keys]) => `${who} (${keys} keys)`);
    const only = holders.size === 1 ? [...holders.keys()][0] : undefined;
    return [
      {
        code: 'undetermined',
        summary: `${text} have no owner, but keys for them exist on ${list.join(', ')}.`,
        explanation:
          `No view assigns ${text} to any node, yet keys in them exist: they were owned before and lost their owner ` +
          '(CLUSTER DELSLOTS, a FORGET of the owner, or a node that restarted without its nodes.conf). ' +
          `${only ? `Assigning them to ${only}, which holds the keys, restores them without moving data.` : 'Several nodes hold keys: the owner must be chosen deliberately, and keys moved to it.'}`,
        nodes: [...holders.keys()],
        slots: formatRanges(slots),
        actions: [fixCoverageUnassigned(slots, only)],
      },
    ];
  }
  const paste = ctx.snapshot.source === 'paste';
  const gaps = paste ? pasteGaps(ctx.model) : undefined;
  if (gaps?.truncated) return [cutPaste(text, slots, gaps.reasons)];
  const unverified =
    paste && ctx.model.knownNodesReported === 0
      ? ' This paste has no CLUSTER INFO, so nothing proves it holds every line: if it was cut or filtered, paste the whole CLUSTER NODES and CLUSTER INFO (or run a live diagnosis) before assigning anything.'
      : '';
  const assigned = ctx.snapshot.observations.find((o) => o.clusterInfo?.cluster_slots_assigned !== undefined)
    ?.clusterInfo?.cluster_slots_assigned;
  return [
    {
      code: 'slots-never-assigned',
      summary: `${text} ${n === 1 ? 'is' : 'are'} not assigned to any node.`,
      explanation:
        `No view gives ${text} to any node${assigned ? ` (cluster_slots_assigned:${assigned})` : ''} and no migration involves them, so commands on their keys fail with ` +
        '"CLUSTERDOWN Hash slot not served" (and with full coverage required, the whole cluster is down). ' +
        'Usually the cluster was built by hand and ADDSLOTS missed these ranges, or their owner was removed with CLUSTER FORGET or DELSLOTS. ' +
        `Assigning them to a master is safe unless a stopped node that used to own them can still come back.${unverified}`,
      nodes: [],
      slots: formatRanges(slots),
      actions: [fixCoverageUnassigned(slots)],
    },
  ];
}

/** Slots without an owner in a paste that is provably missing lines: not evidence of unassigned slots. */
function cutPaste(text: string, slots: SlotRange[], reasons: string[]): RootCause {
  return {
    code: 'undetermined',
    summary: `${text} have no owner in this paste, but the paste is missing lines: the owner is probably among them.`,
    explanation:
      `No line of the paste assigns ${text} to a node, but ${reasons.join('; ')}. ` +
      'A cut or filtered CLUSTER NODES loses exactly the lines that own slots, so this is no evidence that the slots are unassigned. ' +
      'Paste the whole CLUSTER NODES and CLUSTER INFO of one node (attach it as a file if it is long), or run a live diagnosis. ' +
      'Do not assign these slots on the strength of this paste: if their owner exists, that would give them a second owner.',
    nodes: [],
    slots: formatRanges(slots),
    actions: [],
  };
}

export const slotsNeverAssigned: RootCauseDetector = {
  code: 'slots-never-assigned',
  rank: 50,
  explains: ['SLOTS_UNASSIGNED', 'CLUSTER_STATE_FAIL', 'FULL_COVERAGE_REQUIRED', 'PARTIAL_COVERAGE'],
  detect,
};
