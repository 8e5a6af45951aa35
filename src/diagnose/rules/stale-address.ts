/**
 * STALE_ADDRESS: peers still dial a node at an address it left (pods rescheduled with nodes.conf kept).
 * Proof: the node's own myself line (or probe) shows the same id at another address than the failing
 * peer lines. Pattern only: one observer sees every other node failing while it is fine itself.
 */
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import type { RuleContext } from '../context.ts';
import { describe, finding, listLabels, plural } from '../finding.ts';
import {
  answeringAddresses,
  deadAddresses,
  lineIndex,
  type PeerLine,
  quote,
  troubleOf,
  unreachableIn,
} from '../identity.ts';
import { ipKind, isLocalOnly } from '../ip-kind.ts';
import type { Finding } from '../types.ts';

/** A node proven to live at `current` while peers hold it at an older address. */
export interface StaleNode {
  node: ModelNode;
  current: string;
  /** Where the node's own view came from ("127.0.0.5:7000" observer label). */
  ownObserver: string;
  ownRaw: string;
  held: { observer: string; address: string; trouble: string; raw: string }[];
  /** Old addresses where our live probe got no answer. */
  deadOld: string[];
  answeredLive: boolean;
}

/** An observer that sees every other node failing while it is up itself. */
export interface AllFailingView {
  observer: string;
  node?: ModelNode;
  failing: PeerLine[];
  state?: string;
}

export interface StaleAnalysis {
  confirmed: StaleNode[];
  allFailing: AllFailingView[];
}

const cache = new WeakMap<ClusterModel, StaleAnalysis>();

/** Finds stale peer entries (proof) and all-peers-failing views (pattern); memoised per model. */
export function analyzeStale(ctx: RuleContext): StaleAnalysis {
  const hit = cache.get(ctx.model);
  if (hit) return hit;
  const idx = lineIndex(ctx);
  const dead = deadAddresses(ctx);
  const live = answeringAddresses(ctx);
  const confirmed: StaleNode[] = [];
  for (const node of ctx.model.nodes) {
    const own = (idx.own.get(node.id) ?? []).find((o) => o.address !== '' && o.line.ip !== '');
    if (!own) continue;
    const ownKind = ipKind(own.line.ip);
    // Shortcut: every peer line prints the node at its own address, so none holds an old one.
    const peers = idx.summary?.peersAllAt(node.id) === own.address ? [] : (idx.peers.get(node.id) ?? []);
    const held = peers
      .filter(
        // Cheapest test first: most lines hold the node at its own (same, shared) address string.
        (p) => p.address !== own.address && p.address !== '' && p.line.ip !== '' && unreachableIn(p.line),
      )
      .filter((p) => !(isLocalOnly(ownKind) && !isLocalOnly(ipKind(p.line.ip))))
      .map((p) => ({
        observer: p.observer,
        address: p.address,
        trouble: troubleOf(p.line),
        raw: p.line.raw,
      }));
    if (held.length === 0) continue;
    confirmed.push({
      node,
      current: own.address,
      ownObserver: own.observer,
      ownRaw: own.line.raw,
      held,
      deadOld: [...new Set(held.map((h) => h.address))].filter((a) => dead.has(a)),
      answeredLive: live.has(own.address) || (own.obs.source === 'live' && !own.obs.error),
    });
  }
  const allFailing: AllFailingView[] = [];
  for (const [id, owns] of idx.own) {
    for (const own of owns) {
      // Cheap tests first; the list of other lines is built only for a view that qualifies.
      const state = own.obs.clusterInfo?.cluster_state;
      if (state === 'ok' || own.line.flags.some((f) => f === 'fail' || f === 'fail?')) continue;
      const lines = own.obs.nodes?.nodes ?? [];
      if (!lines.every((l) => l === own.line || l.flags.includes('fail?') || l.flags.includes('fail')))
        continue;
      const others = lines.filter((l) => l !== own.line);
      if (others.length < 2) continue;
      const failing: PeerLine[] = others.map((line) => ({
        observer: own.observer,
        observerId: id,
        line,
        address: line.ip ? `${line.ip}:${line.port}` : '',
      }));
      const view: AllFailingView = { observer: own.observer, failing };
      const n = ctx.model.byId.get(id);
      if (n) view.node = n;
      if (state) view.state = state;
      allFailing.push(view);
    }
  }
  const out = { confirmed, allFailing };
  cache.set(ctx.model, out);
  return out;
}

