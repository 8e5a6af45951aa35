/**
 * WRONG_ANNOUNCED_ADDRESS: a node announces an address its peers or clients cannot use: loopback or
 * 0.0.0.0 among routable peers, an empty ip, different addresses in different peers' views, an address
 * where nothing answers while the node is demonstrably alive, or (a weak suspicion) a private address
 * among public ones.
 */
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import type { RuleContext } from '../context.ts';
import { describe, finding, listLabels } from '../finding.ts';
import { addressed, deadAddresses, type LineIndex, lineIndex, quote } from '../identity.ts';
import { type IpKind, ipKind, isLocalOnly } from '../ip-kind.ts';
import { type ReplicaInfo, replicaInfo } from '../replication-info.ts';
import type { Finding } from '../types.ts';

export interface AnnounceIssue {
  node: ModelNode;
  /** The address other nodes and clients are told to use. */
  announced: string;
  /** Strong evidence names the cause; weak evidence stays a warning-level suspicion. */
  strong: boolean;
  /** Where the node did answer (live), when that is known. */
  reachableAt?: string;
  what: string;
  evidence: string[];
}

const cache = new WeakMap<ClusterModel, AnnounceIssue[]>();

/**
 * Lookups every node's checks share, built once per analysis instead of once per node (at 1,000 nodes
 * the per-node rescans of all nodes, observations and addresses were the whole cost of this rule).
 */
interface Scan {
  ctx: RuleContext;
  idx: LineIndex;
  /** deadAddresses(ctx). */
  dead: Map<string, string>;
  /** addressed(model): the nodes every other node is compared with. */
  nodes: ModelNode[];
  nodeIds: Set<string>;
  /** How many of `nodes` announce each kind of ip. */
  kinds: Map<IpKind, number>;
  /** Nodes naming each id as their master (model order), with their INFO replication read once. */
  replicasOf: Map<string, { r: ModelNode; info: ReplicaInfo | null }[]>;
}

function scan(ctx: RuleContext): Scan {
  const nodes = addressed(ctx.model);
  const kinds = new Map<IpKind, number>();
  for (const o of nodes) {
    const k = ipKind(o.ip);
    kinds.set(k, (kinds.get(k) ?? 0) + 1);
  }
  const replicasOf = new Map<string, { r: ModelNode; info: ReplicaInfo | null }[]>();
  for (const r of ctx.model.nodes) {
    if (r.masterId === null) continue;
    const list = replicasOf.get(r.masterId) ?? [];
    list.push({ r, info: replicaInfo(r) });
    replicasOf.set(r.masterId, list);
  }
  return {
    ctx,
    idx: lineIndex(ctx),
    dead: deadAddresses(ctx),
    nodes,
    nodeIds: new Set(nodes.map((o) => o.id)),
    kinds,
    replicasOf,
  };
}

/** The compared nodes other than `n` (what the checks call "the other nodes"). */
function othersOf(s: Scan, n: ModelNode): ModelNode[] {
  return s.nodes.filter((o) => o.id !== n.id);
}

/** An issue about the address the node announces itself (its label). */
function issueAt(n: ModelNode, strong: boolean, what: string, evidence: string[]): AnnounceIssue {
  return { node: n, announced: n.label, strong, what, evidence };
}

function ownOrPeerLines(s: Scan, n: ModelNode): { observer: string; raw: string; ip: string }[] {
  const idx = s.idx;
  return [
    ...(idx.own.get(n.id) ?? []).map((o) => ({ observer: o.observer, raw: o.line.raw, ip: o.line.ip })),
    ...(idx.peers.get(n.id) ?? []).map((p) => ({ observer: p.observer, raw: p.line.raw, ip: p.line.ip })),
  ];
}

function localOnly(s: Scan, n: ModelNode): AnnounceIssue | null {
  if (!isLocalOnly(ipKind(n.ip))) return null;
  // Some other node announces a routable address (n itself is local-only, so it never counts here).
  const routable = s.nodes.length - (s.kinds.get('loopback') ?? 0) - (s.kinds.get('unspecified') ?? 0);
  if (routable === 0) return null;
  const lines = ownOrPeerLines(s, n).filter((l) => l.ip === n.ip);
  return issueAt(
    n,
    true,
    `announces ${n.ip}, which on any other machine means that machine itself, while the other nodes use routable addresses: peers and clients cannot reach it there`,
    lines.map((l) => quote(l.observer, l.raw)),
  );
}

