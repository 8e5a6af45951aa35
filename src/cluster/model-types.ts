/**
 * The merged picture of a cluster that the rules read: every observer's view folded into one node list,
 * slot ownership by consensus, and where each fact came from. Pure data.
 */
import type { NodeFlag, NodeObservation, ProbeErrorKind, SlotRange } from './types.ts';

export type ModelRole = 'master' | 'replica' | 'unknown';

/**
 * How the cluster (not redis-runbook) sees a node:
 * - fail: some observer flags it `fail` (a cluster-wide, majority-agreed state);
 * - pfail: at least as many peer views flag it `fail?` as list it healthy;
 * - unreachable: no cluster flag, but the live probe could not reach it (timeout or refused), or every peer
 *   that lists it has no address for it (noaddr) and nothing else vouches for it;
 * - ok: listed without failure flags, or it answered itself;
 * - unknown: nothing says either way.
 */
export type ModelHealth = 'ok' | 'pfail' | 'fail' | 'unreachable' | 'unknown';

/** One line that mentions a node, with the observer that printed it. */
export interface LineRef {
  /** Label ("ip:port") of the observer whose output held the line. */
  observer: string;
  raw: string;
}

export interface ModelNode {
  /** Full 40-hex id when known; otherwise the (abbreviated) id as printed. */
  id: string;
  /** False when only an abbreviated id was ever seen. */
  idComplete: boolean;
  /** "ip:port", "hostname:port" when only a hostname is known, or the id when there is no address. */
  label: string;
  ip: string;
  port: number;
  cport: number | null;
  hostname: string | null;
  /** Host used for placement checks: the hostname if announced, else the ip; '' when unknown. */
  host: string;
  role: ModelRole;
  /** Where the role came from: its own myself line, the majority of peer views, or a check report. */
  roleFrom: 'self' | 'views' | 'check' | 'none';
  /** The master's full id (resolved from a prefix when needed) for replicas. */
  masterId: string | null;
  configEpoch: number;
  /** False when no CLUSTER NODES line printed its epoch (e.g. only redis-cli check saw it). */
  epochKnown: boolean;
  /** Slots this node owns by consensus of all views. */
  slots: SlotRange[];
  slotCount: number;
  /**
   * Its only address is the one typed on redis-cli's command line (`--cluster check 127.0.0.1:7000` prints the
   * entry node under it): where it was reached, not what it announces.
   */
  addressTyped?: boolean;
  /** Some line about it did not show its slot column (an edited or cut paste): its slots may be more. */
  slotsUnknown?: boolean;
  /** What the node claims in its own myself line (or redis-cli check), null when never seen. */
  claimed: SlotRange[] | null;
  migrating: { slot: number; to: string }[];
  importing: { slot: number; from: string }[];
  /** Replicas (ids) that name this node as master, by consensus. */
  replicas: string[];
  /**
   * Replicas a pasted redis-cli check counted for it ("N additional replica(s)"): the replicas it could load,
   * whether or not their own lines made it into the paste. Absent when no check listed it as a master.
   */
  reportedReplicas?: number;
  /** Union of flags any observer printed for it (without `myself`). */
  flags: NodeFlag[];
  nofailover: boolean;
  /** Observer labels that list this node (its own view excluded). */
  seenBy: string[];
  /**
   * Observer labels flagging it `fail`, `fail?`, `handshake`, `noaddr`; and those listing it healthy
   * (`okBy`: none of those four flags; a handshake or noaddr entry is not a healthy sighting).
   */
  failBy: string[];
  pfailBy: string[];
  handshakeBy: string[];
  noaddrBy: string[];
  okBy: string[];
  health: ModelHealth;
  /** We have the node's own view (a myself line, pasted or probed). */
  selfSeen: boolean;
  /** The node's own observation (live probe or its pasted outputs), if any. */
  observation?: NodeObservation;
  /** How the live probe failed, if it did. */
  probeError?: { kind: ProbeErrorKind; message: string };
  /** Its own myself line, verbatim. */
  selfLine?: LineRef;
  /** Lines printed about it that carry a notable flag (fail, fail?, handshake, noaddr). */
  flaggedLines: LineRef[];
  /** First line anyone printed about it. */
  firstLine?: LineRef;
  /** Every distinct address any observer printed for it. */
  addressesSeen: string[];
  /** Latest ping/pong timestamp any observer printed for it (ms since epoch), 0 if none. */
  lastPongMs: number;
  /** Earliest pending ping any observer printed for it (ms), 0 if none: when peers started waiting. */
  pingSentMs: number;
}

