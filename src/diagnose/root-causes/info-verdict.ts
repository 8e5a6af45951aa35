/**
 * A first verdict from CLUSTER INFO alone (and pasted CLUSTERDOWN replies): a node that knows only itself,
 * slots without an owner, a failed owner with or without replicas in the cluster, or healthy as far as
 * one node can tell. Every cause is hedged as one node's view and carries no action: which slots and
 * which nodes is not in CLUSTER INFO, so nothing can be planned until CLUSTER NODES is pasted.
 */
import { plural } from '../finding.ts';
import { type InfoView, infoOnly, infoViews, knowsOnlyItself, noReplicas, repliesOf } from '../info-only.ts';
import type { RootCause } from '../types.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

const NEXT =
  'Paste CLUSTER NODES from the same node (better: from every node) to see which slots and nodes these counts are about before acting.';

function cause(code: RootCause['code'], summary: string, explanation: string): RootCause {
  return { code, summary, explanation: `${explanation} ${NEXT}`, nodes: [], slots: '', actions: [] };
}

function failedOwner(v: InfoView): RootCause {
  if (noReplicas(v))
    return cause(
      'master-failed-no-replica',
      `A master without a replica failed, as seen from ${v.who}: ${plural(v.fail, 'slot')} ${v.fail === 1 ? 'is' : 'are'} owned by a node flagged fail and no node in the cluster is a replica.`,
      `${v.who} counts cluster_slots_fail:${v.fail}, and all ${v.known} nodes it knows are slot-owning masters (cluster_known_nodes:${v.known}, cluster_size:${v.size}), so no replica exists to take over: the slots stay down until that master is restarted with its data. The flag fail takes the agreement of a majority of masters, so the masters that flagged it are up.`,
    );
  return cause(
    'undetermined',
    `A slot owner is flagged fail, as seen from ${v.who} (cluster_slots_fail:${v.fail}), and no replica has taken its slots over yet.`,
    `The cluster knows ${v.known ?? 'an unknown number of'} nodes for ${v.size ?? 'an unknown number of'} slot-owning masters, so replicas exist, but CLUSTER INFO does not say whose: a failover may be under way, or the failed master's replica may be missing, down or unable to win an election.`,
  );
}

function verdict(ctx: CauseContext): RootCause[] {
  const views = infoViews(ctx.snapshot);
  const lone = views.find(knowsOnlyItself);
  if (lone)
    return [
      cause(
        'cluster-config-lost',
        `${lone.who} knows only itself (cluster_known_nodes:1): it was never joined, or it lost its cluster config (not proven from CLUSTER INFO; do not assign slots to it).`,
        `A node that lost nodes.conf restarts as an empty master knowing no peer, exactly like one never joined. Check where the rest of the cluster is, and whether this node should be part of it, before any slot is assigned to it.`,
      ),
    ];
  const unassigned = views.find((v) => v.assigned !== null && v.assigned < 16384);
  const failed = views.find((v) => v.fail > 0);
  const out: RootCause[] = [];
  if (unassigned && unassigned.assigned !== null)
    out.push(
      cause(
        'slots-never-assigned',
        `${plural(16384 - unassigned.assigned, 'slot')} ${16384 - unassigned.assigned === 1 ? 'has' : 'have'} no owner in ${unassigned.who}'s view (cluster_slots_assigned:${unassigned.assigned}).`,
        `In ${unassigned.who}'s view those slots are assigned to no node, so their keys get "CLUSTERDOWN Hash slot not served" (and with full coverage required, every query fails). Usually the cluster was built by hand and ADDSLOTS missed a range, or an owner was forgotten. This is one node's view: the others may know an owner it does not.`,
      ),
    );
  if (failed) out.push(failedOwner(failed));
  if (out.length > 0) return out;
  const empty = repliesOf(ctx.snapshot, 'empty-slots')[0] ?? repliesOf(ctx.snapshot, 'slot-not-served')[0];
  if (empty)
    return [
      cause(
        'slots-never-assigned',
        `A pasted reply shows slots with no owner (line ${empty.line}: ${empty.text}).`,
        'The node that answered has no owner for the slot asked (or for any slot, when CLUSTER SLOTS is empty) in its view.',
      ),
    ];
  const failing = views.filter((v) => v.state === 'fail');
  const down = repliesOf(ctx.snapshot, 'cluster-down')[0];
  if (failing.length > 0 || down) {
    const v = failing[0];
    const why = v
      ? v.pfail > 0
        ? `${v.who} says cluster_state:fail with every slot assigned and none failed, but ${plural(v.pfail, 'slot')} owned by a node it suspects (cluster_slots_pfail:${v.pfail}): a master is unreachable from it, and either too few masters remain for a majority, or it is on the minority side of a partition.`
        : `${v.who} says cluster_state:fail with every slot assigned and none failed: it is on the minority side of a partition, lost the majority of masters, or its state has not caught up yet.`
      : `A pasted reply says the cluster is down (line ${down?.line}: ${down?.text}).`;
    return [
      cause(
        'undetermined',
        'The cluster reports itself down, and CLUSTER INFO alone does not show why.',
        why,
      ),
    ];
  }
  const ok = views.filter((v) => v.state === 'ok' && v.assigned === 16384 && v.fail === 0 && v.pfail === 0);
  if (ok.length > 0 && ok.length === views.length) {
    const risk = ok.some(noReplicas) ? ' No master has a replica (see the warning).' : '';
    return [
      {
        code: 'healthy',
        summary: `Healthy as seen from ${ok.length === 1 ? ok[0]!.who : `${ok.length} nodes`}: cluster_state:ok, all 16384 slots assigned, none failing.`,
        explanation: `CLUSTER INFO counts every slot assigned and served by owners it does not suspect.${risk} This is one node's view of the cluster: a replica that died, or a node the others cannot reach, does not show in these counts. ${NEXT}`,
        nodes: [],
        slots: '',
        actions: [],
      },
    ];
  }
  return [];
}

export const infoVerdict: RootCauseDetector = {
  code: 'undetermined',
  rank: 60,
  explains: [
    'SLOTS_UNASSIGNED',
    'SLOTS_OWNER_DOWN',
    'CONFIG_LOST',
    'CLUSTER_STATE_FAIL',
    'FULL_COVERAGE_REQUIRED',
    'MASTER_WITHOUT_REPLICA',
  ],
  detect: (ctx) => (infoOnly(ctx.snapshot) ? verdict(ctx) : []),
};
