/** Warnings about how the pieces of a paste relate: dumps taken apart in time, INFO with no CLUSTER NODES. */

import { readReplication } from '../cluster/parse-info.ts';
import { dumpTakenAtMs } from '../cluster/paste-consistency.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';

/** Dumps further apart than this (by their ping/pong stamps) were not taken together. */
const APART_MS = 5000;

function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/** Sentences about the paste's pieces that change how far its findings can be trusted. */
export function pasteWarnings(snapshot: ClusterSnapshot): string[] {
  const out: string[] = [];
  const stamped = snapshot.observations
    .filter((o) => o.nodes)
    .map((o) => ({ address: o.address, at: dumpTakenAtMs(o.nodes!) }))
    .filter((s) => s.at > 0)
    .sort((a, b) => a.at - b.at);
  const first = stamped[0];
  const last = stamped[stamped.length - 1];
  if (first && last && last.at - first.at >= APART_MS) {
    out.push(
      `The pasted CLUSTER NODES were taken up to ${duration(last.at - first.at)} apart (by their ping/pong times; ${first.address}'s is the oldest, ${last.address}'s the latest): where they differ, the cluster may simply have changed in between (a failover, a node flagged fail), so disagreements between them are not proof of a partition. Paste outputs taken together, or run a live diagnosis.`,
    );
  }
  const hasNodes = snapshot.observations.some((o) => o.nodes) || snapshot.checkReports.length > 0;
  if (!hasNodes) {
    for (const o of snapshot.observations) {
      if (!o.replication?.role) continue;
      const r = readReplication(o.replication);
      const master = r.masterHost ? ` of ${r.masterHost}:${r.masterPort ?? '?'}` : '';
      const link =
        r.role === 'replica' && r.masterLinkStatus ? `, master_link_status:${r.masterLinkStatus}` : '';
      const never =
        r.role === 'replica' && r.masterLinkDownSinceSeconds === -1 && r.masterLinkStatus === 'down'
          ? (r.masterReplOffset ?? 0) > 0
            ? `, master_link_down_since_seconds:-1 (not connected since it started; it holds data up to offset ${r.masterReplOffset})`
            : ', master_link_down_since_seconds:-1 (never synced)'
          : '';
      const who = /^paste#\d+$/.test(o.address)
        ? 'a node the paste does not name (no prompt line)'
        : o.address;
      out.push(
        `Only INFO was pasted for ${who} (role:${o.replication.role}${master}${link}${never}), with no CLUSTER NODES: it cannot be tied to a node of the cluster, so only its replication link and offsets were checked (see the findings), nothing about roles, slots or failures. Paste CLUSTER NODES from the same node.`,
      );
    }
  }
  return out;
}