function emptyIp(s: Scan, n: ModelNode): AnnounceIssue | null {
  const idx = s.idx;
  // Shortcut: no peer line about it prints an empty ip (known without scanning a million lines).
  const peerEmpty = (idx.summary?.peerEmptyIp(n.id) === false ? [] : (idx.peers.get(n.id) ?? [])).filter(
    (p) =>
      p.line.ip === '' &&
      p.line.port > 0 &&
      !p.line.flags.includes('noaddr') &&
      !p.line.flags.includes('handshake'),
  );
  const ownEmpty = (idx.own.get(n.id) ?? []).filter(
    (o) => o.line.ip === '' && o.line.port > 0 && o.viewSize > 1,
  );
  if (peerEmpty.length === 0 && ownEmpty.length === 0) return null;
  return {
    node: n,
    announced: `:${n.port}`,
    strong: peerEmpty.length > 0,
    what:
      peerEmpty.length > 0
        ? `is listed with an empty ip (":${n.port}") by ${listLabels(peerEmpty.map((p) => p.observer))}: those peers have no address to reach it at`
        : 'prints an empty ip on its own myself line although it has peers: it never learned which address it is reached at (no cluster-announce-ip, and no peer reached it yet)',
    evidence: [
      ...ownEmpty.map((o) => quote(o.observer, o.line.raw)),
      ...peerEmpty.map((p) => quote(p.observer, p.line.raw)),
    ],
  };
}

function peersDisagree(s: Scan, n: ModelNode): AnnounceIssue | null {
  const idx = s.idx;
  if ((idx.own.get(n.id) ?? []).length > 0) return null;
  const lines = (idx.peers.get(n.id) ?? []).filter((p) => p.address !== '' && p.line.ip !== '');
  const addrs = [...new Set(lines.map((p) => p.address))];
  if (addrs.length < 2) return null;
  return {
    node: n,
    announced: addrs.join(' / '),
    strong: true,
    what: `is listed under ${addrs.length} different addresses (${listLabels(addrs)}) by different peers: it announced inconsistent addresses (e.g. no cluster-announce-ip on a multi-homed host or behind NAT), or it moved and some peers are stale`,
    evidence: lines.map((p) => quote(p.observer, p.line.raw)),
  };
}

/** Where the node was actually reached, when that differs from its myself line (live or a paste prompt). */
function reachedAt(s: Scan, n: ModelNode): { at: string; evidence: string } | null {
  for (const o of s.idx.own.get(n.id) ?? []) {
    if (o.obs.error || !o.address) continue;
    const prompt = o.obs.source === 'paste' && /:\d+$/.test(o.obs.address) ? o.obs.address : undefined;
    const at = o.obs.contactedAddress ?? prompt;
    if (at && at !== o.address)
      return { at, evidence: `reached at ${at}, own view: ${quote(o.observer, o.line.raw)}` };
  }
  return null;
}

/**
 * Proof that a node nobody can connect to is still alive, from how long it has gone unflagged; null when
 * there is none. A peer flags a node fail? once its pending ping has waited cluster-node-timeout with no
 * data from it meanwhile, so:
 * - a pending ping older than the timeout (plus a second for the 100 ms cron and clocks) without the flag
 *   means data still comes from the node;
 * - a dead node stops answering at most timeout/2 after its last pong, and is flagged within 1.5 timeouts of
 *   dying, so silence since the last pong longer than 2 timeouts (plus a second) without the flag means the
 *   same.
 * Anything shorter is what a node that has just died looks like, so it proves nothing. A replica's
 * master_link_down_since_seconds proves nothing either: its link may have dropped before the master died.
 */
function aliveForMs(s: Scan, n: ModelNode): number | null {
  const clock = s.ctx.model.clockMs;
  if (clock <= 0) return null;
  const timeout = s.ctx.config.nodeTimeoutMs.value;
  const pending = n.pingSentMs > 0 ? clock - n.pingSentMs : 0;
  const silent = n.lastPongMs > 0 ? clock - n.lastPongMs : 0;
  if (pending > timeout + 1000) return pending;
  if (silent > 2 * timeout + 1000) return silent;
  return null;
}

/** Replicas whose INFO replication dials the node's announced address and has the link down. */
function replicasCut(s: Scan, n: ModelNode): string[] {
  return (s.replicasOf.get(n.id) ?? []).flatMap(({ r, info: i }) => {
    if (i?.linkUp !== false || `${i.fields.master_host}:${i.fields.master_port}` !== n.label) return [];
    return [
      `${r.label}: master_host:${i.fields.master_host} master_port:${i.fields.master_port} master_link_status:down`,
    ];
  });
}

