/** Folds each observer's lines into per-node drafts: votes, flags, claims and provenance. */
import type { IdResolver } from './model-ids.ts';
import { NOT_SAID, type SlotGroups, UNASSIGNED } from './model-slots.ts';
import type { ModelNode, ModelView, OpenSlot } from './model-types.ts';
import type { NodeFlag, NodeLine, NodeObservation } from './types.ts';

/** A node under construction: the final fields plus the votes they are decided from. */
export interface Draft extends ModelNode {
  index: number;
  roleVotes: { master: number; replica: number };
  masterVotes: Map<string, number>;
  selfRole: 'master' | 'replica' | null;
  selfMaster: string | null;
  selfEpoch: number | null;
  checkRole: 'master' | 'replica' | null;
  addrSet: Set<string>;
}

/** Registry of drafts by canonical id, in first-seen order. */
export class Drafts {
  readonly list: Draft[] = [];
  readonly byId = new Map<string, Draft>();
  constructor(readonly ids: IdResolver) {}

  /** Returns the draft for a printed id, creating it on first sight. */
  get(printedId: string): Draft {
    const id = this.ids.resolve(printedId);
    const hit = this.byId.get(id);
    if (hit) return hit;
    const d: Draft = {
      id,
      idComplete: this.ids.isComplete(id),
      label: id,
      ip: '',
      port: 0,
      cport: null,
      hostname: null,
      host: '',
      role: 'unknown',
      roleFrom: 'none',
      masterId: null,
      configEpoch: 0,
      epochKnown: false,
      slots: [],
      slotCount: 0,
      claimed: null,
      migrating: [],
      importing: [],
      replicas: [],
      flags: [],
      nofailover: false,
      seenBy: [],
      failBy: [],
      pfailBy: [],
      handshakeBy: [],
      noaddrBy: [],
      okBy: [],
      health: 'unknown',
      selfSeen: false,
      flaggedLines: [],
      lastPongMs: 0,
      pingSentMs: 0,
      index: this.list.length,
      roleVotes: { master: 0, replica: 0 },
      masterVotes: new Map(),
      selfRole: null,
      selfMaster: null,
      selfEpoch: null,
      checkRole: null,
      addrSet: new Set(),
      addressesSeen: [],
    };
    this.list.push(d);
    this.byId.set(id, d);
    return d;
  }
}

/** "ip:port" of a line, "hostname:port" without an ip, '' when the line has no usable address. */
export function lineAddress(line: Pick<NodeLine, 'ip' | 'port' | 'hostname'>): string {
  const host = line.ip || line.hostname || '';
  if (!host || !line.port) return '';
  return host.includes(':') ? `[${host}]:${line.port}` : `${host}:${line.port}`;
}

/** The label an observation is reported under: its myself line's address, else the address it came with. */
export function observerLabel(obs: NodeObservation): string {
  const self = obs.nodes?.nodes.find((l) => l.flags.includes('myself'));
  return (self && lineAddress(self)) || obs.address;
}

function setAddress(d: Draft, line: NodeLine, own: boolean): void {
  // Fast path: the address this node already has (the common case across many views).
  if (!own && d.ip !== '' && line.ip === d.ip && line.port === d.port && line.hostname === d.hostname) return;
  const addr = lineAddress(line);
  if (addr) d.addrSet.add(addr);
  if (!addr || (d.ip && !own) || (d.hostname && !d.ip && !own && !line.ip)) return;
  d.ip = line.ip;
  d.port = line.port;
  d.cport = line.cport;
  d.hostname = line.hostname ?? d.hostname;
}

const MYSELF = 1;
const MASTER = 2;
const REPLICA = 4;
const HANDSHAKE = 8;
const NOFAILOVER = 16;
const FAIL = 32;
const PFAIL = 64;
const NOADDR = 128;

/** Adds a line's flags (except `myself`) to the draft's union of flags; returns them as a bit mask. */
function noteFlags(d: Draft, flags: readonly NodeFlag[]): number {
  let bits = 0;
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i]!;
    switch (f) {
      case 'myself':
        bits |= MYSELF;
        continue;
      case 'master':
        bits |= MASTER;
        break;
      case 'slave':
        bits |= REPLICA;
        break;
      case 'handshake':
        bits |= HANDSHAKE;
        break;
      case 'nofailover':
        bits |= NOFAILOVER;
        break;
      case 'fail':
        bits |= FAIL;
        break;
      case 'fail?':
        bits |= PFAIL;
        break;
      case 'noaddr':
        bits |= NOADDR;
        break;
    }
    if (!d.flags.includes(f)) d.flags.push(f);
  }
  return bits;
}

/** Lines of the observation's CLUSTER NODES with 3+ fields that gave no node (a line lost to the reader). */
export function unreadNodeLines(obs: NodeObservation): number {
  const view = obs.nodes;
  if (!view || view.issues.length === 0) return 0;
  const read = new Set(view.nodes.map((n) => n.lineNo));
  const lost = new Set<number>();
  for (const issue of view.issues) {
    if (!read.has(issue.line) && issue.text.trim().split(/\s+/).length >= 3) lost.add(issue.line);
  }
  return lost.size;
}

/**
 * The observer lost its peers: it has a myself line and lists every other node (at least two) as noaddr
 * ":0@0", i.e. it met other ids at all their addresses. Its lines then say nothing about those nodes.
 */
export function isolatedView(lines: readonly NodeLine[]): boolean {
  let peers = 0;
  let self = false;
  for (const l of lines) {
    if (l.flags.includes('myself')) self = true;
    else if (!l.flags.includes('noaddr')) return false;
    else peers++;
  }
  return self && peers >= 2;
}

