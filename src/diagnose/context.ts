/**
 * What every rule and root-cause detector reads: the snapshot, the merged model, options, the cluster
 * settings in effect (known or assumed), and facts derived once (slot owners that are down, quorum).
 */
import type { ClusterModel, ModelNode } from '../cluster/model-types.ts';
import type { ClusterSnapshot, SlotRange } from '../cluster/types.ts';
import type { Finding } from './types.ts';

export interface DiagnoseOptions {
  /** Replica offset gap that raises REPLICATION_LAG, in bytes (default 1 MiB). */
  replicationLagBytes?: number;
  /** cluster-node-timeout below which NODE_TIMEOUT_LOW is raised, in ms (default 2000). */
  minNodeTimeoutMs?: number;
  /** Replica validity window below which REPLICA_VALIDITY_BLOCKS (info) is raised, in ms (default 60 s). */
  minValidityWindowMs?: number;
}

export const DEFAULT_OPTIONS: Required<DiagnoseOptions> = {
  replicationLagBytes: 1024 * 1024,
  minNodeTimeoutMs: 2000,
  minValidityWindowMs: 60_000,
};

/** A cluster setting as far as we know it: the value in effect, and whether it was read or assumed. */
export interface Setting<T> {
  value: T;
  known: boolean;
  /** Nodes that reported a different value, when they disagree. */
  disagreeing?: string[];
  /** How it is known, when not from CONFIG GET (e.g. inferred from CLUSTER INFO). */
  evidence?: string;
}

export interface EffectiveConfig {
  requireFullCoverage: Setting<boolean>;
  nodeTimeoutMs: Setting<number>;
  replicaValidityFactor: Setting<number>;
  allowReadsWhenDown: Setting<boolean>;
}

/** Quorum as Redis computes it: size = masters owning at least one slot, needed = size/2+1. */
export interface QuorumFacts {
  size: number;
  needed: number;
  reachable: ModelNode[];
  down: ModelNode[];
  lost: boolean;
  /**
   * The paste provably misses lines: `size` is a lower bound, so `lost` is never derived (false) and the
   * majority cannot be judged. Voter and host-majority arithmetic must not run either.
   */
  partial?: boolean;
}

export interface Facts {
  /** Masters owning at least one slot by consensus. */
  owners: ModelNode[];
  /** Slot owners that are down as far as the cluster (or our probe, unopposed) can tell. */
  downOwners: ModelNode[];
  /** Slots nobody owns by consensus (only meaningful when `model.hasFullView`). */
  unassigned: SlotRange[];
  quorum: QuorumFacts;
  /**
   * The input provably misses node lines (a cut or filtered paste): counts are lower bounds, and nothing
   * that needs the whole cluster (quorum, full coverage, host majority) is derived from them.
   */
  partial: boolean;
}

export interface RuleContext {
  snapshot: ClusterSnapshot;
  model: ClusterModel;
  opts: Required<DiagnoseOptions>;
  config: EffectiveConfig;
  facts: Facts;
  /** Records a plain sentence about something that could not be checked or was assumed (deduplicated). */
  warn(text: string): void;
}

/** A rule family: reads the context, returns findings (never throws on well-typed input). */
export type Rule = (ctx: RuleContext) => Finding[];

/** True when the live probe found the node loading its dataset (it answers LOADING to every command). */
export function isLoading(n: ModelNode): boolean {
  return n.probeError?.kind === 'loading';
}

/**
 * True when the node cannot serve as far as we can tell: flagged fail/fail? by the cluster, or not
 * answering our probe while no peer vouches for it. A replica that refuses connections (nothing listens)
 * counts as down even while peers still list it: they flag it only after cluster-node-timeout, and a
 * process that is not running can neither be promoted nor count as redundancy meanwhile.
 */
export function isDown(n: ModelNode): boolean {
  if (n.health === 'fail' || n.health === 'pfail') return true;
  if (n.role === 'replica' && n.probeError?.kind === 'refused') return true;
  return n.health === 'unreachable' && n.okBy.length === 0;
}

/** The label ("ip:port", else id) of a node id, or the id itself when the model does not know it. */
export function labelOf(model: ClusterModel, id: string): string {
  return model.byId.get(id)?.label ?? id;
}
