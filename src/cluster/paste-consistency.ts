/**
 * Checks that pasted pieces belong together: a CLUSTER INFO / INFO replication against the CLUSTER NODES
 * it would be filed with, and two CLUSTER NODES dumps of the same node. Pure. Each check only uses
 * contradictions a cut paste cannot cause (a missing line lowers the counts in a dump, never raises them),
 * and only fields Redis computes when asked (cluster_size is not one: it is refreshed lazily).
 */
import type { InfoParts } from './paste-info.ts';
import { countSlots, normalizeRanges } from './slots.ts';
import type { ClusterNodesView, NodeLine, SlotRange } from './types.ts';

function num(fields: Record<string, string> | undefined, key: string): number | null {
  const v = fields?.[key];
  if (v === undefined || !/^\d{1,16}$/.test(v)) return null;
  return Number(v);
}

function slotsOf(lines: readonly NodeLine[], keep: (l: NodeLine) => boolean): number {
  const ranges: SlotRange[] = lines.filter(keep).flatMap((l) => l.slots);
  return countSlots(normalizeRanges(ranges));
}

/** One way an INFO contradicts a dump; `counts` when its cluster-wide counts cannot describe that dump either. */
export interface Contradiction {
  text: string;
  counts: boolean;
}

/**
 * Reasons why `parts` cannot be the same node's output at the same moment as `view`, e.g.
 * "cluster_my_epoch:3, but the myself line has config epoch 1". Empty when nothing contradicts.
 */
export function infoContradictions(view: ClusterNodesView, parts: InfoParts): Contradiction[] {
  const out: Contradiction[] = [];
  const own = (text: string) => out.push({ text, counts: false });
  const counts = (text: string) => out.push({ text, counts: true });
  const me = view.nodes.find((l) => l.flags.includes('myself'));
  const info = parts.clusterInfo;
  const myEpoch = num(info, 'cluster_my_epoch');
  if (me && myEpoch !== null && myEpoch !== me.configEpoch)
    own(`cluster_my_epoch:${myEpoch}, but the myself line has config epoch ${me.configEpoch}`);
  const current = num(info, 'cluster_current_epoch');
  const maxEpoch = Math.max(0, ...view.nodes.map((l) => l.configEpoch));
  if (current !== null && current < maxEpoch)
    counts(`cluster_current_epoch:${current}, but the dump holds config epoch ${maxEpoch}`);
  const known = num(info, 'cluster_known_nodes');
  if (known !== null && known < view.nodes.length)
    counts(`cluster_known_nodes:${known}, but the dump lists ${view.nodes.length} nodes`);
  const assigned = num(info, 'cluster_slots_assigned');
  const inDump = slotsOf(view.nodes, () => true);
  if (assigned !== null && assigned < inDump)
    counts(`cluster_slots_assigned:${assigned}, but the dump assigns ${inDump} slots`);
  const failed = num(info, 'cluster_slots_fail');
  const failedInDump = slotsOf(view.nodes, (l) => l.flags.includes('fail'));
  if (failed !== null && failed < failedInDump)
    counts(
      `cluster_slots_fail:${failed}, but the dump shows ${failedInDump} slots owned by a node flagged fail`,
    );
  const role = parts.replication?.role;
  if (me && (role === 'master' || role === 'slave')) {
    const dumpRole = me.flags.includes('slave') ? 'slave' : me.flags.includes('master') ? 'master' : null;
    if (dumpRole && dumpRole !== role) own(`INFO says role:${role}, but the myself line says ${dumpRole}`);
  }
  return out;
}

/** The latest ping/pong stamp (ms) a dump printed: roughly when it was taken; 0 when it has none. */
export function dumpTakenAtMs(view: ClusterNodesView): number {
  let t = 0;
  for (const l of view.nodes) t = Math.max(t, l.pingSent, l.pongRecv);
  return t;
}

/** How a later dump of the same node relates to an earlier one. */
export type DumpRelation = 'same' | 'subset' | 'superset' | 'older' | 'newer' | 'unordered';

/** Compares two dumps of the same node: identical, one a cut copy of the other, or taken at different times. */
export function compareDumps(a: ClusterNodesView, b: ClusterNodesView): DumpRelation {
  const la = new Set(a.nodes.map((l) => l.raw.trim().replace(/\s+/g, ' ')));
  const lb = new Set(b.nodes.map((l) => l.raw.trim().replace(/\s+/g, ' ')));
  const aInB = [...la].every((l) => lb.has(l));
  const bInA = [...lb].every((l) => la.has(l));
  if (aInB && bInA) return 'same';
  if (aInB) return 'subset';
  if (bInA) return 'superset';
  const ta = dumpTakenAtMs(a);
  const tb = dumpTakenAtMs(b);
  if (ta === tb) return 'unordered';
  return ta < tb ? 'older' : 'newer';
}

const LONE_ID_RE = /^[0-9a-f]{40}$/i;
const RAW_VALUE_RE =
  /^(?:\d{1,5}|\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f:]{2,39}|slots|nodes|id|port|tls-port|ip|endpoint|hostname|role|replication-offset|health|master|replica|online|failed|loading)$/i;

/**
 * Line numbers of what looks like raw (non-tty) CLUSTER SLOTS / CLUSTER SHARDS output: bare node ids
 * between bare numbers, addresses and field names, one per line. Empty when there is none.
 */
export function rawArrayLines(lines: readonly { text: string; lineNo: number }[]): number[] {
  let ids = 0;
  let values = 0;
  const nums: number[] = [];
  for (const l of lines) {
    const s = l.text.trim();
    if (LONE_ID_RE.test(s)) ids++;
    else if (RAW_VALUE_RE.test(s)) values++;
    else continue;
    nums.push(l.lineNo);
  }
  return ids > 0 && values >= 2 * ids ? nums : [];
}
