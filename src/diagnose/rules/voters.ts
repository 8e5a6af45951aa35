/**
 * NO_ELIGIBLE_VOTERS: only masters that own slots vote in failover elections. When slots sit on one or two
 * masters, losing one leaves no majority of voters, so its replica asks for votes forever ("Waiting for
 * votes, but majority still not reached") however healthy the other (empty) masters are.
 */
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import { isDown, type RuleContext } from '../context.ts';
import { describe, finding, listLabels, plural } from '../finding.ts';
import type { Finding } from '../types.ts';

export interface NoVoters {
  master: ModelNode;
  /** Live replicas that would take over if anyone could vote. */
  replicas: ModelNode[];
  /** Live masters that own no slots (they cannot vote). */
  empty: ModelNode[];
  size: number;
  needed: number;
  voters: ModelNode[];
}

const cache = new WeakMap<ClusterModel, NoVoters[]>();

/** Down slot owners whose live replicas can never win an election for lack of voting masters. */
export function analyzeVoters(ctx: RuleContext): NoVoters[] {
  const hit = cache.get(ctx.model);
  if (hit) return hit;
  const { size, needed, reachable, down } = ctx.facts.quorum;
  const out: NoVoters[] = [];
  // Only a structural shortage: one owner down in a cluster of at most two owners. More owners down at
  // once is a mass failure (quorum-lost), not a layout that can never fail over.
  if (!ctx.facts.partial && size >= 1 && size <= 2 && down.length === 1 && reachable.length < needed) {
    const master = down[0]!;
    const replicas = master.replicas.flatMap((id) => ctx.model.byId.get(id) ?? []).filter((r) => !isDown(r));
    if (replicas.length > 0) {
      const empty = ctx.model.nodes.filter((n) => n.role === 'master' && n.slotCount === 0 && !isDown(n));
      out.push({ master, replicas, empty, size, needed, voters: reachable });
    }
  }
  cache.set(ctx.model, out);
  return out;
}

function riskFinding(ctx: RuleContext): Finding[] {
  const { size, owners } = { size: ctx.facts.quorum.size, owners: ctx.facts.owners };
  // Only with a full view of a fully assigned cluster: check output or a cut paste hides owners.
  if (!ctx.model.hasFullView || ctx.facts.unassigned.length > 0 || ctx.facts.partial) return [];
  if (size < 1 || size > 2 || ctx.facts.downOwners.length > 0) return [];
  const guarded = owners.filter((m) => m.replicas.length > 0);
  if (guarded.length === 0) return [];
  return [
    finding(
      'NO_ELIGIBLE_VOTERS',
      'info',
      `Only ${plural(size, 'master owns', 'masters own')} slots, so if ${size === 1 ? 'it' : 'one'} fails no majority of voting masters is left and ${size === 1 ? 'its replica' : 'their replicas'} (${listLabels(guarded.map((m) => m.label))}) cannot be elected: a self-managed cluster needs slots on at least three masters for automatic failover.`,
      owners.map((m) => m.label),
      '',
      [
        `slot-owning masters: ${listLabels(owners.map((m) => m.label))} (cluster_size ${size}); masters owning no slots do not vote`,
      ],
    ),
  ];
}

/** NO_ELIGIBLE_VOTERS rule family: the blocked election now, or the risk of one (info). */
export function votersRule(ctx: RuleContext): Finding[] {
  const blocked = analyzeVoters(ctx);
  if (blocked.length === 0) return riskFinding(ctx);
  return blocked.map((b) => {
    const lines = b.master.flaggedLines.slice(0, 2).map((l) => `${l.observer}: ${l.raw}`);
    return finding(
      'NO_ELIGIBLE_VOTERS',
      'critical',
      `${describe(b.master)} is down and ${listLabels(b.replicas.map((r) => r.label))} cannot be elected: only masters owning slots vote, ` +
        `${b.size === 1 ? 'and it was the only one' : `and ${b.voters.length} of the ${b.size} slot owners is left, short of the ${b.needed} votes needed`}` +
        `${b.empty.length > 0 ? ` (${listLabels(b.empty.map((m) => m.label))} ${b.empty.length === 1 ? 'is a master' : 'are masters'} but ${b.empty.length === 1 ? 'owns' : 'own'} no slots, so ${b.empty.length === 1 ? 'it does' : 'they do'} not vote)` : ''}. ` +
        'The replica retries the election forever ("Waiting for votes, but majority still not reached").',
      [b.master.label, ...b.replicas.map((r) => r.label), ...b.empty.map((m) => m.label)],
      b.master.slots,
      [
        `cluster_size ${b.size} (masters owning slots), votes needed ${b.needed}, voters reachable ${b.voters.length}${b.voters.length ? `: ${listLabels(b.voters.map((v) => v.label))}` : ''}`,
        ...lines,
      ],
    );
  });
}
