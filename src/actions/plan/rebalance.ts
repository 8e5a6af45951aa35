/**
 * rebalance: moves slots so every master owns its share, computed like redis-cli --cluster rebalance
 * (weights, empty masters only when asked, the 2% threshold by default), each move in contiguous ranges
 * and run as a move-slots step. "No rebalancing needed" is a refusal with ACTION_NOT_NEEDED: nothing to
 * approve. Only on a healthy cluster. Pure; never throws.
 */
import { rebalanceMoves } from '../../cluster/slot-rebalance.ts';
import { countSlots, formatRanges, normalizeRanges } from '../../cluster/slots.ts';
import type { ActionModule, Plan, PlanInput, PlanStep, Refusal } from '../types.ts';
import { findNode, frame, refuse } from './common.ts';
import { receiverChecks } from './receivers.ts';
import { refuseUnhealthy } from './reshard.ts';
import { healthyMasters, holderOf, moveStep, rangesText, settleStep } from './slot-steps.ts';

const NAME = 'rebalance';

function plan(input: PlanInput): Plan | Refusal {
  const sick = refuseUnhealthy(input, NAME);
  if (sick) return sick;
  const masters = healthyMasters(input);
  const weights = new Map<string, number>();
  for (const [name, w] of Object.entries(input.params.weights ?? {})) {
    const found = findNode(input, name);
    if ('error' in found)
      return refuse(
        input,
        NAME,
        'ACTION_BAD_PARAMS',
        [`--weight ${name}=${w}: ${found.error}`],
        'Name masters by ip:port or id prefix.',
      );
    if (!masters.some((m) => m.id === found.node.id))
      return refuse(
        input,
        NAME,
        'ACTION_BAD_PARAMS',
        [`--weight ${name}: ${found.node.label} is not a healthy master`],
        'Weights apply to masters.',
      );
    if (!Number.isFinite(w) || w < 0)
      return refuse(
        input,
        NAME,
        'ACTION_BAD_PARAMS',
        [`--weight ${name}=${w}: a weight is a number >= 0`],
        '0 drains a master; 1 is the default.',
      );
    weights.set(found.node.id, w);
  }
  const threshold = input.params.threshold ?? 2;
  if (!Number.isFinite(threshold) || threshold < 0)
    return refuse(
      input,
      NAME,
      'ACTION_BAD_PARAMS',
      [`--threshold ${threshold} is not a percentage >= 0`],
      'The default is 2 (percent).',
    );
  const result = rebalanceMoves(
    masters.map((m) => ({ ...holderOf(m), ...(weights.has(m.id) ? { weight: weights.get(m.id)! } : {}) })),
    { threshold, useEmptyMasters: input.params.useEmptyMasters ?? false },
  );
  const label = (id: string) => input.model.byId.get(id)?.label ?? id;
  const shares = result.participants.map((p) => `${label(p.id)} ${p.slots}/${p.expected}`);
  if (!result.needed || result.moves.length === 0) {
    const empty = masters.filter((m) => m.slotCount === 0 && !weights.has(m.id));
    return refuse(
      input,
      NAME,
      'ACTION_NOT_NEEDED',
      [`every master is within ${threshold}% of its share (slots owned/expected: ${shares.join(', ')})`],
      empty.length > 0 && !input.params.useEmptyMasters
        ? `${empty.map((m) => m.label).join(', ')} own no slot and were left out: add --use-empty-masters to give them a share.`
        : 'Nothing to move.',
    );
  }
  const steps: PlanStep[] = result.moves.map((mv, i) => {
    const others = masters.filter((m) => m.id !== mv.from && m.id !== mv.to);
    return moveStep(
      input,
      `s${i + 1}`,
      input.model.byId.get(mv.from)!,
      input.model.byId.get(mv.to)!,
      mv.slots,
      others,
    );
  });
  const moved = normalizeRanges(result.moves.flatMap((m) => m.slots));
  steps.push(settleStep(input, `s${steps.length + 1}`, moved, masters[0]!));
  const total = countSlots(moved);
  return receiverChecks(
    input,
    frame(input, NAME, {
      summary: `Rebalance: move ${total} slots in ${result.moves.length} move${result.moves.length === 1 ? '' : 's'} (${result.moves.map((m) => `${countSlots(m.slots)} ${label(m.from)} -> ${label(m.to)}`).join(', ')})`,
      steps,
      preconditions: [
        'the masters still own what they own now; no slot is open or unassigned, every master answers',
      ],
      risks: [
        {
          kind: 'none',
          text: `${total} slots move with their keys; MIGRATE runs without REPLACE, so a key on both sides stops the move and nothing is overwritten.`,
        },
        {
          kind: 'availability',
          text: 'While a slot moves, clients get ASK redirects for it and multi-key commands on split keys get TRYAGAIN.',
        },
      ],
      expected: [
        ...result.participants.map(
          (p) => `${label(p.id)} owns about ${p.expected} slots (weight ${p.weight}; ${p.slots} now)`,
        ),
        `every node agrees on the owners of ${formatRanges(moved).length > 80 ? rangesText(moved) : formatRanges(moved)} and none has them open`,
      ],
      fixes: [],
    }),
  );
}

/** rebalance: its planner and parameters. */
export const rebalanceAction: ActionModule = {
  name: NAME,
  description:
    'Move slots so each master owns its share (weights optional), like redis-cli --cluster rebalance but contiguous.',
  requires: [],
  accepts: ['weights', 'threshold', 'useEmptyMasters', 'allow'],
  plan,
};
