/** QUORUM_LOST: fewer than size/2+1 slot-owning masters reachable (Redis's own clusterUpdateState test). */
import type { ModelNode } from '../../cluster/model-types.ts';
import { isDown, type RuleContext } from '../context.ts';
import { finding, lineEvidence, listLabels } from '../finding.ts';
import type { Finding } from '../types.ts';

/**
 * Masters (with or without slots) that are up: each can file a failure report, and a node is marked fail
 * once reports (plus the marking master itself) reach the quorum size/2+1, even when quorum is lost.
 */
export function mastersUp(ctx: RuleContext): ModelNode[] {
  return ctx.model.nodes.filter((n) => n.role === 'master' && !isDown(n));
}

/** What the lost quorum still allows and what it blocks, in one or two sentences. */
export function quorumConsequence(ctx: RuleContext): string {
  const q = ctx.facts.quorum;
  const up = mastersUp(ctx);
  const marking =
    up.length >= q.needed
      ? `The ${up.length === 1 ? 'master that is up' : `${up.length} masters that are up`} can still mark a down node fail (a failure report from any master counts, and ${q.needed} ${q.needed === 1 ? 'is' : 'are'} enough), but `
      : `Too few masters are up to mark a node fail (${q.needed} failure ${q.needed === 1 ? 'report is' : 'reports are'} needed, ${up.length} ${up.length === 1 ? 'master is' : 'masters are'} up), and `;
  const electing =
    q.size === 1
      ? 'no replica can be elected: only masters that own slots vote, and the only one is down'
      : 'no replica can be elected without the votes of a majority of slot owners';
  return `${marking}${electing}. The nodes refuse queries with CLUSTERDOWN.`;
}

/** Raises QUORUM_LOST when the reachable slot-owning masters are not a majority of them. */
export function quorumRule(ctx: RuleContext): Finding[] {
  const q = ctx.facts.quorum;
  if (!q.lost) return [];
  const fullViews = ctx.model.views.filter((v) => v.source !== 'check');
  const seenFrom =
    fullViews.length === 1 ? ` as seen from ${fullViews[0]!.observer} (the only view we have)` : '';
  const evidence = [
    `cluster size ${q.size} (masters owning slots), majority ${q.needed}, reachable ${q.reachable.length}: ${listLabels(q.reachable.map((n) => n.label)) || 'none'}`,
  ];
  for (const n of q.down) {
    evidence.push(...lineEvidence(n.flaggedLines.filter((l) => /\bfail\??/.test(l.raw)).slice(0, 2)));
    if (n.probeError) evidence.push(`${n.label}: ${n.probeError.kind}: ${n.probeError.message}`);
  }
  return [
    finding(
      'QUORUM_LOST',
      'critical',
      (q.size === 1
        ? `The only slot-owning master${q.down[0] ? ` (${q.down[0].label})` : ''} is down${seenFrom}: a majority of 1 of 1 is needed and none is reachable. `
        : `Only ${q.reachable.length} of ${q.size} slot-owning masters ${q.reachable.length === 1 ? 'is' : 'are'} reachable${seenFrom}; a majority of ${q.needed} is needed. `) +
        quorumConsequence(ctx),
      q.down.map((n) => n.label),
      q.down.flatMap((n) => n.slots),
      evidence,
    ),
  ];
}
