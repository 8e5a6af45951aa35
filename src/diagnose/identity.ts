/**
 * Who printed what about whom, line by line: every CLUSTER NODES line indexed by the node it describes,
 * with its observer, address and link state (the model keeps flags but not addresses per observer).
 * Shared by the address, ghost and lost-config rules. Pure; memoised per model.
 */
import { lineAddress, observerLabel } from '../cluster/model-fold.ts';
import { buildIdResolver, type IdResolver } from '../cluster/model-ids.ts';
import type { ClusterModel, ModelNode, ModelView } from '../cluster/model-types.ts';
import type { ClusterSnapshot, NodeLine, NodeObservation } from '../cluster/types.ts';
import type { RuleContext } from './context.ts';

/** One line some observer printed about a node (never the node's own myself line). */
export interface PeerLine {
  observer: string;
  /** Canonical id of the observer, when its myself line or probe says. */
  observerId: string | null;
  line: NodeLine;
  /** "ip:port" (or "hostname:port"); '' for noaddr or empty addresses. */
  address: string;
}

/** A node's own myself line, with the observation it came from. */
export interface OwnLine {
  observer: string;
  line: NodeLine;
  address: string;
  obs: NodeObservation;
  /** Lines in that observation (1 = it knows only itself). */
  viewSize: number;
}

export interface LineIndex {
  /** Lines about each node (by canonical id) printed by other observers. */
  peers: Map<string, PeerLine[]>;
  /** Each node's own myself line(s). */
  own: Map<string, OwnLine[]>;
  /** Canonical id of a printed id. */
  resolve(id: string): string;
  /**
   * Shortcuts for per-node scans over every peer line (a million at 1,000 views), computed while the lines
   * are indexed; absent when not computed, and then callers scan. For a node id:
   * `peersAllAt` is the one address every peer line prints (null when they differ or no peer lists it);
   * `peerEmptyIp` is whether some peer line prints an empty ip.
   */
  summary?: { peersAllAt(id: string): string | null; peerEmptyIp(id: string): boolean };
}

const cache = new WeakMap<ClusterModel, LineIndex>();

/**
 * lineAddress() that returns one shared string per distinct address: with one view per node every address
 * is printed once per view, and equal addresses then compare (and hash) as the same string.
 */
function addressInterner(): (line: Pick<NodeLine, 'ip' | 'port' | 'hostname'>) => string {
  const byHost = new Map<string, Map<number, string>>();
  return (line) => {
    const host = line.ip || line.hostname || '';
    if (!host || !line.port) return '';
    let ports = byHost.get(host);
    if (!ports) {
      ports = new Map();
      byHost.set(host, ports);
    }
    let address = ports.get(line.port);
    if (address === undefined) {
      address = lineAddress(line);
      ports.set(line.port, address);
    }
    return address;
  };
}

/** Lists keyed by node index, kept in first-insertion order so the final Map iterates as before. */
class Lists<T> {
  private readonly byNode: (T[] | undefined)[] = [];
  private readonly order: number[] = [];
  add(node: number, entry: T): void {
    const list = this.byNode[node];
    if (list) list.push(entry);
    else {
      this.byNode[node] = [entry];
      this.order.push(node);
    }
  }
  toMap(nodes: readonly ModelNode[]): Map<string, T[]> {
    return new Map(this.order.map((i) => [nodes[i]!.id, this.byNode[i]!]));
  }
}

/**
 * The model's views paired with the observations they were folded from, when every pairing is certain
 * (same order, same line count); null otherwise, and the caller resolves ids itself.
 */
function pairViews(
  snapshot: ClusterSnapshot,
  model: ClusterModel,
): { obs: NodeObservation; view: ModelView; ln: Int32Array }[] | null {
  const out: { obs: NodeObservation; view: ModelView; ln: Int32Array }[] = [];
  let v = 0;
  for (const obs of snapshot.observations) {
    const lines = obs.nodes?.nodes ?? [];
    if (lines.length === 0) continue;
    const view = model.views[v++];
    const ln = view?.lineNodes;
    if (!view || !ln || ln.length !== lines.length || view.source === 'check') return null;
    // The view's observer id is derived as below unless a paste gave an empty node id.
    if (obs.nodeId === '' && !lines.some((l) => l.flags.includes('myself'))) return null;
    out.push({ obs, view, ln });
  }
  return out;
}

/** Indexes every CLUSTER NODES line of the snapshot by the node it is about (computed once per model). */
export function lineIndex(ctx: Pick<RuleContext, 'snapshot' | 'model'>): LineIndex {
  const hit = cache.get(ctx.model);
  if (hit) return hit;
  const index = fromModel(ctx.snapshot, ctx.model) ?? byResolving(ctx.snapshot);
  cache.set(ctx.model, index);
  return index;
}

/**
 * Fast path: buildModel already knows which node every line is about (ModelView.lineNodes), so no id is
 * resolved again; the id resolver is only built if someone asks for it.
 */