/** One observer's whole CLUSTER NODES output as the model digested it. */
export interface ModelView {
  observer: string;
  observerId: string | null;
  source: 'paste' | 'live' | 'check';
  /** Index into ClusterModel.slotGroups: views with identical slot maps share a group. */
  group: number;
  /** Ids flagged fail/fail? in this view. */
  failing: string[];
  /** Lines in the view, handshake entries excluded (they come and go). */
  lineCount: number;
  /**
   * Lines of this CLUSTER NODES output that look like node lines (3+ fields) but could not be read: the
   * nodes they describe are missing from the model. 0 for check reports.
   */
  unreadLines: number;
  /** Master (or role-less) lines that did not show their slot column (dropped columns, cut): slots unknown. */
  hiddenSlotLines?: number;
  /**
   * The view says nothing about slot owners: no line showed its slot column, or the observer is isolated
   * (below). Its slot map does not vote.
   */
  slotsHidden?: boolean;
  /**
   * The observer lists every peer (at least two) as noaddr ":0@0": it met other ids at all their addresses,
   * so it has lost its peers. Its lines say nothing about them: their noaddr flags are not counted.
   */
  isolated?: { peers: number };
  clusterState?: string;
  knownNodes?: number;
  /**
   * CLUSTER NODES views only: for each line of the observation's view, in order, the index into
   * ClusterModel.nodes of the node that line is about (so line-level readers need not resolve ids again).
   */
  lineNodes?: Int32Array;
}

/** Views that print the same owner for every slot. */
export interface SlotGroup {
  /** Per slot: index into ClusterModel.nodes, -1 = unassigned, -2 = not said (check reports). */
  owners: Int32Array;
  views: string[];
}

export interface OpenSlot {
  slot: number;
  /** Node (id) that has the slot open. */
  node: string;
  kind: 'migrating' | 'importing';
  /** The other side's id (target when migrating, source when importing). */
  peer: string;
  /** Where it was seen: a myself line or a check report message. */
  evidence: string;
  /**
   * Only redis-cli's summary ("The following slots are open: 4242.") named the slot: which node has it
   * open, and in which direction, is unknown (`node` and `peer` are '').
   */
  sidesUnknown?: boolean;
}

export interface ClusterModel {
  nodes: ModelNode[];
  byId: Map<string, ModelNode>;
  views: ModelView[];
  slotGroups: SlotGroup[];
  /** Consensus owner per slot: index into `nodes`, -1 unassigned. */
  slotOwner: Int32Array;
  /** 1 where views disagree about the owner of the slot. */
  slotDisputed: Uint8Array;
  /** Slots claimed by two or more nodes in their own myself lines (or twice in one view). */
  multiOwned: { slot: number; owners: string[] }[];
  openSlots: OpenSlot[];
  /** redis-cli check lines saying it could not reach a node ("Could not connect to Redis at ip:port: ..."). */
  checkErrors: { address: string; line: string }[];
  /** Observations whose node could not be matched to any node in the views (e.g. a dead seed). */
  orphanObservations: NodeObservation[];
  /**
   * The node (id) each observation was filed under: by the id the node reported itself, else by address
   * (never a node that reported itself elsewhere). Orphans are absent.
   */
  observedNode: Map<NodeObservation, string>;
  /** Nodes whose own view we have (myself line). */
  selfSeenCount: number;
  /** Largest cluster_known_nodes any observer reported, 0 if none. */
  knownNodesReported: number;
  /** Best estimate of "now" in ms from ping/pong stamps, 0 if none. */
  clockMs: number;
  /** Whether at least one full CLUSTER NODES view exists (check reports alone are partial). */
  hasFullView: boolean;
  /** Where the snapshot came from. */
  source: 'paste' | 'live';
  /**
   * Paste only: signs, found while reading, that lines of the cluster are missing (a grep in the prompt,
   * a check counting more replicas than the paste lists). Sentences; empty when there are none.
   */
  gapHints: string[];
}
