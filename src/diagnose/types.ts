/**
 * The diagnosis contract: findings, root causes, runbook steps and the JSON the CLI prints.
 * Codes here are stable; the README documents each one.
 */

/** Findings about settings that cause the next outage (rules/production-settings.ts). */
export const PRODUCTION_SETTING_CODES = [
  'SETTINGS_DIFFER',
  'REPLICA_NO_FAILOVER',
  'REPLICA_VALIDITY_BLOCKS',
  'MIGRATION_BARRIER',
  'COVERAGE_POLICY',
  'NO_PERSISTENCE',
  'EVICTION_POLICY',
  'ANNOUNCE_UNSET',
] as const;

export const FINDING_CODES = [
  'CLUSTER_STATE_FAIL',
  'SLOTS_UNASSIGNED',
  'SLOTS_OWNER_DOWN',
  /** Paste had only `redis-cli --cluster check`: slots no loadable node claims (unassigned, or owner down). */
  'SLOTS_UNCOVERED',
  'FULL_COVERAGE_REQUIRED',
  'PARTIAL_COVERAGE',
  'NODE_FAIL',
  'NODE_PFAIL',
  'NODE_HANDSHAKE',
  'NODE_NOADDR',
  'NODE_UNREACHABLE',
  'NODE_AUTH_FAILED',
  'NODE_TLS_FAILED',
  'NODE_LOADING',
  'NODE_NOT_CLUSTER',
  'BUS_PORT_UNREACHABLE',
  'MASTER_WITHOUT_REPLICA',
  /** A slot-owning master counts fewer good replicas than its min-replicas-to-write: it refuses writes. */
  'MASTER_REFUSES_WRITES',
  'REPLICA_SAME_HOST',
  'HOST_HOLDS_MAJORITY',
  'REPLICA_LINK_DOWN',
  'REPLICATION_LAG',
  'REPLICA_NOT_SYNCED',
  'QUORUM_LOST',
  'CONFIG_DISAGREEMENT',
  'VIEWS_DIFFER',
  'OPEN_SLOT',
  'SLOT_MULTIPLE_OWNERS',
  'EPOCH_COLLISION',
  'NODE_TIMEOUT_LOW',
  'STALE_ADDRESS',
  'GHOST_NODE',
  'WRONG_ANNOUNCED_ADDRESS',
  'CONFIG_LOST',
  'NO_ELIGIBLE_VOTERS',
  'PASTE_INCOMPLETE',
  /** Slot-owning masters hold different Redis 7 function libraries (live only). */
  'FUNCTIONS_DIFFER',
  ...PRODUCTION_SETTING_CODES,
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type Severity = 'critical' | 'warning' | 'info';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  message: string;
  /** Addresses "ip:port" (or the node id when the address is unknown). */
  nodes: string[];
  /** Slot ranges like "0-5460,5462"; '' when none. */
  slots: string;
  /** The lines or fields that prove it, verbatim where possible. */
  evidence: string[];
}

export const ROOT_CAUSE_CODES = [
  'master-failed-no-replica',
  'master-loading',
  'slots-never-assigned',
  'quorum-lost',
  'network-partition',
  'resharding-interrupted',
  'failover-blocked',
  'failover-not-possible-no-voters',
  'failover-completed',
  'stale-addresses',
  'ghost-nodes',
  'wrong-announced-address',
  'cluster-config-lost',
  'host-failure',
  'writes-refused',
  'healthy',
  'undetermined',
] as const;
export type RootCauseCode = (typeof ROOT_CAUSE_CODES)[number];

/** Remediation actions, named as the planners will name them. */
export const ACTION_NAMES = [
  'failover',
  'failover-force',
  'failover-takeover',
  'add-node',
  'add-replica',
  'fix-coverage',
  'fix-open-slot',
  'forget-node',
  'restart-node',
  'meet',
  'reshard',
  'rebalance',
  'del-node',
] as const;
export type ActionName = (typeof ACTION_NAMES)[number];

