/**
 * buildModel: merges every observer's view (pasted or probed CLUSTER NODES, redis-cli check reports,
 * probe errors) into one ClusterModel. Pure and total: any snapshot, even an empty one, gives a model.
 */

import { foldCheck } from './model-check.ts';
import { type Draft, Drafts, foldView, lineAddress } from './model-fold.ts';
import { buildIdResolver } from './model-ids.ts';
import { consensusOwners, rangesByOwner, SlotGroups } from './model-slots.ts';
import type { ClusterModel, ModelHealth, ModelNode, ModelView, OpenSlot } from './model-types.ts';
import { countSlots, SLOT_COUNT } from './slots.ts';
import type { ClusterSnapshot, NodeObservation, SlotRange } from './types.ts';
import { naturalCompare } from './util.ts';

/** Builds the merged model of a snapshot; never throws on odd input. */
export function buildModel(snapshot: ClusterSnapshot): ClusterModel {
  const drafts = new Drafts(buildIdResolver(snapshot));
  const groups = new SlotGroups();
  const multi = new Map<number, Set<string>>();
  const openSlots: OpenSlot[] = [];
  const checkErrors: { address: string; line: string }[] = [];
  const views: ModelView[] = [];
  for (const obs of snapshot.observations) {
    if (obs.nodes && obs.nodes.nodes.length > 0) views.push(foldView(obs, drafts, groups, multi, openSlots));
  }
  snapshot.checkReports.forEach((r, i) => {
    views.push(foldCheck(r, i, drafts, groups, openSlots, checkErrors));
  });
  const observedNode = new Map<NodeObservation, string>();
  const orphans = attachObservations(snapshot.observations, drafts, observedNode);
  const hasFullView = views.some((v) => v.source !== 'check' && !v.slotsHidden);
  if (!views.some((v) => v.source !== 'check')) refusedInCheck(checkErrors, drafts);
  for (const d of drafts.list) settle(d);
  for (const d of drafts.list) {
    if (d.role !== 'replica' || !d.masterId) continue;
    drafts.byId.get(d.masterId)?.replicas.push(d.id);
  }
  const { owner, disputed } = consensusOwners(
    groups.groups,
    (i) => drafts.list[i]?.configEpoch ?? 0,
    drafts.list.length,
  );
  const ranges = rangesByOwner(owner, drafts.list.length);
  drafts.list.forEach((d, i) => {
    d.slots = ranges[i] ?? [];
    d.slotCount = countSlots(d.slots);
  });
  collectSelfClaimClashes(drafts.list, multi);

  // Stable order for output: by address (numeric-aware), then id; remap slot indexes accordingly.
  const sorted = [...drafts.list].sort((a, b) => naturalCompare(a.label, b.label) || (a.id < b.id ? -1 : 1));
  const remap = new Int32Array(sorted.length);
  sorted.forEach((d, i) => {
    remap[d.index] = i;
  });
  const slotOwner = remapOwners(owner, remap);
  for (const v of views) {
    const ln = v.lineNodes;
    if (ln) for (let i = 0; i < ln.length; i++) ln[i] = remap[ln[i]!]!;
  }
  const slotGroups = groups.groups.map((g) => ({ owners: remapOwners(g.owners, remap), views: g.views }));
  const nodes: ModelNode[] = sorted.map(strip);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  let clockMs = 0;
  for (const n of nodes) clockMs = Math.max(clockMs, n.lastPongMs, n.pingSentMs);
  let known = 0;
  for (const obs of snapshot.observations) {
    if (obs.unmatched) continue; // an INFO that contradicts the dump next to it says nothing about this cluster
    const k = Number(obs.clusterInfo?.cluster_known_nodes);
    if (Number.isFinite(k)) known = Math.max(known, k);
  }
  return {
    nodes,
    byId,
    views,
    slotGroups,
    slotOwner,
    slotDisputed: disputed,
    multiOwned: [...multi.entries()]
      .map(([slot, set]) => ({ slot, owners: [...set].sort() }))
      .sort((a, b) => a.slot - b.slot),
    openSlots: openSlots.sort((a, b) => a.slot - b.slot || naturalCompare(a.node, b.node)),
    checkErrors,
    orphanObservations: orphans,
    observedNode,
    selfSeenCount: nodes.filter((n) => n.selfSeen).length,
    knownNodesReported: known,
    clockMs,
    hasFullView,
    source: snapshot.source,
    gapHints: gapHints(snapshot, nodes, byId),
  };
}

