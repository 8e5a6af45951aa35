/** How much of the cluster a diagnosis saw, and what state it is in as far as anyone reported. */
import type { ClusterModel } from '../cluster/model-types.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import type { EffectiveConfig, Facts } from './context.ts';
import { plural } from './finding.ts';
import { pasteGaps } from './paste-gaps.ts';
import type { Diagnosis, Visibility } from './types.ts';

/** Counts known/seen nodes and writes the one-sentence summary. */
export function computeVisibility(snapshot: ClusterSnapshot, model: ClusterModel): Visibility {
  // A failed probe of an address some known node left is not another node.
  const left = new Set(model.nodes.flatMap((n) => n.addressesSeen));
  const orphanAddresses = new Set(
    model.orphanObservations.filter((o) => o.error && !left.has(o.address)).map((o) => o.address),
  );
  // nodes only an isolated observer lists (its lost peers, by their old ids) are not members we know of
  const isolatedBy = new Set(model.views.filter((v) => v.isolated).map((v) => v.observer));
  const stale = model.nodes.filter(
    (n) => !n.selfSeen && n.seenBy.length > 0 && n.seenBy.every((o) => isolatedBy.has(o)),
  ).length;
  const nodesKnown = model.nodes.length - stale + orphanAddresses.size;
  const nodesSeen = model.selfSeenCount;
  // a filtered view's own node (the `redis-cli -h H` of its prompt) answered, even when its line was cut
  const labels = new Set(model.nodes.map((n) => n.label));
  const unlisted = model.views.filter(
    (v) =>
      v.source !== 'check' && v.observerId === null && /:\d+$/.test(v.observer) && !labels.has(v.observer),
  ).length;
  const nodesAtLeast = Math.max(model.knownNodesReported, nodesKnown + unlisted);
  const full = model.views.filter((v) => v.source !== 'check').length;
  let summary: string;
  const infoOnly = snapshot.observations.filter((o) => !o.nodes && (o.clusterInfo || o.replication)).length;
  if (nodesKnown === 0 && snapshot.source === 'paste' && infoOnly > 0)
    summary = `Only INFO output was pasted (${plural(infoOnly, 'node')}), no CLUSTER NODES: the cluster's nodes, roles and slots were not visible.`;
  else if (nodesKnown === 0) summary = 'No cluster node was visible.';
  else if (snapshot.source === 'live') {
    const failed = snapshot.observations.filter((o) => o.error).length;
    summary = `${nodesSeen} of ${plural(nodesAtLeast, 'node')} answered with their own view${failed > 0 ? `; ${failed} could not be probed` : ''}.`;
  } else if (full === 0) {
    summary = `redis-cli check output only: ${plural(nodesKnown, 'node')} listed; failed or unreachable nodes are not shown.`;
  } else if (nodesAtLeast > nodesKnown) {
    summary = `${nodesKnown} of at least ${nodesAtLeast} nodes visible; the paste looks truncated.`;
  } else if (pasteGaps(model).truncated) {
    summary = `${plural(nodesKnown, 'node')} visible; the paste is missing lines, so the cluster has at least that many and counts are lower bounds.`;
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
    o.clusterInfo?.cluster_state && !o.unmatched ? [o.clusterInfo.cluster_state] : [],
  );
  // a CLUSTER INFO that contradicts the dump it was pasted with still counts when it says fail: fail wins
  const unmatched = snapshot.observations.filter((o) => o.unmatched && o.clusterInfo?.cluster_state);
  if (states.includes('fail') || unmatched.some((o) => o.clusterInfo?.cluster_state === 'fail'))
    return 'fail';
  if (states.includes('ok')) return 'ok';
  for (const o of unmatched)
    warn(
      `cluster_state:${o.clusterInfo?.cluster_state} from ${o.address} was not used: that CLUSTER INFO ${o.unmatched}.`,
    );
  if (!model.hasFullView || model.nodes.length === 0) return 'unknown';
  const failedOwner = facts.downOwners.some((n) => n.health === 'fail');
  const unassigned = facts.unassigned.length > 0;
  if (
    snapshot.source === 'paste' &&
    unassigned &&
    !facts.quorum.lost &&
    !failedOwner &&
    config.requireFullCoverage.value &&
    pasteGaps(model).truncated
  ) {
    warn(
      'No CLUSTER INFO was available and the paste is missing lines, so cluster_state is unknown: the slots without an owner here may be owned by a line that did not make it into the paste.',
    );
    return 'unknown';
  }
  const down = facts.quorum.lost || (config.requireFullCoverage.value && (unassigned || failedOwner));
  warn(
    `No CLUSTER INFO was available, so cluster_state (${down ? 'fail' : 'ok'}) was derived from CLUSTER NODES the way Redis computes it.`,
  );
  return down ? 'fail' : 'ok';
}
