/** Shared reasoning about down slot owners and their replicas, used by several detectors. */
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import { isDown } from '../context.ts';
import type { FindingCode } from '../types.ts';
import type { CauseContext } from './types.ts';

/**
 * Finding codes every "a slot owner is down" cause accounts for: the owner's absence, its fallout on
 * coverage and cluster state, and its replicas' broken link. Detectors add their own codes around these.
 */
export const OWNER_DOWN_CODES: readonly FindingCode[] = [
  'SLOTS_OWNER_DOWN',
  'CLUSTER_STATE_FAIL',
  'FULL_COVERAGE_REQUIRED',
  'PARTIAL_COVERAGE',
  'NODE_FAIL',
  'NODE_PFAIL',
  'NODE_UNREACHABLE',
  'REPLICA_LINK_DOWN',
];

export interface DownShard {
  master: ModelNode;
  replicas: ModelNode[];
  /** Replicas that are not down themselves. */
  alive: ModelNode[];
}

/** Each down slot owner with its replicas (by consensus). */
export function downShards(model: ClusterModel, downOwners: readonly ModelNode[]): DownShard[] {
  return downOwners.map((master) => {
    const replicas = master.replicas.flatMap((id) => {
      const r = model.byId.get(id);
      return r ? [r] : [];
    });
    return { master, replicas, alive: replicas.filter((r) => !isDown(r)) };
  });
}

/** How long peers have been waiting on the node, from ping-sent stamps (ms), or null when unknown. */
export function downForMs(model: ClusterModel, n: ModelNode): number | null {
  if (n.pingSentMs <= 0 || model.clockMs <= n.pingSentMs) return null;
  return model.clockMs - n.pingSentMs;
}

/** "about 42 s" for explanations. */
export function seconds(ms: number): string {
  return ms >= 120_000 ? `about ${Math.round(ms / 60_000)} min` : `about ${Math.round(ms / 1000)} s`;
}

/** True when the node answered for itself (live probe that returned its own view). */
export function answeredLive(n: ModelNode): boolean {
  return n.observation?.source === 'live' && !n.observation.error && n.selfSeen;
}

/**
 * True when a majority of slot-owning masters can still vote: healthy in the consensus view, or answering
 * us directly. Then an election can succeed, and CLUSTER FAILOVER TAKEOVER (no votes) must not be offered.
 */
export function votingMajorityReachable(ctx: Pick<CauseContext, 'facts'>): boolean {
  const { owners, quorum } = ctx.facts;
  return owners.filter((o) => !isDown(o) || answeredLive(o)).length >= quorum.needed;
}
