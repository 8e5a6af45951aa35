/** How much of the cluster a diagnosis saw, and what state it is in as far as anyone reported. */
import type { ClusterModel } from '../cluster/model-types.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import type { EffectiveConfig, Facts } from './context.ts';
import { plural } from './finding.ts';
import type { Diagnosis, Visibility } from './types.ts';

/** Counts known/seen nodes and writes the one-sentence summary. */
export function computeVisibility(snapshot: ClusterSnapshot, model: ClusterModel): Visibility {
  // A failed probe of an address some known node left is not another node.
  const left = new Set(model.nodes.flatMap((n) => n.addressesSeen));
  const orphanAddresses = new Set(
    model.orphanObservations.filter((o) => o.error && !left.has(o.address)).map((o) => o.address),
  );
  const nodesKnown = model.nodes.length + orphanAddresses.size;
  const nodesSeen = model.selfSeenCount;
  const nodesAtLeast = Math.max(model.knownNodesReported, nodesKnown);
  const full = model.views.filter((v) => v.source !== 'check').length;
  let summary: string;
  if (nodesKnown === 0) summary = 'No cluster node was visible.';
  else if (snapshot.source === 'live') {
    const failed = snapshot.observations.filter((o) => o.error).length;
    summary = `${nodesSeen} of ${plural(nodesAtLeast, 'node')} answered with their own view${failed > 0 ? `; ${failed} could not be probed` : ''}.`;
  } else if (full === 0) {
    summary = `redis-cli check output only: ${plural(nodesKnown, 'node')} listed; failed or unreachable nodes are not shown.`;
  } else if (nodesAtLeast > nodesKnown) {
    summary = `${nodesKnown} of at least ${nodesAtLeast} nodes visible; the paste looks truncated.`;
  } else {
    summary = `${nodesSeen} of ${nodesKnown} nodes' own views pasted; ${plural(nodesKnown, 'node')} known.`;
  }
  return { nodesKnown, nodesSeen, nodesAtLeast, summary };
}

/** cluster_state as reported (any 'fail' wins), else derived from the views, else unknown. */
export function computeState(
  snapshot: ClusterSnapshot,
  model: ClusterModel,
  facts: Facts,
  config: EffectiveConfig,
  warn: (text: string) => void,
): Diagnosis['state'] {
  const states = snapshot.observations.flatMap((o) =>
    o.clusterInfo?.cluster_state ? [o.clusterInfo.cluster_state] : [],
  );
  if (states.includes('fail')) return 'fail';
  if (states.includes('ok')) return 'ok';
  if (!model.hasFullView || model.nodes.length === 0) return 'unknown';
  const failedOwner = facts.downOwners.some((n) => n.health === 'fail');
  const down =
    facts.quorum.lost || (config.requireFullCoverage.value && (facts.unassigned.length > 0 || failedOwner));
  warn(
    `No CLUSTER INFO was available, so cluster_state (${down ? 'fail' : 'ok'}) was derived from CLUSTER NODES the way Redis computes it.`,
  );
  return down ? 'fail' : 'ok';
}
