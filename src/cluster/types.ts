/**
 * Shared shapes of what redis-runbook reads about a cluster. Pure data: no I/O, no classes.
 * Parsers produce these; the model, rules and renderers consume them.
 */

/** Flags a CLUSTER NODES line can carry, in the order Redis prints them. */
export const NODE_FLAGS = [
  'myself',
  'master',
  'slave',
  'fail?',
  'fail',
  'handshake',
  'noaddr',
  'nofailover',
  'noflags',
] as const;
export type NodeFlag = (typeof NODE_FLAGS)[number];

/** An inclusive range of hash slots, 0 <= start <= end <= 16383. */
export interface SlotRange {
  start: number;
  end: number;
}

/** One line of CLUSTER NODES (or nodes.conf), as one observer printed it. */
export interface NodeLine {
  /** 40 hex chars; a paste may abbreviate it ("e7d1eecc...") and then `abbreviated` is true. */
  id: string;
  abbreviated: boolean;
  /** '' when the address is empty (":7001@17001") or noaddr (":0@0"). IPv6 without brackets. */
  ip: string;
  port: number;
  /** Cluster bus port; null when the line had no "@cport" (Redis < 4). */
  cport: number | null;
  /** From ",hostname" after the bus port (cluster-announce-hostname), else null. */
  hostname: string | null;
  flags: NodeFlag[];
  /** Flags not in NODE_FLAGS, kept verbatim so nothing is silently lost. */
  unknownFlags: string[];
  /** The master's id for a replica, null for '-'. */
  masterId: string | null;
  pingSent: number;
  pongRecv: number;
  configEpoch: number;
  link: 'connected' | 'disconnected';
  slots: SlotRange[];
  /** "[slot->-id]": this node is migrating `slot` to node `to`. Printed only on the myself line. */
  migrating: { slot: number; to: string }[];
  /** "[slot-<-id]": this node is importing `slot` from node `from`. */
  importing: { slot: number; from: string }[];
  /** 1-based line number in the text given to the parser. */
  lineNo: number;
  raw: string;
  /**
   * Read leniently (an edited paste): what was odd about the line ('opaque-id', 'redacted-address',
   * 'missing-columns', ...). Absent for a line in Redis's own format.
   */
  odd?: string[];
  /** The line did not show its slot column (dropped columns, cut line): its slots are unknown, not none. */
  slotsUnknown?: boolean;
  /** The address column was redacted ("x.x.x.x:6379", "<ip>"): ip and port are unknown, not empty. */
  addressHidden?: boolean;
}

/** A line the parser could not use: what it was, where, and what was expected instead. */
export interface ParseIssue {
  line: number;
  text: string;
  expected: string;
}

/** One observer's CLUSTER NODES output. `observer` is the id on the `myself` line, if any. */
export interface ClusterNodesView {
  observer: string | null;
  nodes: NodeLine[];
  issues: ParseIssue[];
}

/** Every way a live probe of one node can fail. */
export const PROBE_ERROR_KINDS = [
  'timeout', // TCP accepted (or not) but nothing answered in time: frozen, SIGSTOPped, blackholed
  'refused', // nothing listens
  'auth', // NOAUTH / WRONGPASS / NOPERM
  'tls', // the TLS handshake failed: a certificate, CA, servername or client certificate was refused
  'loading', // LOADING: the node is loading its dataset
  'not-cluster', // cluster_enabled:0 or "ERR This instance has cluster support disabled"
  'error', // anything else, with the message
] as const;

/** How a live probe of one node failed. */
export type ProbeErrorKind = (typeof PROBE_ERROR_KINDS)[number];

/**
 * Settings read with CONFIG GET. A field is absent when it could not be read (CONFIG renamed or denied,
 * or the server does not know the parameter): unknown, never a default.
 */
export interface NodeConfig {
  requireFullCoverage?: boolean;
  nodeTimeoutMs?: number;
  replicaValidityFactor?: number;
  allowReadsWhenDown?: boolean;
  /** cluster-replica-no-failover. */
  replicaNoFailover?: boolean;
  migrationBarrier?: number;
  /** cluster-allow-replica-migration (Redis 6.2+). */
  allowReplicaMigration?: boolean;
  /** repl-ping-replica-period, in seconds. */
  replPingReplicaPeriodS?: number;
  appendonly?: boolean;
  /** RDB save points as CONFIG GET prints them ("3600 1 300 100"); '' means no RDB snapshots. */
  save?: string;
  /** maxmemory in bytes; 0 means no limit. */
  maxmemoryBytes?: number;
  maxmemoryPolicy?: string;
  /** cluster-announce-ip; '' when unset. */
  announceIp?: string;
  /** cluster-announce-hostname (Redis 7+); '' when unset. */
  announceHostname?: string;
  /** cluster-announce-port; 0 when unset. */
  announcePort?: number;
  announceBusPort?: number;
  /** cluster-preferred-endpoint-type (Redis 7+): ip, hostname or unknown-endpoint. */
  preferredEndpointType?: string;
  /** min-replicas-to-write (min-slaves-to-write before Redis 5): a master with fewer good replicas refuses writes; 0 = off. */
  minReplicasToWrite?: number;
  /** min-replicas-max-lag, in seconds: a replica counts as good when its last ACK is this recent; 0 = off. */
  minReplicasMaxLag?: number;
}

