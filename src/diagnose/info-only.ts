/**
 * What CLUSTER INFO (and pasted CLUSTERDOWN replies) say on their own, when no CLUSTER NODES or check
 * output is there: per reporting node, the counts Redis computed. Pure. Each fact is one node's view: it
 * never names which slots or nodes, and it is never credited to another node.
 */
import { isolatedView } from '../cluster/model-fold.ts';
import type { ClusterSnapshot, NodeObservation, PastedReply } from '../cluster/types.ts';

/** The observation's own CLUSTER NODES is the view of a node that lost its peers (all noaddr). */
function isolated(o: NodeObservation): boolean {
  return isolatedView(o.nodes?.nodes ?? []);
}

/** One node's CLUSTER INFO, read. */
export interface InfoView {
  /** How the paste named the node ("10.0.0.1:7000"), or a description when it did not. */
  who: string;
  state: string | null;
  assigned: number | null;
  fail: number;
  pfail: number;
  known: number | null;
  size: number | null;
  /** The fields quoted as evidence. */
  evidence: string[];
}

function num(info: Record<string, string>, key: string): number | null {
  const v = info[key];
  return v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : null;
}

function who(o: NodeObservation): string {
  return /^paste#\d+$/.test(o.address) ? 'the node whose CLUSTER INFO was pasted' : o.address;
}

/**
 * True when the snapshot holds CLUSTER INFO or CLUSTERDOWN replies but no topology (nodes, check). The
 * view of a node that lost its peers is no topology of the cluster.
 */
export function infoOnly(snapshot: ClusterSnapshot): boolean {
  if (snapshot.checkReports.length > 0) return false;
  if (snapshot.observations.some((o) => o.nodes?.nodes.length && !isolated(o))) return false;
  return (
    snapshot.observations.some((o) => o.clusterInfo && !o.unmatched) || (snapshot.replies?.length ?? 0) > 0
  );
}

/** Every CLUSTER INFO in the snapshot (INFO kept apart as foreign excluded), read. */
export function infoViews(snapshot: ClusterSnapshot): InfoView[] {
  return snapshot.observations.flatMap((o) => {
    const info = o.clusterInfo;
    // an isolated node counts its stale peers: its figures are not the cluster's
    if (!info || o.unmatched || info.cluster_state === undefined || isolated(o)) return [];
    const fields = ['cluster_state', 'cluster_slots_assigned', 'cluster_slots_fail', 'cluster_slots_pfail'];
    fields.push('cluster_known_nodes', 'cluster_size');
    return [
      {
        who: who(o),
        state: info.cluster_state ?? null,
        assigned: num(info, 'cluster_slots_assigned'),
        fail: num(info, 'cluster_slots_fail') ?? 0,
        pfail: num(info, 'cluster_slots_pfail') ?? 0,
        known: num(info, 'cluster_known_nodes'),
        size: num(info, 'cluster_size'),
        evidence: [
          `${who(o)}: ${fields.flatMap((k) => (info[k] !== undefined ? [`${k}:${info[k]}`] : [])).join(' ')}`,
        ],
      },
    ];
  });
}

/** A lone node: it knows only itself, and is not a one-node cluster serving every slot. */
export function knowsOnlyItself(v: InfoView): boolean {
  return v.known === 1 && !(v.assigned === 16384 && v.size === 1);
}

/** Every known node is a slot-owning master: no master has a replica (only meaningful past one node). */
export function noReplicas(v: InfoView): boolean {
  return v.known !== null && v.size !== null && v.size > 0 && v.known === v.size && !knowsOnlyItself(v);
}

/** Pasted replies of one kind. */
export function repliesOf(snapshot: ClusterSnapshot, kind: PastedReply['kind']): PastedReply[] {
  return (snapshot.replies ?? []).filter((r) => r.kind === kind);
}