/**
 * Check-only input: a "Could not connect to Redis at ip:port: Connection refused" (or timed out) for a node
 * the check lists is that node not answering, as a live probe would have found it.
 */
function refusedInCheck(errors: readonly { address: string; line: string }[], drafts: Drafts): void {
  for (const e of errors) {
    const kind = /refused/i.test(e.line) ? 'refused' : /timed out|timeout/i.test(e.line) ? 'timeout' : null;
    if (!kind) continue;
    const d = drafts.list.find((x) => x.checkRole && lineAddress(x) === e.address);
    if (d && !d.probeError) d.probeError = { kind, message: e.line };
  }
}

/** Signs in the snapshot itself that a paste lost lines: a filter in a prompt, replicas a check counted. */
function gapHints(
  snapshot: ClusterSnapshot,
  nodes: readonly ModelNode[],
  byId: Map<string, ModelNode>,
): string[] {
  if (snapshot.source !== 'paste') return [];
  const out: string[] = [];
  for (const o of snapshot.observations) {
    if (o.filtered)
      out.push(
        `the CLUSTER NODES of ${o.address} was piped through "${o.filtered}", so only matching lines are here`,
      );
  }
  for (const n of nodes) {
    const listed = n.replicas.filter((r) => byId.has(r)).length;
    if ((n.reportedReplicas ?? 0) > listed && snapshot.observations.some((o) => o.nodes))
      out.push(
        `redis-cli check counts ${n.reportedReplicas} replica(s) of ${n.label} but the paste lists ${listed}`,
      );
  }
  return out;
}

/**
 * Files each observation under its node: by the id the node itself reported (its myself line), else by
 * address. An id-less observation (a failed probe) goes to the node whose current address it is, or to a
 * node last seen there whose own view we lack; never to a node that reported itself at another address
 * (a probe of an old address is not a probe of the node that moved away). Others are orphans.
 */
function attachObservations(
  observations: readonly NodeObservation[],
  drafts: Drafts,
  attached: Map<NodeObservation, string>,
): NodeObservation[] {
  const orphans: NodeObservation[] = [];
  const byAddress = addressIndex(drafts);
  for (const obs of observations) {
    const selfLine = obs.nodes?.nodes.find((l) => l.flags.includes('myself'));
    const id = obs.nodeId ?? selfLine?.id ?? obs.nodes?.observer ?? null;
    const d: Draft | undefined = (id ? drafts.byId.get(drafts.ids.resolve(id)) : undefined) ?? byAddress(obs);
    if (!d) {
      orphans.push(obs);
      continue;
    }
    attached.set(obs, d.id);
    if (!d.observation || (obs.nodes && !d.observation.nodes)) d.observation = obs;
    if (obs.error) d.probeError = obs.error;
    if (!d.ip) {
      const m = /^\[?([^\]\s]*?)\]?:(\d{1,5})$/.exec(obs.address);
      if (m) {
        d.ip = m[1] ?? '';
        d.port = Number(m[2]);
      }
    }
  }
  return orphans;
}

/** Finds drafts by address for id-less observations; the index is built on first use, once. */
function addressIndex(drafts: Drafts): (obs: NodeObservation) => Draft | undefined {
  let current: Map<string, Draft> | undefined;
  let former: Map<string, Draft> | undefined;
  return (obs) => {
    if (!current || !former) {
      current = new Map();
      former = new Map();
      for (const d of drafts.list) {
        const at = lineAddress(d);
        if (at && !current.has(at)) current.set(at, d);
        if (d.selfSeen) continue;
        for (const a of d.addrSet) if (!former.has(a)) former.set(a, d);
      }
    }
    return current.get(obs.address) ?? former.get(obs.address);
  };
}

