/** Options and plan shapes for building a dev cluster. */
import type { SlotRange } from '../cluster/types.ts';
import type { ConfigLine } from './node.ts';

/** One node of an explicit layout. Masters come first in slot order; replicas name their master. */
export interface NodeSpec {
  role: 'master' | 'replica';
  /** For replicas: index (into the `nodes` array) of the master to replicate. */
  of?: number;
  /** For masters: slots to assign ([] for an empty master); masters without it share the even split. */
  slots?: SlotRange[];
  /** Last octet N of 127.A.B.N; nodes sharing it share an address (then give distinct ports). */
  hostIndex?: number;
  /** Data port (default: the cluster's basePort). */
  port?: number;
  /** Bus port the node listens on (default port + 10000). */
  cport?: number;
  /** Extra redis.conf directives for this node only. */
  config?: ConfigLine[];
}

/** Options for {@link DevCluster.start}. Every field is optional. */
export interface ClusterOptions {
  /** Number of masters (default 3). Ignored when `nodes` is given. */
  masters?: number;
  /** Replicas per master (default 0). Ignored when `nodes` is given. */
  replicasPerMaster?: number;
  /** Put each replica on its master's address (port basePort+k) instead of its own address. */
  replicasOnMasterHost?: boolean;
  /** Explicit layout; overrides masters/replicasPerMaster/replicasOnMasterHost. */
  nodes?: NodeSpec[];
  /** requirepass + masterauth on every node. */
  password?: string;
  /** Also create this ACL user (all permissions, same password) and use it for clients and replication. */
  aclUser?: string;
  /** cluster-node-timeout in ms (default 2000). */
  nodeTimeoutMs?: number;
  /** Extra redis.conf directives for every node. */
  config?: ConfigLine[];
  /** Slot ranges per master without explicit `slots`, in order; `false` assigns none. Default: even split. */
  assignSlots?: SlotRange[][] | false;
  /** Wait for replicas' master_link_status:up (default true). */
  waitForSync?: boolean;
  /** Data port (default 7000); the bus port is port + 10000 unless a spec says otherwise. */
  basePort?: number;
  /** Upper bound for the whole build, in ms (default 30000). */
  buildTimeoutMs?: number;
  /** Prefix of the temp dir name. */
  label?: string;
}

/** A mutation the harness performed, as a shell-ready command line (secrets never included). */
export interface Action {
  phase: 'build' | 'break' | 'restore';
  command: string;
  note?: string;
}

/** Sentinel shown instead of a password in recorded commands. */
export const REDACTED = '<redacted>';