/** One function library as FUNCTION LIST WITHCODE describes it; the code itself is not kept. */
export interface FunctionLibrary {
  name: string;
  engine: string;
  /** Names of the functions it registers. */
  functions: string[];
  /** sha256 of library_code, hex: two nodes hold the same library when name and digest match. */
  codeSha: string;
}

/** Everything known about one node from its own mouth (a live probe, or its own pasted dump). */
export interface NodeObservation {
  /**
   * "ip:port": live, the node's own announced address (its myself line), else the address contacted;
   * for a paste, as the paste named it; "paste#N" when the paste does not say.
   */
  address: string;
  /**
   * Live only: where the probe actually connected, when that differs from `address` (the node's own
   * announced "ip:port"), e.g. through the registry's NAT map or a seed given as a hostname.
   */
  contactedAddress?: string;
  source: 'live' | 'paste';
  /** The node's own id, from its myself line. */
  nodeId?: string;
  error?: { kind: ProbeErrorKind; message: string };
  /** Its own CLUSTER NODES output, parsed. */
  nodes?: ClusterNodesView;
  /** CLUSTER INFO fields (cluster_state, cluster_known_nodes, ...). */
  clusterInfo?: Record<string, string>;
  /** INFO replication fields (role, master_link_status, master_repl_offset, slaveN, ...). */
  replication?: Record<string, string>;
  /** INFO server fields (redis_version, ...). */
  server?: Record<string, string>;
  config?: NodeConfig;
  /** Why CONFIG GET gave nothing, if it did not (renamed command, ACL). */
  configError?: string;
  dbsize?: number;
  /** INFO memory fields (used_memory, used_memory_dataset, maxmemory, ...), live only. */
  memory?: Record<string, string>;
  /** Its Redis 7 function libraries (FUNCTION LIST WITHCODE, the code kept only as a digest), live only. */
  functions?: FunctionLibrary[];
  /** Why FUNCTION LIST gave nothing (NOPERM, or "unknown command" before Redis 7), live only. */
  functionsError?: string;
  /** Whether the cluster bus port accepted a TCP connection (live only). */
  busPort?: { port: number; open: boolean; error?: string };
  /**
   * Paste only: why this INFO was kept apart from the CLUSTER NODES next to it (it contradicts them, so it
   * comes from another node, cluster or moment). Its cluster-wide counts are not relied on.
   */
  unmatched?: string;
  /** Paste only: the shell filter its prompt piped CLUSTER NODES through ("grep fail"): lines are missing. */
  filtered?: string;
  /** Wall time spent on this node, live only. */
  elapsedMs?: number;
}

/** One node block of `redis-cli --cluster check` output ("M: id ip:port" / "S: ..."). */
export interface CheckNode {
  role: 'master' | 'replica';
  id: string;
  address: string;
  slots: SlotRange[];
  replicates: string | null;
  replicaCount: number | null;
}

/** What a pasted `redis-cli --cluster check` (or redis-trib.rb check) said. */
export interface CheckReport {
  entry: string | null;
  nodes: CheckNode[];
  agree: boolean | null;
  openSlots: number[];
  migrating: { address: string; slots: number[] }[];
  importing: { address: string; slots: number[] }[];
  allCovered: boolean | null;
  /** "Could not connect to Redis at ip:port" and similar lines, verbatim. */
  errors: string[];
  /** The "[ERR]"/"[WARNING]" lines verbatim. */
  messages: string[];
}

/** Key counts in slots that nobody serves, so a fix knows whether data is at stake (live only). */
export interface SlotKeyCount {
  address: string;
  nodeId?: string;
  slot: number;
  keys: number;
}

/** A client-side reply pasted with the outputs that says something about the cluster (paste only). */
export interface PastedReply {
  /** CLUSTERDOWN The cluster is down | CLUSTERDOWN Hash slot not served | an empty CLUSTER SLOTS reply. */
  kind: 'cluster-down' | 'slot-not-served' | 'empty-slots';
  /** The line as pasted. */
  text: string;
  line: number;
}

/** Everything one diagnosis is based on: the pure input to the model and the rules. */
export interface ClusterSnapshot {
  source: 'paste' | 'live';
  /** Registry name of the cluster, when known. */
  cluster?: string;
  takenAt: string;
  observations: NodeObservation[];
  checkReports: CheckReport[];
  /** Live only: non-zero key counts in slots no answering master serves, on every answering node. */
  keysInSlots?: SlotKeyCount[];
  /**
   * Live only: unserved slots whose keys were not counted on every answering node that holds keys (the
   * count stopped at its command or time limit). Absent when every unserved slot was counted everywhere.
   */
  keysInSlotsUncounted?: SlotRange[];
  /**
   * Live only: key counts of every open (migrating/importing) slot on both sides of the migration,
   * zeros included, so a runbook can say which side holds the keys.
   */
  openSlotKeys?: SlotKeyCount[];
  /** Lines of the input that were skipped, with why. */
  parseIssues: ParseIssue[];
  /** Paste only: CLUSTERDOWN errors and empty CLUSTER SLOTS replies found among the pasted lines. */
  replies?: PastedReply[];
  /** Plain sentences about what could not be seen or was assumed. */
  warnings: string[];
}