function majority(votes: Map<string, number>): string | null {
  let best: string | null = null;
  let n = 0;
  for (const [k, v] of votes) {
    if (v > n) {
      best = k;
      n = v;
    }
  }
  return best;
}

function settle(d: Draft): void {
  if (d.selfRole) {
    d.role = d.selfRole;
    d.roleFrom = 'self';
  } else if (d.checkRole) {
    d.role = d.checkRole;
    d.roleFrom = 'check';
  } else if (d.roleVotes.master !== d.roleVotes.replica) {
    d.role = d.roleVotes.master > d.roleVotes.replica ? 'master' : 'replica';
    d.roleFrom = 'views';
  }
  d.masterId = d.role === 'replica' ? (d.selfMaster ?? majority(d.masterVotes)) : null;
  if (d.selfEpoch !== null) d.configEpoch = d.selfEpoch;
  d.label = lineAddress({ ip: d.ip, port: d.port, hostname: d.hostname }) || d.id;
  d.host = d.hostname ?? d.ip;
  d.addressesSeen = [...d.addrSet];
  d.health = healthOf(d);
}

function healthOf(d: Draft): ModelHealth {
  if (d.failBy.length > 0) return 'fail';
  if (d.pfailBy.length > 0 && d.pfailBy.length >= d.okBy.length) return 'pfail';
  const kind = d.probeError?.kind;
  if (kind === 'timeout' || kind === 'refused') return 'unreachable';
  if (d.selfSeen || d.okBy.length > 0 || d.checkRole) return 'ok';
  if (d.probeError) return 'ok';
  // noaddr: the observers have no address for it, so nobody can reach it (Redis will flag it fail? next).
  if (d.noaddrBy.length > 0) return 'unreachable';
  return 'unknown';
}

/** Adds slots that two masters each claim in their own myself line. */
function collectSelfClaimClashes(list: readonly Draft[], multi: Map<number, Set<string>>): void {
  if (!claimsOverlap(list)) return;
  const first = new Int32Array(SLOT_COUNT).fill(-1);
  for (const d of list) {
    if (!d.claimed || d.role === 'replica') continue;
    for (const r of d.claimed) {
      for (let s = r.start; s <= r.end; s++) {
        const prev = first[s]!;
        if (prev < 0) first[s] = d.index;
        else if (prev !== d.index) {
          const set = multi.get(s) ?? new Set<string>();
          set.add(list[prev]!.id);
          set.add(d.id);
          multi.set(s, set);
        }
      }
    }
  }
}

/** Whether any two ranges non-replica nodes claim for themselves share a slot, or one leaves 0-16383 (sorted sweep). */
function claimsOverlap(list: readonly Draft[]): boolean {
  const ranges: SlotRange[] = [];
  for (const d of list) if (d.claimed && d.role !== 'replica') ranges.push(...d.claimed);
  ranges.sort((a, b) => a.start - b.start);
  let end = -1;
  for (const r of ranges) {
    if (r.start <= end || r.start < 0 || r.end >= SLOT_COUNT) return true;
    end = Math.max(end, r.end);
  }
  return false;
}

function remapOwners(owners: Int32Array, remap: Int32Array): Int32Array {
  const out = new Int32Array(owners.length);
  for (let i = 0; i < owners.length; i++) {
    const o = owners[i]!;
    out[i] = o >= 0 ? remap[o]! : o;
  }
  return out;
}

function strip(d: Draft): ModelNode {
  const {
    index: _i,
    roleVotes: _rv,
    masterVotes: _mv,
    selfRole: _sr,
    selfMaster: _sm,
    selfEpoch: _se,
    checkRole: _cr,
    addrSet: _as,
    ...node
  } = d;
  return node;
}
