/**
 * Root-cause registry and resolver. Adding a cause = one file exporting a RootCauseDetector plus one line
 * in DETECTORS. Resolution: run every detector, drop causes superseded by another detected cause that
 * shares a node with them, order by rank, then add 'undetermined' for critical findings nothing explains,
 * or 'healthy' when nothing is wrong and we saw enough to say so.
 */
import type { Finding, RootCause } from '../types.ts';
import { clusterConfigLost } from './config-lost.ts';
import { failoverBlocked } from './failover-blocked.ts';
import { failoverCompleted } from './failover-completed.ts';
import { healthyOrUnknown, unexplainedCause } from './fallback.ts';
import { ghostNodes } from './ghost-nodes.ts';
import { hostFailure } from './host-failure.ts';
import { infoVerdict } from './info-verdict.ts';
import { masterFailedNoReplica } from './master-failed.ts';
import { masterLoading } from './master-loading.ts';
import { failoverNoVoters } from './no-voters.ts';
import { nobodyAnswered } from './nobody-answered.ts';
import { ownerNotAnswering } from './not-answering.ts';
import { networkPartition } from './partition.ts';
import { quorumLost } from './quorum-lost.ts';
import { reshardingInterrupted, reshardingStuckImport } from './resharding.ts';
import { slotsNeverAssigned } from './slots-never-assigned.ts';
import { isolatedNode, staleAddresses, staleAddressesSuspected } from './stale-addresses.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';
import { writesRefused } from './writes-refused.ts';
import { wrongAnnouncedAddress } from './wrong-announced-address.ts';

export const DETECTORS: readonly RootCauseDetector[] = [
  networkPartition,
  quorumLost,
  masterLoading,
  masterFailedNoReplica,
  failoverBlocked,
  reshardingInterrupted,
  reshardingStuckImport,
  slotsNeverAssigned,
  failoverCompleted,
  staleAddresses,
  staleAddressesSuspected,
  isolatedNode,
  wrongAnnouncedAddress,
  ghostNodes,
  clusterConfigLost,
  hostFailure,
  failoverNoVoters,
  ownerNotAnswering,
  nobodyAnswered,
  infoVerdict,
  writesRefused,
];

/** Finding codes that describe the whole cluster: any cause listing them explains them, whatever its nodes. */
const CLUSTER_WIDE = new Set([
  'CLUSTER_STATE_FAIL',
  'FULL_COVERAGE_REQUIRED',
  'PARTIAL_COVERAGE',
  'QUORUM_LOST',
  'CONFIG_DISAGREEMENT',
  'VIEWS_DIFFER',
  'PASTE_INCOMPLETE',
]);

interface Named {
  cause: RootCause;
  detector: RootCauseDetector;
}

function overlaps(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.includes(x));
}

function explained(f: Finding, named: readonly Named[]): boolean {
  return named.some(
    ({ cause, detector }) =>
      detector.explains.includes(f.code) &&
      (CLUSTER_WIDE.has(f.code) ||
        f.nodes.length === 0 ||
        cause.nodes.length === 0 ||
        overlaps(f.nodes, cause.nodes)),
  );
}

/** Names the root causes for a set of findings; never returns an empty list. */
export function resolveRootCauses(
  ctx: CauseContext,
  detectors: readonly RootCauseDetector[] = DETECTORS,
): { causes: RootCause[]; notes: string[] } {
  const notes: string[] = [];
  let named: Named[] = [];
  for (const detector of detectors) {
    try {
      for (const cause of detector.detect(ctx)) named.push({ cause, detector });
    } catch (err) {
      notes.push(`The ${detector.code} check failed and was skipped: ${(err as Error).message}`);
    }
  }
  named = named.filter(
    ({ cause, detector }) =>
      !named.some(
        (other) =>
          other.detector !== detector &&
          other.detector.supersedes?.includes(detector.code) &&
          (other.cause.nodes.length === 0 ||
            cause.nodes.length === 0 ||
            overlaps(other.cause.nodes, cause.nodes)),
      ),
  );
  named = named.filter(({ cause, detector }) => {
    const codes = detector.yieldsTo;
    if (!codes) return true;
    return !named.some(
      (other) =>
        other.detector !== detector &&
        other.cause.code !== 'undetermined' &&
        other.detector.explains.some((c) => codes.includes(c)) &&
        overlaps(other.cause.nodes, cause.nodes),
    );
  });
  named.sort((a, b) => a.detector.rank - b.detector.rank);
  const causes = named.map((n) => n.cause);
  const critical = ctx.findings.filter((f) => f.severity === 'critical' && !explained(f, named));
  if (critical.length > 0) causes.push(unexplainedCause(ctx, critical));
  if (causes.length === 0) causes.push(healthyOrUnknown(ctx));
  // Undetermined causes after named ones; keep the order stable otherwise.
  return {
    causes: [
      ...causes.filter((c) => c.code !== 'undetermined'),
      ...causes.filter((c) => c.code === 'undetermined'),
    ],
    notes,
  };
}