/** Folds one CLUSTER NODES view into the drafts and the slot groups; returns the digested view. */
export function foldView(
  obs: NodeObservation,
  drafts: Drafts,
  groups: SlotGroups,
  multi: Map<number, Set<string>>,
  openSlots: OpenSlot[],
): ModelView {
  const lines = obs.nodes?.nodes ?? [];
  const label = observerLabel(obs);
  const selfLine = lines.find((l) => l.flags.includes('myself'));
  const observerId = selfLine
    ? drafts.ids.resolve(selfLine.id)
    : obs.nodeId
      ? drafts.ids.resolve(obs.nodeId)
      : obs.nodes?.observer
        ? drafts.ids.resolve(obs.nodes.observer)
        : null;
  const isolated = isolatedView(lines);
  const peerLines = lines.filter((l) => !l.flags.includes('myself'));
  const slotsHidden = isolated || (lines.length > 0 && lines.every((l) => l.slotsUnknown));
  const owners = groups.begin(slotsHidden ? NOT_SAID : UNASSIGNED);
  const failing: string[] = [];
  const lineNodes = new Int32Array(lines.length);
  let counted = 0;
  let hiddenSlots = 0;
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!;
    if (line.slotsUnknown && !line.flags.includes('slave')) hiddenSlots++;
    if (line.slotsUnknown) drafts.get(line.id).slotsUnknown = true;
    const d = drafts.get(line.id);
    lineNodes[li] = d.index;
    // One pass over the flags: the union kept on the draft, and the bits read below.
    const bits = noteFlags(d, line.flags);
    const own = (bits & MYSELF) !== 0 || (observerId !== null && d.id === observerId);
    if (!d.firstLine) d.firstLine = { observer: label, raw: line.raw };
    d.epochKnown = true;
    setAddress(d, line, own);
    if ((bits & HANDSHAKE) === 0) counted++;
    const isMaster = (bits & MASTER) !== 0;
    const isReplica = (bits & REPLICA) !== 0;
    if ((bits & NOFAILOVER) !== 0) d.nofailover = true;
    d.lastPongMs = Math.max(d.lastPongMs, line.pongRecv);
    if (line.pingSent > 0 && (d.pingSentMs === 0 || line.pingSent < d.pingSentMs))
      d.pingSentMs = line.pingSent;
    if (own) {
      d.selfSeen = true;
      d.selfLine = { observer: label, raw: line.raw };
      d.selfRole = isMaster ? 'master' : isReplica ? 'replica' : null;
      d.selfMaster = line.masterId ? drafts.ids.resolve(line.masterId) : null;
      d.selfEpoch = line.configEpoch;
      d.claimed = line.slots.map((r) => ({ ...r }));
      for (const m of line.migrating) {
        const to = drafts.ids.resolve(m.to);
        d.migrating.push({ slot: m.slot, to });
        openSlots.push({ slot: m.slot, node: d.id, kind: 'migrating', peer: to, evidence: line.raw });
      }
      for (const m of line.importing) {
        const from = drafts.ids.resolve(m.from);
        d.importing.push({ slot: m.slot, from });
        openSlots.push({ slot: m.slot, node: d.id, kind: 'importing', peer: from, evidence: line.raw });
      }
    } else {
      d.seenBy.push(label);
      if (isMaster) d.roleVotes.master++;
      if (isReplica) d.roleVotes.replica++;
      if (line.masterId) {
        const m = drafts.ids.resolve(line.masterId);
        d.masterVotes.set(m, (d.masterVotes.get(m) ?? 0) + 1);
      }
      d.configEpoch = Math.max(d.configEpoch, line.configEpoch);
      const fail = (bits & FAIL) !== 0;
      const pfail = (bits & PFAIL) !== 0;
      const handshake = (bits & HANDSHAKE) !== 0;
      const noaddr = (bits & NOADDR) !== 0;
      if (fail || pfail || handshake || noaddr) d.flaggedLines.push({ observer: label, raw: line.raw });
      if (isolated) continue; // an isolated observer's word about its lost peers is not evidence
      if (fail) d.failBy.push(label);
      else if (pfail) d.pfailBy.push(label);
      // A handshake entry is not a sighting of a known node, and noaddr means this observer cannot reach it.
      else if (!handshake && !noaddr) d.okBy.push(label);
      if (handshake) d.handshakeBy.push(label);
      if (noaddr) d.noaddrBy.push(label);
      if (fail || pfail) failing.push(d.id);
    }
    if (line.slots.length > 0 && !slotsHidden) {
      for (const s of groups.mark(line.slots, d.index)) {
        const set = multi.get(s) ?? new Set<string>();
        const prevOwner = drafts.list[owners[s]!];
        if (prevOwner) set.add(prevOwner.id);
        set.add(d.id);
        multi.set(s, set);
      }
    }
  }
  const info = obs.clusterInfo;
  const known = Number(info?.cluster_known_nodes);
  const view: ModelView = {
    observer: label,
    observerId,
    source: obs.source,
    group: groups.commit(label),
    failing,
    lineCount: counted,
    unreadLines: unreadNodeLines(obs),
    lineNodes,
  };
  if (hiddenSlots > 0) view.hiddenSlotLines = hiddenSlots;
  if (slotsHidden) view.slotsHidden = true;
  if (isolated) view.isolated = { peers: peerLines.length };
  if (info?.cluster_state) view.clusterState = info.cluster_state;
  if (Number.isFinite(known) && known > 0) view.knownNodes = known;
  return view;
}