/**
 * Options that can lose data. A planner refuses what needs one unless the user turned it on by name
 * (a loudly named CLI flag or chat word); the plan's risks then say what is lost.
 */
export const DANGEROUS_OPTIONS = [
  /** fix-coverage: assign slots whose owner is failed or unreachable; it deletes its keys if it returns. */
  'discard-dead-owner-data',
  /** MIGRATE ... REPLACE: overwrite keys that already exist on the target. */
  'replace-existing-keys',
  /** del-node/forget-node: remove the last replica of a master. */
  'allow-no-replica',
  /** Slot moves: move keys to a master past its estimated memory headroom (OOM part-way, or evictions). */
  'ignore-memory-headroom',
] as const;
export type DangerousOption = (typeof DANGEROUS_OPTIONS)[number];

/**
 * Structured parameters of an action, exactly what a planner takes: CLI flags, chat words or a diagnosis's
 * recommendation all arrive in this shape. Nodes are "ip:port" or a node id (full, or a unique prefix).
 */
export interface ActionParams {
  /** The node acted on: the replica to promote, the node to add, forget, remove or restart. */
  node?: string;
  /** add-replica: the master to replicate. failover: the master being replaced (checked, not required). */
  master?: string;
  /** reshard: the source master; del-node/rebalance: unused. */
  from?: string;
  /** reshard/del-node: the receiving master. */
  to?: string;
  /** reshard: how many slots to move. */
  slots?: number;
  /** fix-coverage / fix-open-slot: the slots concerned, "0-5460,5462" (default: all that need it). */
  slotRanges?: string;
  /** rebalance: weight per master ("ip:port" or id prefix -> weight; default 1, 0 drains it). */
  weights?: Record<string, number>;
  /** rebalance: percent off its expected share that makes a master need moving (default 2). */
  threshold?: number;
  /** rebalance: also give slots to masters that own none. */
  useEmptyMasters?: boolean;
  /** Data-losing options the user turned on by name. */
  allow?: DangerousOption[];
}

export interface RecommendedAction {
  action: ActionName;
  /** Which node/slots it applies to, in words an operator can check ("127.0.0.1:7002 -> replica of ..."). */
  target: string;
  /** Why, and any data-loss risk, in one or two sentences. */
  why: string;
  /**
   * The parameters a planner needs to turn this recommendation into a plan, without reading `target`.
   * Absent for advice that has no plan (e.g. wait for an election).
   */
  params?: ActionParams;
}

export interface RootCause {
  code: RootCauseCode;
  /** One line for a Slack header or a terminal title. */
  summary: string;
  /** One paragraph: what happened and why this is the cause. */
  explanation: string;
  nodes: string[];
  slots: string;
  actions: RecommendedAction[];
}

/** One runbook step as it completed. */
export interface StepResult {
  id: string;
  title: string;
  /** The exact command an operator would type to check this themselves. */
  command: string;
  evidence: string[];
  verdict: 'ok' | 'problem' | 'skipped';
  /** Why it was skipped, when verdict is 'skipped'. */
  skippedReason?: string;
  /** What the result means, in a sentence or two. */
  meaning: string;
}

/** How much of the cluster the diagnosis saw. */
export interface Visibility {
  /** Nodes known from any view. */
  nodesKnown: number;
  /** Nodes whose own view (live probe or pasted myself line) we had. */
  nodesSeen: number;
  /** Lower bound on cluster size (e.g. from cluster_known_nodes), when it exceeds what we saw. */
  nodesAtLeast: number;
  /** One sentence, e.g. "12 of at least 20 nodes visible; the paste looks truncated". */
  summary: string;
}

export interface Diagnosis {
  source: 'paste' | 'live';
  cluster?: string;
  state: 'ok' | 'fail' | 'unknown';
  rootCauses: RootCause[];
  findings: Finding[];
  steps?: StepResult[];
  warnings: string[];
  visibility: Visibility;
  /** Topology fingerprint (sha256 hex) that approvals bind to. */
  fingerprint: string;
}
