/**
 * reshard (`--from <addr|id> --to <addr|id> --slots N`): moves N slots with their keys from one master to
 * another, the slots chosen contiguous (the lowest first, like redis-cli, unless a range touching the
 * target's keeps both sides whole). Like redis-cli, only on a healthy cluster: no open or unassigned slot,
 * no master down, every view agreeing. Pure; never throws.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { reshardTable } from '../../cluster/slot-spread.ts';
import {
  countSlots,
  formatRanges,
  normalizeRanges,
  SLOT_COUNT,
  subtractRanges,
} from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import { isDown } from '../../diagnose/context.ts';
import type { ActionModule, ActionName, Plan, PlanInput, Refusal, Risk } from '../types.ts';
import { findNode, frame, refuse } from './common.ts';
import { receiverChecks } from './receivers.ts';
import { healthyMasters, holderOf, isHealthyMaster, moveStep, rangesText, settleStep } from './slot-steps.ts';

/** Why the cluster is not healthy enough to move slots around, in words with numbers; [] when it is. */
export function unhealthy(input: PlanInput): string[] {
  const m = input.model;
  const out: string[] = [];
  const open = [...new Set(m.openSlots.map((o) => o.slot))];
  if (open.length > 0)
    out.push(
      `${open.length} slot(s) are open (${formatRanges(open.map((s) => ({ start: s, end: s })))}): plan fix-open-slot first`,
    );
  let unassigned = 0;
  for (let s = 0; s < SLOT_COUNT; s++) if ((m.slotOwner[s] ?? -1) < 0) unassigned++;
  if (unassigned > 0) out.push(`${unassigned} slot(s) have no owner: plan fix-coverage first`);
  const down = m.nodes.filter(
    (n) => n.role === 'master' && (isDown(n) || n.probeError) && (n.slotCount > 0 || !isDown(n)),
  );
  if (down.length > 0) out.push(`master(s) ${down.map((n) => n.label).join(', ')} are down or do not answer`);
  const disputed = m.slotDisputed.reduce((a, b) => a + b, 0);
  if (disputed > 0 || m.multiOwned.length > 0)
    out.push(
      `the nodes disagree about the owners of ${disputed + m.multiOwned.length} slot(s): the cluster is in flux`,
    );
  const failing = input.snapshot.observations.filter((o) => o.clusterInfo?.cluster_state === 'fail');
  if (failing.length > 0 && out.length === 0)
    out.push(`${failing.map((o) => o.address).join(', ')} report cluster_state:fail`);
  return out;
}

/** The refusal for an unhealthy cluster, or null. */
export function refuseUnhealthy(input: PlanInput, action: ActionName): Refusal | null {
  const why = unhealthy(input);
  if (why.length === 0) return null;
  return refuse(
    input,
    action,
    'ACTION_REFUSED',
    why,
    'Moving slots on a cluster that is not healthy can strand keys: fix what the diagnosis reports first, then plan again.',
  );
}

/** The master a parameter names, or a refusal saying why it cannot take part. */
function masterParam(
  input: PlanInput,
  flag: '--from' | '--to',
  text: string | undefined,
): ModelNode | Refusal {
  const found = findNode(input, text ?? '');
  if ('error' in found)
    return refuse(
      input,
      'reshard',
      'ACTION_BAD_PARAMS',
      [`${flag}: ${found.error}`],
      'Name masters by ip:port or node id.',
    );
  const n = found.node;
  if (!isHealthyMaster(n)) {
    return refuse(
      input,
      'reshard',
      'ACTION_BAD_PARAMS',
      [
        `${flag} ${n.label} is ${n.role === 'master' ? 'a master that is not healthy' : `a ${n.role}, not a master`}`,
      ],
      'Slots move only between healthy masters.',
    );
  }
  return n;
}

/** What a move of `slots` from `from` to `to` risks, and what it ends in. */
export function moveFacts(
  from: ModelNode,
  to: ModelNode,
  slots: readonly SlotRange[],
): { risks: Risk[]; expected: string[] } {
  const n = countSlots(slots);
  const keys = from.observation?.dbsize;
  const estimate = keys !== undefined && from.slotCount > 0 ? Math.round((keys * n) / from.slotCount) : null;
  const after = (node: ModelNode, add: readonly SlotRange[], remove: readonly SlotRange[]) => {
    const r = subtractRanges(normalizeRanges([...node.slots, ...add]), remove);
    return `${node.label} owns ${countSlots(r)} slots in ${r.length} range${r.length === 1 ? '' : 's'} (${formatRanges(r) || 'none'})`;
  };
  return {
    risks: [
      {
        kind: 'none',
        text: `${n} slots move with their keys${estimate !== null ? `: about ${estimate} keys (${from.label} holds ${keys} keys over ${from.slotCount} slots)` : ''}; MIGRATE runs without REPLACE, so a key on both sides stops the move and nothing is overwritten.`,
      },
      {
        kind: 'availability',
        text: 'While a slot moves, clients get ASK redirects for it and multi-key commands on split keys get TRYAGAIN; a MIGRATE blocks the source for the batch it sends.',
      },
    ],
    expected: [after(from, [], slots), after(to, slots, [])],
  };
}

function plan(input: PlanInput): Plan | Refusal {
  const from = masterParam(input, '--from', input.params.from);
  if ('refused' in from) return from;
  const to = masterParam(input, '--to', input.params.to);
  if ('refused' in to) return to;
  if (from.id === to.id)
    return refuse(
      input,
      'reshard',
      'ACTION_BAD_PARAMS',
      ['--from and --to name the same master'],
      'Name two different masters.',
    );
  const n = input.params.slots;
  if (n === undefined || !Number.isInteger(n) || n < 1 || n > from.slotCount) {
    return refuse(
      input,
      'reshard',
      'ACTION_BAD_PARAMS',
      [`--slots must be a whole number from 1 to ${from.slotCount} (the slots ${from.label} owns); got ${n}`],
      `Give --slots between 1 and ${from.slotCount}.`,
    );
  }
  const sick = refuseUnhealthy(input, 'reshard');
  if (sick) return sick;
  const slots = reshardTable([holderOf(from)], holderOf(to), n)[0]!.slots;
  const others = healthyMasters(input).filter((m) => m.id !== from.id && m.id !== to.id);
  const facts = moveFacts(from, to, slots);
  return receiverChecks(
    input,
    frame(input, 'reshard', {
      summary: `Move ${rangesText(slots)} from ${from.label} to ${to.label}`,
      steps: [moveStep(input, 's1', from, to, slots, others), settleStep(input, 's2', slots, to)],
      preconditions: [
        `${from.label} still owns ${formatRanges(slots)}`,
        'no slot is open or unassigned, every master answers',
      ],
      risks: facts.risks,
      expected: [
        ...facts.expected,
        `every node agrees on the owners of ${formatRanges(slots)} and none has them open`,
      ],
      fixes: [],
    }),
  );
}

/** reshard: its planner and parameters. */
export const reshardAction: ActionModule = {
  name: 'reshard',
  description: 'Move N slots with their keys from one master to another (contiguous ranges).',
  requires: ['from', 'to', 'slots'],
  accepts: ['allow'],
  plan,
};
