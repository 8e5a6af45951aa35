/**
 * failover-completed: a master died, a replica was promoted and serves its slots. The cluster healed
 * itself; what is left is lost redundancy and a dead node to bring back.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { formatRanges } from '../../cluster/slots.ts';
import { isDown } from '../context.ts';
import { plural, shortRanges } from '../finding.ts';
import { isHealthyReplica } from '../replication-info.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import { addReplica, forgetNode, restartNode } from './actions.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

/** True when INFO replication shows the node took over a replication history (PSYNC2 keeps the old replid). */
export function wasPromoted(n: ModelNode): boolean {
  const f = n.observation?.replication;
  return !!f && f.role === 'master' && f.second_repl_offset !== undefined && f.second_repl_offset !== '-1';
}

/** True when the diagnosis found `o` refusing writes (min-replicas-to-write not met). */
function refusing(ctx: CauseContext, o: ModelNode): boolean {
  return ctx.findings.some((f) => f.code === 'MASTER_REFUSES_WRITES' && f.nodes.includes(o.label));
}

function lonely(ctx: CauseContext, o: ModelNode): boolean {
  return !o.replicas.some((r) => isHealthyReplica(ctx.model.byId.get(r)!, o));
}

/**
 * The owners that may have replaced a failed master, most likely first: healthy owners with a known epoch
 * that show a sign of a recent promotion (replid2 in INFO replication, no replica of their own, or the
 * newest epoch). Ranked once per model, not once per failed master.
 */
function candidates(ctx: CauseContext): ModelNode[] {
  const maxEpoch = ctx.facts.owners.reduce((m, o) => Math.max(m, o.configEpoch), 0);
  const score = (o: ModelNode) =>
    (wasPromoted(o) ? 4 : 0) + (lonely(ctx, o) ? 2 : 0) + (o.configEpoch === maxEpoch ? 1 : 0);
  return ctx.facts.owners
    .filter((o) => !isDown(o) && o.epochKnown)
    .map((o) => ({ o, s: score(o) }))
    .filter((x) => x.s > 0)
    .sort((a, b) => b.s - a.s || b.o.configEpoch - a.o.configEpoch)
    .map((x) => x.o);
}

/** The most likely replacement of `old` not yet taken: the first ranked candidate with a newer epoch. */
function successor(ranked: readonly ModelNode[], old: ModelNode, taken: Set<string>): ModelNode | undefined {
  return ranked.find((o) => o.configEpoch > old.configEpoch && !taken.has(o.id));
}

function detect(ctx: CauseContext): RootCause[] {
  const out: RootCause[] = [];
  const taken = new Set<string>();
  const olds = ctx.model.nodes
    .filter((n) => n.role === 'master' && n.slotCount === 0 && n.epochKnown && isDown(n))
    .filter((n) => !n.replicas.some((r) => !isDown(ctx.model.byId.get(r)!)))
    .sort((a, b) => b.configEpoch - a.configEpoch);
  const ranked = olds.length > 0 ? candidates(ctx) : [];
  for (const old of olds) {
    const next = successor(ranked, old, taken);
    if (!next) continue;
    taken.add(next.id);
    const nextLonely = lonely(ctx, next);
    const actions: RecommendedAction[] = [
      restartNode(
        ctx.model,
        old,
        `Start it again: it finds ${next.label} owning its former slots with a higher epoch, turns itself into a replica of it and resyncs, which restores redundancy. Its old data is discarded; ${next.label} has the current data.`,
      ),
    ];
    if (nextLonely) actions.push(addReplica(next));
    actions.push(forgetNode(old));
    out.push({
      code: 'failover-completed',
      summary: `Failover completed: ${old.label} is down and ${next.label} now serves its slots${nextLonely ? ', without a replica' : ''}.`,
      explanation:
        `${old.label} is a master with no slots left that ${old.health === 'fail' ? 'is flagged fail' : 'does not answer'}, and ${next.label} owns ${plural(next.slotCount, 'slot')} (${shortRanges(next.slots)}) ` +
        `with a newer configEpoch (${next.configEpoch} > ${old.configEpoch})${wasPromoted(next) ? ' and its INFO replication shows a promotion (second_repl_offset set)' : ''}: the pattern a completed failover leaves behind. Every slot of that shard is served, so ${refusing(ctx, next) ? `reads work, but ${next.label} refuses writes (its min-replicas-to-write is not met: see writes-refused)` : 'clients are fine'}${nextLonely ? `, ${refusing(ctx, next) ? 'and' : 'but'} ${next.label} has no healthy replica: one more failure takes its slots down` : ''}.`,
      nodes: [old.label, next.label],
      slots: formatRanges(next.slots),
      actions,
    });
  }
  return out;
}

export const failoverCompleted: RootCauseDetector = {
  code: 'failover-completed',
  rank: 70,
  explains: ['NODE_FAIL', 'NODE_PFAIL', 'NODE_UNREACHABLE', 'MASTER_WITHOUT_REPLICA', 'CONFIG_DISAGREEMENT'],
  detect,
};