function fromModel(snapshot: ClusterSnapshot, model: ClusterModel): LineIndex | null {
  const pairs = pairViews(snapshot, model);
  if (!pairs) return null;
  const nodes = model.nodes;
  const addressOf = addressInterner();
  // Most lines print the node at the address the model settled on: compare fields, reuse one string.
  const nodeAddress = nodes.map((n) => addressOf(n));
  const peers = new Lists<PeerLine>();
  const own = new Lists<OwnLine>();
  // Per node index: the address all its peer lines print (undefined: none yet, null: they differ).
  const allAt: (string | null | undefined)[] = new Array(nodes.length);
  const emptyIp = new Uint8Array(nodes.length);
  for (const { obs, view, ln } of pairs) {
    const lines = obs.nodes?.nodes ?? [];
    const label = view.observer;
    const observerId = view.observerId;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const k = ln[i]!;
      const n = nodes[k]!;
      const address =
        line.ip === n.ip && line.port === n.port && line.hostname === n.hostname
          ? nodeAddress[k]!
          : addressOf(line);
      if (line.flags.includes('myself') || (observerId !== null && n.id === observerId)) {
        own.add(k, { observer: label, line, address, obs, viewSize: lines.length });
      } else {
        peers.add(k, { observer: label, observerId, line, address });
        const at = allAt[k];
        if (at === undefined) allAt[k] = address;
        else if (at !== null && at !== address) allAt[k] = null;
        if (line.ip === '') emptyIp[k] = 1;
      }
    }
  }
  let ids: IdResolver | undefined;
  const indexOf = new Map(nodes.map((n, i) => [n.id, i]));
  return {
    peers: peers.toMap(nodes),
    own: own.toMap(nodes),
    resolve: (id) => {
      ids ??= buildIdResolver(snapshot);
      return ids.resolve(id);
    },
    summary: {
      peersAllAt: (id) => {
        const k = indexOf.get(id);
        return k === undefined ? null : (allAt[k] ?? null);
      },
      peerEmptyIp: (id) => {
        const k = indexOf.get(id);
        return k === undefined ? false : emptyIp[k] === 1;
      },
    },
  };
}

/** Slow path (a snapshot the model's views do not line up with): resolve every printed id. */
function byResolving(snapshot: ClusterSnapshot): LineIndex {
  const ids = buildIdResolver(snapshot);
  const addressOf = addressInterner();
  const peers = new Map<string, PeerLine[]>();
  const own = new Map<string, OwnLine[]>();
  for (const obs of snapshot.observations) {
    const lines = obs.nodes?.nodes ?? [];
    if (lines.length === 0) continue;
    const label = observerLabel(obs);
    const self = lines.find((l) => l.flags.includes('myself'));
    const rawObserver = self?.id ?? obs.nodeId ?? obs.nodes?.observer ?? null;
    const observerId = rawObserver ? ids.resolve(rawObserver) : null;
    for (const line of lines) {
      const id = ids.resolve(line.id);
      const address = addressOf(line);
      if (line.flags.includes('myself') || (observerId !== null && id === observerId)) {
        const entry: OwnLine = { observer: label, line, address, obs, viewSize: lines.length };
        const list = own.get(id);
        if (list) list.push(entry);
        else own.set(id, [entry]);
      } else {
        const entry: PeerLine = { observer: label, observerId, line, address };
        const list = peers.get(id);
        if (list) list.push(entry);
        else peers.set(id, [entry]);
      }
    }
  }
  return { peers, own, resolve: ids.resolve };
}

/** True when the line says its observer cannot reach the node (fail?, fail, noaddr or no bus link). */
export function unreachableIn(l: NodeLine): boolean {
  return (
    l.link === 'disconnected' ||
    l.flags.includes('fail?') ||
    l.flags.includes('fail') ||
    l.flags.includes('noaddr')
  );
}

/** "fail?" / "fail" / "noaddr" / "disconnected": the strongest sign of trouble a line carries, '' if none. */
export function troubleOf(l: NodeLine): string {
  if (l.flags.includes('fail')) return 'fail';
  if (l.flags.includes('fail?')) return 'fail?';
  if (l.flags.includes('noaddr')) return 'noaddr';
  if (l.flags.includes('handshake')) return 'handshake';
  return l.link === 'disconnected' ? 'disconnected' : '';
}

/** "observer: raw line" evidence. */
export function quote(observer: string, raw: string): string {
  return `${observer}: ${raw}`;
}

/**
 * Addresses where nothing answered, with the line that says so: live probes that were refused or timed
 * out, and redis-cli check's "Could not connect to Redis at ip:port" lines.
 */
export function deadAddresses(ctx: Pick<RuleContext, 'snapshot' | 'model'>): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of ctx.snapshot.observations) {
    if (o.source !== 'live' || !o.error) continue;
    if (o.error.kind !== 'refused' && o.error.kind !== 'timeout') continue;
    const text = `live probe of ${o.address}: ${o.error.kind}: ${o.error.message}`;
    out.set(o.address, text);
    if (o.contactedAddress) out.set(o.contactedAddress, text);
  }
  for (const e of ctx.model.checkErrors) if (!out.has(e.address)) out.set(e.address, `redis-cli: ${e.line}`);
  return out;
}

/** Live observations that answered, by every address they were reached at or announce. */
export function answeringAddresses(ctx: Pick<RuleContext, 'snapshot'>): Map<string, NodeObservation> {
  const out = new Map<string, NodeObservation>();
  for (const o of ctx.snapshot.observations) {
    if (o.source !== 'live' || o.error || !o.nodes) continue;
    out.set(o.address, o);
    if (o.contactedAddress) out.set(o.contactedAddress, o);
  }
  return out;
}

/** Nodes the cluster still counts on (not ghosts we are judging): every node that has an address. */
export function addressed(model: ClusterModel): ModelNode[] {
  return model.nodes.filter(
    (n) => n.ip !== '' && n.port > 0 && n.handshakeBy.length === 0 && !n.addressTyped,
  );
}
