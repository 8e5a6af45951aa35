/** quorum-lost: too few slot-owning masters are reachable for the cluster to decide anything. */
import { formatRanges } from '../../cluster/slots.ts';
import { isLoading } from '../context.ts';
import { listLabels } from '../finding.ts';
import { restartOutcome } from '../persistence.ts';
import { replicaUnfitReason } from '../replication-info.ts';
import { mastersUp } from '../rules/quorum.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import { failoverTakeover, restartNode } from './actions.ts';
import { answeredLive, downShards, OWNER_DOWN_CODES, votingMajorityReachable } from './shards.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

function detect(ctx: CauseContext): RootCause[] {
  const q = ctx.facts.quorum;
  if (!q.lost) return [];
  const full = ctx.model.views.filter((v) => v.source !== 'check');
  const shards = downShards(ctx.model, q.down);
  // A master loading its dataset is coming back: restarting it would start the load over.
  const dead = shards.filter((s) => !answeredLive(s.master) && !isLoading(s.master));
  const loading = shards.filter((s) => isLoading(s.master)).map((s) => s.master.label);
  const answering = shards.filter((s) => answeredLive(s.master));
  const actions: RecommendedAction[] = dead.map((s) =>
    restartNode(
      ctx.model,
      s.master,
      `Start it again with its data directory intact: ${restartOutcome(ctx.model, s.master)} Once ${q.needed} slot-owning masters answer, the cluster can decide again (mark failures, elect replicas, serve).`,
    ),
  );
  // TAKEOVER skips the vote: only when no majority of voting masters can be reached at all.
  for (const s of votingMajorityReachable(ctx) ? [] : dead) {
    const r = s.alive.find((x) => replicaUnfitReason(x, s.master) === null);
    if (r) actions.push(failoverTakeover(r, s.master));
  }
  const single =
    full.length === 1
      ? ` This comes from ${full[0]!.observer}'s view alone: it cannot tell dead masters from ${full[0]!.observer} being cut off from them, so check whether those processes are running before acting.`
      : '';
  const netNote =
    answering.length > 0
      ? ` ${listLabels(answering.map((s) => s.master.label))} answered redis-runbook directly, so they are running but cut off from their peers: look at the network and the cluster bus ports, do not restart them.`
      : '';
  const loadNote =
    loading.length > 0
      ? ` ${listLabels(loading)} ${loading.length === 1 ? 'is' : 'are'} loading ${loading.length === 1 ? 'its' : 'their'} dataset and will count again once loaded: wait for ${loading.length === 1 ? 'it' : 'them'}, do not restart ${loading.length === 1 ? 'it' : 'them'}.`
      : '';
  const n = q.down.length;
  // Marking fail takes size/2+1 failure reports from any masters (slot-less ones count), not slot owners.
  const canMark = mastersUp(ctx).length >= q.needed;
  const anyFail = q.down.some((m) => m.health === 'fail');
  const stuck =
    !anyFail && !canMark
      ? 'the down masters stay in fail? (too few masters are up to confirm them as fail) and their replicas never start an election'
      : `their replicas ${anyFail ? 'may start elections but never win them' : 'never win an election'}`;
  return [
    {
      code: 'quorum-lost',
      summary: `Quorum lost: ${n} of ${q.size} slot-owning masters are down (${listLabels(q.down.map((m) => m.label))}); the cluster cannot recover on its own.`,
      explanation:
        `Redis Cluster needs the votes of a majority of the masters that own slots (${q.needed} of ${q.size}) to elect a replica, ` +
        `and a node that sees fewer than ${q.needed} of them reachable sets cluster_state:fail. Only ${q.reachable.length} ${q.reachable.length === 1 ? 'is' : 'are'} reachable, ` +
        `so ${stuck}; clients get CLUSTERDOWN. ` +
        "CLUSTER FAILOVER FORCE cannot help either: it still needs the majority's votes. Bringing the down masters back is the fix; " +
        `if one cannot come back, a synced replica can take over with CLUSTER FAILOVER TAKEOVER (no votes), and once a majority answers again the remaining shards fail over normally.${loadNote}${netNote}${single}`,
      nodes: q.down.map((m) => m.label),
      slots: formatRanges(q.down.flatMap((m) => m.slots)),
      actions,
    },
  ];
}

export const quorumLost: RootCauseDetector = {
  code: 'quorum-lost',
  rank: 20,
  explains: [
    'QUORUM_LOST',
    ...OWNER_DOWN_CODES,
    'REPLICA_NOT_SYNCED',
    'MASTER_WITHOUT_REPLICA',
    'VIEWS_DIFFER',
  ],
  supersedes: ['master-failed-no-replica', 'failover-blocked'],
  detect,
};