function confirmedFinding(s: StaleNode): Finding {
  const n = s.node;
  const owner = n.role !== 'replica' && n.slotCount > 0;
  const flagged = s.held.some((h) => h.trouble === 'fail' || h.trouble === 'fail?');
  const old = [...new Set(s.held.map((h) => h.address))];
  const evidence = [
    `own view: ${quote(s.ownObserver, s.ownRaw)}`,
    ...s.held.map((h) => quote(h.observer, h.raw)),
    ...s.deadOld.map((a) => `nothing answers at the old address ${a}`),
  ];
  return finding(
    'STALE_ADDRESS',
    owner && flagged ? 'critical' : 'warning',
    `${describe(n)} runs at ${s.current} (its own myself line${s.answeredLive ? ', and it answered there' : ''}), but ` +
      `${listLabels([...new Set(s.held.map((h) => h.observer))])} still ${s.held.length === 1 ? 'has' : 'have'} the same id at ${listLabels(old)} ` +
      `and cannot reach it (${[...new Set(s.held.map((h) => h.trouble))].join(', ')}): it came back on a new address and those peers never learned it.`,
    [n.label],
    owner ? n.slots : [],
    evidence,
  );
}

function patternFinding(v: AllFailingView): Finding {
  const who = v.node ? describe(v.node) : v.observer;
  return finding(
    'STALE_ADDRESS',
    'warning',
    `From ${who}, all ${plural(v.failing.length, 'other node')} are failing (fail?/fail) while it is up itself${v.state ? ` and reports cluster_state:${v.state}` : ''}. ` +
      'One view cannot tell which of these it is: the others came back on new addresses that it does not know (pods rescheduled with nodes.conf kept), ' +
      `they are all down, or ${v.observer} is cut off from everyone. Check where the other nodes run now (e.g. kubectl get pods -o wide) and paste CLUSTER NODES from one of them.`,
    [v.observer],
    '',
    v.failing.map((p) => quote(p.observer, p.line.raw)),
  );
}

/** Observers that list every peer as noaddr (they lost their peers), with those lines. */
export function isolatedObservers(
  ctx: RuleContext,
): { observer: string; node?: ModelNode; lines: string[] }[] {
  return ctx.model.views.flatMap((v) => {
    if (!v.isolated) return [];
    const node = v.observerId ? ctx.model.byId.get(v.observerId) : undefined;
    const lines = ctx.model.nodes.flatMap((n) =>
      n.flaggedLines.filter((l) => l.observer === v.observer).map((l) => quote(l.observer, l.raw)),
    );
    return [{ observer: v.observer, ...(node ? { node } : {}), lines }];
  });
}

function isolatedFinding(i: { observer: string; node?: ModelNode; lines: string[] }, peers: number): Finding {
  return finding(
    'STALE_ADDRESS',
    'warning',
    `${i.node ? describe(i.node) : i.observer} lists all ${plural(peers, 'other node')} as noaddr ":0@0": wherever it dialled them, another node id answered (they were reset or rebuilt, or it comes from an older incarnation of the cluster). It has lost its peers and serves nothing of the cluster; its view says nothing about the other nodes, so it is not read as their failure.`,
    [i.observer],
    '',
    i.lines,
  );
}

/** STALE_ADDRESS rule family. */
export function staleAddressRule(ctx: RuleContext): Finding[] {
  const a = analyzeStale(ctx);
  const isolated = isolatedObservers(ctx).map((i) =>
    isolatedFinding(i, ctx.model.views.find((v) => v.observer === i.observer)?.isolated?.peers ?? 0),
  );
  if (a.confirmed.length > 0) return [...a.confirmed.map(confirmedFinding), ...isolated];
  return [...a.allFailing.map(patternFinding), ...isolated];
}
