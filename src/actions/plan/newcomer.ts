/**
 * What a probe of a node outside the cluster's views says about it: who it is, whether it can join
 * (answers, cluster-enabled, no key, knows only itself, owns no slot, bus port open), and the reasons
 * when it cannot. Shared by add-node, add-replica and meet. Pure.
 */
import type { NodeLine, NodeObservation } from '../../cluster/types.ts';
import type { ActionErrorCode } from '../errors.ts';
import type { NodeRef } from '../types.ts';

/** A node outside the cluster's views as its own probe described it. */
export interface Newcomer {
  obs: NodeObservation;
  self: NodeLine;
  ref: NodeRef;
  /** Host part of its address, for placement. */
  host: string;
  keys: number | null;
  knownNodes: number | null;
}

/** The node's identity from its own answer, or why it cannot be read. */
export function readNewcomer(
  obs: NodeObservation | undefined,
): Newcomer | { code: ActionErrorCode; reason: string } {
  if (!obs)
    return { code: 'ACTION_BAD_PARAMS', reason: 'the node must be named by host:port so it can be probed' };
  if (obs.error) {
    const why: Record<string, string> = {
      refused: 'nothing listens there (connection refused)',
      timeout: 'it accepts no connection or does not answer in time',
      auth: 'it rejected the credentials',
      tls: 'the TLS handshake failed',
      loading: 'it is still loading its dataset',
      'not-cluster': 'it is not cluster-enabled (cluster-enabled no): it cannot join a cluster',
      error: obs.error.message,
    };
    const code =
      obs.error.kind === 'refused' || obs.error.kind === 'timeout' ? 'ACTION_UNREACHABLE' : 'ACTION_REFUSED';
    return { code, reason: `${obs.address}: ${why[obs.error.kind] ?? obs.error.message}` };
  }
  const self = obs.nodes?.nodes.find((l) => l.flags.includes('myself'));
  if (!self || !obs.nodeId)
    return { code: 'ACTION_REFUSED', reason: `${obs.address} gave no CLUSTER NODES view of its own` };
  const known = obs.clusterInfo?.cluster_known_nodes;
  return {
    obs,
    self,
    ref: { id: obs.nodeId, address: obs.address },
    host: obs.address.slice(0, obs.address.lastIndexOf(':')).replace(/^\[|\]$/g, ''),
    keys: obs.dbsize ?? null,
    knownNodes: known === undefined ? null : Number(known),
  };
}

/** Why this stranger cannot join as an empty node; [] when it can. */
export function joinBlockers(n: Newcomer): string[] {
  const out: string[] = [];
  const a = n.obs.address;
  if (n.knownNodes !== null && n.knownNodes > 1)
    out.push(
      `${a} already knows ${n.knownNodes} nodes (cluster_known_nodes:${n.knownNodes}): it belongs to another cluster; check its CLUSTER NODES, and CLUSTER RESET it only if that cluster is gone`,
    );
  if (n.keys === null) out.push(`${a}: DBSIZE could not be read, so it cannot be shown to be empty`);
  else if (n.keys > 0)
    out.push(
      `${a} is not empty: it holds ${n.keys} key${n.keys === 1 ? '' : 's'} (DBSIZE ${n.keys}); a node joins empty, or its keys end up outside the slots it serves`,
    );
  if (n.self.slots.length > 0)
    out.push(
      `${a} claims slots of its own (${n.self.slots.length} range(s)): it was part of a cluster before`,
    );
  const bus = n.obs.busPort;
  if (bus && !bus.open)
    out.push(
      `${a}: its cluster bus port ${bus.port} does not accept TCP from here (${bus.error ?? 'closed'}); every node must reach every bus port`,
    );
  return out;
}
