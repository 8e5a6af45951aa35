/**
 * Which replica of a master may take over, and which CLUSTER FAILOVER variant is safe now: the default
 * (master answers, no write lost), FORCE (master down, a majority of slot-owning masters can vote) or
 * TAKEOVER (no majority can vote). Pure; the failover runbook and the failover action both decide here.
 */
import type { ClusterModel, ModelNode } from '../cluster/model-types.ts';
import { isDown, type QuorumFacts } from './context.ts';
import { deriveFacts } from './facts.ts';
import { replicaInfo, replicaUnfitReason } from './replication-info.ts';
import { votingMajorityReachable } from './root-causes/shards.ts';

/** The three variants of CLUSTER FAILOVER. */
export type FailoverMode = 'default' | 'force' | 'takeover';

/** The fit and unfit replicas of a master and the variant the cluster allows now. */
export interface FailoverChoice {
  master: ModelNode;
  /** Replicas with the data, best first (largest replication offset: the least lost). */
  fit: ModelNode[];
  /** Replicas that must not take over, with why. */
  unfit: { replica: ModelNode; reason: string }[];
  /** The variant that works now for this master (see failoverModeFor). */
  mode: FailoverMode;
  /**
   * The master is down but not yet confirmed failed by the cluster and its best replica may still fail
   * over by itself: forcing now risks two masters if it is alive behind a partition.
   */
  electionPending: boolean;
  quorum: QuorumFacts;
  /** A majority of slot-owning masters can vote (healthy, or answering us). */
  majorityCanVote: boolean;
}

/**
 * default while `master` is up; FORCE when it is down and a majority of slot-owning masters can vote;
 * TAKEOVER when no majority can.
 */
export function failoverModeFor(model: ClusterModel, master: ModelNode): FailoverMode {
  if (!isDown(master)) return 'default';
  return votingMajorityReachable({ facts: deriveFacts(model) }) ? 'force' : 'takeover';
}

/** Sorts a master's replicas into fit and unfit and names the variant that works now. */
export function chooseFailover(
  model: ClusterModel,
  master: ModelNode,
  replicas: readonly ModelNode[],
): FailoverChoice {
  const fit: ModelNode[] = [];
  const unfit: FailoverChoice['unfit'] = [];
  for (const r of replicas) {
    const reason = replicaUnfitReason(r, master);
    if (reason) unfit.push({ replica: r, reason });
    else fit.push(r);
  }
  fit.sort((a, b) => (replicaInfo(b)?.offset ?? -1) - (replicaInfo(a)?.offset ?? -1));
  const facts = deriveFacts(model);
  const mode = failoverModeFor(model, master);
  const best = fit[0];
  const electionPending =
    mode === 'force' && !facts.quorum.lost && master.health !== 'fail' && !!best && !best.nofailover;
  return {
    master,
    fit,
    unfit,
    mode,
    electionPending,
    quorum: facts.quorum,
    majorityCanVote: votingMajorityReachable({ facts }),
  };
}
