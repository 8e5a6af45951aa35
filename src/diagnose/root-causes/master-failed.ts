/** master-failed-no-replica: a slot owner is down and no replica is alive to take its slots. */
import type { ModelNode } from '../../cluster/model-types.ts';
import { formatRanges, rangesToBitmap } from '../../cluster/slots.ts';
import { isDown } from '../context.ts';
import { listLabels, plural, shortRanges } from '../finding.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import { fixCoverageOwnerGone, restartNode } from './actions.ts';
import { wasPromoted } from './failover-completed.ts';
import { type DownShard, downShards, OWNER_DOWN_CODES } from './shards.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

function how(n: ModelNode): string {
  if (n.health === 'fail') return `is flagged fail by ${listLabels(n.failBy)}`;
  if (n.health === 'pfail') return `is flagged fail? by ${listLabels(n.pfailBy)} (not yet confirmed as fail)`;
  return `does not answer (${n.probeError?.kind ?? 'no answer'})`;
}

/** An earlier failover this master came from: a slotless dead master with a lower epoch and no replicas. */
function predecessor(ctx: CauseContext, m: ModelNode): ModelNode | undefined {
  const maxEpoch = Math.max(...ctx.facts.owners.map((o) => o.configEpoch));
  if (!m.epochKnown || m.configEpoch < maxEpoch) return undefined;
  return ctx.model.nodes.find(
    (x) =>
      x.role === 'master' &&
      x.slotCount === 0 &&
      x.epochKnown &&
      isDown(x) &&
      x.configEpoch < m.configEpoch &&
      x.replicas.length === 0,
  );
}

function cause(ctx: CauseContext, s: DownShard): RootCause {
  const m = s.master;
  const full = ctx.config.requireFullCoverage;
  const refused = ctx.config.allowReadsWhenDown.value
    ? 'writes (reads of the slots still served keep working: cluster-allow-reads-when-down yes)'
    : 'queries';
  const impact = full.value
    ? `With cluster-require-full-coverage ${full.known ? 'yes' : 'yes (assumed default)'}, ${m.health === 'fail' ? `every node now refuses all ${refused}` : `every node will refuse all ${refused} as soon as it is confirmed as fail`}, not only those for its slots.`
    : 'Full coverage is not required, so only keys in its slots fail; the rest of the cluster keeps serving.';
  const replicaText =
    s.replicas.length === 0
      ? 'It has no replica, so nothing can take its slots over.'
      : `Its ${plural(s.replicas.length, 'replica')} (${listLabels(s.replicas.map((r) => r.label))}) ${s.replicas.length === 1 ? 'is' : 'are'} down as well, so nothing can take its slots over.`;
  const pred = predecessor(ctx, m);
  const history = pred
    ? ` It had itself taken over from ${pred.label} (also down, now slotless) in an earlier failover, which left it without a replica.`
    : '';
  const actions: RecommendedAction[] = [restartNode(ctx.model, m)];
  for (const r of s.replicas) {
    actions.push(
      restartNode(
        ctx.model,
        r,
        `Bring the replica back too: if ${m.label} cannot be restarted, a synced replica can then take over with CLUSTER FAILOVER FORCE instead of losing the slots.`,
      ),
    );
  }
  actions.push(fixCoverageOwnerGone(m, m.slots));
  return {
    code: 'master-failed-no-replica',
    summary: `Master ${m.label} is down with no replica to replace it: ${plural(m.slotCount, 'slot')} (${shortRanges(m.slots)}) are not served.`,
    explanation:
      `${m.label} owns ${plural(m.slotCount, 'slot')} (${shortRanges(m.slots)}) and ${how(m)}. ${replicaText}${history} ${impact} ` +
      'Restarting the same node with its data directory is the way back (see below for its keys); reassigning its slots elsewhere is a last resort that empties them.',
    nodes: [m.label, ...s.replicas.map((r) => r.label)],
    slots: formatRanges(m.slots),
    actions,
  };
}

/**
 * A live master that already claims some of `m`'s slots in its own view with a newer configEpoch and was
 * a replica until lately (a peer still lists it as one, or INFO replication shows a promotion): a replica
 * that just won the election while the other views still name `m`.
 */
function takingOver(ctx: CauseContext, m: ModelNode): ModelNode | undefined {
  const mine = rangesToBitmap(m.slots);
  return ctx.model.nodes.find(
    (n) =>
      n !== m &&
      n.selfSeen &&
      !isDown(n) &&
      n.role === 'master' &&
      (wasPromoted(n) || n.flags.includes('slave')) &&
      (!m.epochKnown || !n.epochKnown || n.configEpoch > m.configEpoch) &&
      (n.claimed ?? []).some((r) => mine.subarray(r.start, r.end + 1).includes(1)),
  );
}

function takeover(ctx: CauseContext, m: ModelNode, next: ModelNode): RootCause {
  return {
    code: 'failover-completed',
    summary: `Failover under way: ${next.label} already claims the slots of ${m.label}, which is down; the other nodes are catching up.`,
    explanation:
      `${m.label} owns ${plural(m.slotCount, 'slot')} (${shortRanges(m.slots)}) in most views and ${how(m)}, but ${next.label} answers as a master and claims ${shortRanges(next.claimed ?? [])} in its own view` +
      `${next.epochKnown && m.epochKnown ? ` with a newer configEpoch (${next.configEpoch} > ${m.configEpoch})` : ''}: a replica won the election and the news is still spreading by gossip, which takes about a second. ` +
      'Re-run the diagnosis in a few seconds: it should show a completed failover. Do not reassign these slots or force anything meanwhile; the data is on the new master.',
    nodes: [m.label, next.label],
    slots: formatRanges(m.slots),
    actions: [
      restartNode(
        ctx.model,
        m,
        `Once the failover has settled, start it again: it finds ${next.label} owning its former slots with a higher epoch and rejoins as its replica (its old data is discarded; ${next.label} has the current data).`,
      ),
    ],
  };
}

function detect(ctx: CauseContext): RootCause[] {
  return downShards(ctx.model, ctx.facts.downOwners)
    .filter((s) => s.alive.length === 0)
    .map((s) => {
      const next = takingOver(ctx, s.master);
      return next ? takeover(ctx, s.master, next) : cause(ctx, s);
    });
}

export const masterFailedNoReplica: RootCauseDetector = {
  code: 'master-failed-no-replica',
  rank: 30,
  explains: [...OWNER_DOWN_CODES, 'MASTER_WITHOUT_REPLICA'],
  detect,
};
