/**
 * fix-coverage and slots whose owner is failed or unreachable but still owns them in the cluster's view:
 * when that owner returns it sees a newer owner and deletes its keys, so by default this is refused with
 * safer alternatives (promote its replica, restart it); only discard-dead-owner-data proceeds, and then the
 * risks say what is lost, with the numbers. Pure.
 */

import type { ModelNode } from '../../cluster/model-types.ts';
import { slotsToRanges } from '../../cluster/slots.ts';
import { naturalCompare } from '../../cluster/util.ts';
import { isDown } from '../../diagnose/context.ts';
import { restartOutcome } from '../../diagnose/persistence.ts';
import type { RecommendedAction } from '../../diagnose/types.ts';
import type { PlanInput, Risk } from '../types.ts';
import { type CoverageScope, holdersText, keysByHolder } from './coverage-scope.ts';
import { rangesText } from './slot-steps.ts';

/** One failed owner and the slots of the scope it still owns. */
export interface DeadOwner {
  node: ModelNode;
  slots: number[];
}

/** The failed owners of the scope, by address. */
export function deadOwners(input: PlanInput, c: CoverageScope): DeadOwner[] {
  return [...c.dead]
    .map(([id, slots]) => ({ node: input.model.byId.get(id)!, slots }))
    .filter((d) => d.node !== undefined)
    .sort((a, b) => naturalCompare(a.node.label, b.node.label));
}

/** Replicas of `n` that are up (they hold its data as of their last sync). */
export function liveReplicas(input: PlanInput, n: ModelNode): ModelNode[] {
  return n.replicas.flatMap((id) => {
    const r = input.model.byId.get(id);
    return r && !isDown(r) ? [r] : [];
  });
}

/** How a failed owner looks: flags and what the probe got. */
function downText(n: ModelNode): string {
  const parts: string[] = [];
  if (n.failBy.length > 0) parts.push(`flagged fail by ${n.failBy.length} node(s)`);
  else if (n.pfailBy.length > 0) parts.push(`flagged fail? by ${n.pfailBy.length} node(s)`);
  if (n.probeError) parts.push(`our probe: ${n.probeError.kind}`);
  return parts.join(', ') || 'down';
}

/** Why the dead owner's slots are refused, with the numbers. */
export function deadReasons(c: CoverageScope, dead: readonly DeadOwner[]): string[] {
  return dead.map((d) => {
    const counted = keysByHolder(c, d.slots);
    return (
      `slots ${rangesText(slotsToRanges(d.slots))} still belong to ${d.node.label} (${downText(d.node)}) in the cluster's view; ` +
      `its own keys in them could not be counted (it does not answer)${counted.size > 0 ? `; keys counted on nodes that answer: ${holdersText(counted)}` : ''}. ` +
      `Assigning them elsewhere makes ${d.node.label} delete those keys when it returns`
    );
  });
}

/** Safer actions for each failed owner: promote a replica, restart it; last, discard its data by name. */
export function deadAlternatives(input: PlanInput, dead: readonly DeadOwner[]): RecommendedAction[] {
  const out: RecommendedAction[] = [];
  for (const d of dead) {
    const slots = rangesText(slotsToRanges(d.slots));
    const replica = liveReplicas(input, d.node)[0];
    if (replica) {
      out.push({
        action: 'failover-force',
        target: `${replica.label} -> takes over from ${d.node.label}`,
        why: `${replica.label} replicates ${d.node.label} and holds its data up to its last sync: promoting it serves ${slots} again without discarding anything.`,
        params: { node: replica.label },
      });
    }
    out.push({
      action: 'restart-node',
      target: d.node.label,
      why: `Start ${d.node.label} again with its data directory intact: ${restartOutcome(input.model, d.node)}`,
      params: { node: d.node.label },
    });
    if (!replica) {
      out.push({
        action: 'fix-coverage',
        target: `${slots} of ${d.node.label} -> healthy masters, empty`,
        why: `Only once ${d.node.label} and its data are lost for good (replace it): reassigns its slots empty, losing every key in them, and ${d.node.label} deletes its keys there if it ever returns. Then forget-node it.`,
        params: {
          slotRanges: slotsToRanges(d.slots)
            .map((r) => (r.start === r.end ? `${r.start}` : `${r.start}-${r.end}`))
            .join(','),
          allow: ['discard-dead-owner-data'],
        },
      });
    }
  }
  return out;
}

/** The data-loss risks of taking the failed owners' slots over, with the numbers. */
export function deadRisks(c: CoverageScope, dead: readonly DeadOwner[], heir: string): Risk[] {
  return dead.map((d) => {
    const counted = keysByHolder(c, d.slots);
    const left = d.node.slotCount - d.slots.length;
    return {
      kind: 'data-loss',
      text:
        `discard-dead-owner-data: ${rangesText(slotsToRanges(d.slots))} are taken from ${d.node.label} (${downText(d.node)}) and come back EMPTY: every key ${d.node.label} held in them is lost ` +
        `(their number is unknown: it does not answer, so they could not be counted; ${counted.size > 0 ? `counted on nodes that answer: ${holdersText(counted)}` : 'no node that answers holds keys in them'}). ` +
        `If ${d.node.label} ever returns, it sees owners with a higher epoch and deletes its keys in these slots` +
        (left > 0
          ? ` (it keeps its other ${left} slots).`
          : `; owning no slot any more, it turns into a replica of ${heir} and resyncs, losing all its data.`),
    };
  });
}