function unanswered(s: Scan, n: ModelNode): AnnounceIssue | null {
  if (n.handshakeBy.length > 0 || n.noaddrBy.length > 0) return null;
  const ctx = s.ctx;
  const dead = s.dead.get(n.label);
  const peers = s.idx.peers.get(n.id) ?? [];
  const cut = replicasCut(s, n);
  const flagged = n.failBy.length > 0 || n.pfailBy.length > 0;
  const cutOff = peers.length > 0 && !flagged && peers.every((p) => p.line.link === 'disconnected');
  const evidence = [
    ...(dead ? [dead] : []),
    ...(cutOff ? peers.map((p) => quote(p.observer, p.line.raw)) : []),
    ...cut,
  ];
  const reached = reachedAt(s, n);
  // A hostname or loopback prompt/seed is normal (DNS name, port-forward, tunnel): only worth a word
  // when something shows the announced address really fails.
  const literal =
    reached && !['hostname', 'loopback', 'empty'].includes(ipKind(reached.at.replace(/:\d+$/, '')));
  const strong = dead !== undefined || cutOff || cut.length > 0;
  if (reached && (strong || literal)) {
    return {
      node: n,
      announced: n.label,
      strong,
      reachableAt: reached.at,
      what:
        `answers at ${reached.at} but announces ${n.label}${dead ? ', where nothing answers' : ''}: peers, replicas and redirected clients use the announced address` +
        (strong ? '' : ' (fine only if that address is forwarded to it, e.g. through NAT)'),
      evidence: [reached.evidence, ...evidence],
    };
  }
  if (!dead) return ctx.snapshot.source === 'paste' ? nobodyConnects(s, n) : null;
  const waited = cutOff ? aliveForMs(s, n) : null;
  if (waited === null) return null;
  return issueAt(
    n,
    true,
    `is alive (peers still receive its pings, so none flags it fail? after ${Math.round(waited / 1000)} s without an answer, longer than a node that just died stays unflagged) but nobody can connect to its announced address ${n.label}: ` +
      'every peer shows its link disconnected and nothing answers there',
    evidence,
  );
}

/** Paste only: every peer shows the node disconnected long past node-timeout, yet none flags it. */
function nobodyConnects(s: Scan, n: ModelNode): AnnounceIssue | null {
  const ctx = s.ctx;
  const peers = s.idx.peers.get(n.id) ?? [];
  if (peers.length < 2 || n.failBy.length > 0 || n.pfailBy.length > 0) return null;
  if (!peers.every((p) => p.line.link === 'disconnected' && p.line.pingSent > 0)) return null;
  const waited = aliveForMs(s, n);
  if (waited === null) return null;
  const { value: timeout, known } = ctx.config.nodeTimeoutMs;
  return issueAt(
    n,
    false,
    `is shown disconnected by every peer, unanswered for ${Math.round(waited / 1000)} s (longer than a node that just died stays unflagged at cluster-node-timeout ${timeout} ms${known ? '' : ', assumed default'}), yet none flags it fail?: ` +
      'it is alive and pings them, but nobody can open a link to what it announces. Either its announced address or bus port is wrong (cluster-announce-ip / cluster-announce-bus-port) or a firewall blocks its bus port; a live diagnosis can tell which',
    peers.map((p) => quote(p.observer, p.line.raw)),
  );
}

function networkClass(s: Scan, n: ModelNode): AnnounceIssue | null {
  const mine = ipKind(n.ip);
  if (mine !== 'private' && mine !== 'public') return null;
  // Every other node must announce the one other class; n itself is of class `mine`, so it is never
  // counted among them.
  const theirs = mine === 'private' ? 'public' : 'private';
  const count = s.nodes.length - (s.nodeIds.has(n.id) ? 1 : 0);
  if (count < 2 || (s.kinds.get(theirs) ?? 0) !== count) return null;
  const others = othersOf(s, n);
  return issueAt(
    n,
    false,
    `announces a ${mine} address while all ${others.length} other nodes announce ${theirs} ones: it may be unreachable from where the others or the clients are (suspicion only; fine if your network routes it)`,
    [`${n.label} (${mine}); others: ${listLabels(others.map((o) => o.label))} (${theirs})`],
  );
}

/** Every announced-address problem, strongest first per node; memoised per model. */
export function analyzeAnnounced(ctx: RuleContext): AnnounceIssue[] {
  const hit = cache.get(ctx.model);
  if (hit) return hit;
  const s = scan(ctx);
  const out: AnnounceIssue[] = [];
  for (const n of ctx.model.nodes) {
    if (n.handshakeBy.length > 0 || n.addressTyped) continue;
    const issue =
      (n.ip ? localOnly(s, n) : null) ??
      unanswered(s, n) ??
      peersDisagree(s, n) ??
      emptyIp(s, n) ??
      (n.ip ? networkClass(s, n) : null);
    if (issue) out.push(issue);
  }
  cache.set(ctx.model, out);
  return out;
}

/** WRONG_ANNOUNCED_ADDRESS rule family: one finding per node. */
export function announcedAddressRule(ctx: RuleContext): Finding[] {
  return analyzeAnnounced(ctx).map((i) => {
    const owner = i.node.role !== 'replica' && i.node.slotCount > 0;
    const impact = owner ? ' Clients redirected to its slots cannot reach them.' : '';
    return finding(
      'WRONG_ANNOUNCED_ADDRESS',
      i.strong && owner ? 'critical' : 'warning',
      `${describe(i.node)} ${i.what}.${impact}`,
      [i.node.label],
      owner ? i.node.slots : [],
      i.evidence,
    );
  });
}
