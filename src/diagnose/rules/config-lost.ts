/**
 * CONFIG_LOST: a node restarted without its nodes.conf. It comes back as a lone master with a new id that
 * knows only itself (cluster_known_nodes:1), perhaps claiming stray slots for keys it found on disk, while
 * its old id lingers in the others' views: at the same address, followed by its old replicas, or as a
 * noaddr entry (peers met a different id at its address).
 */
import { unreadNodeLines } from '../../cluster/model-fold.ts';
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import { countSlots, SLOT_COUNT } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import type { RuleContext } from '../context.ts';
import { describe, finding, listLabels, shortRanges } from '../finding.ts';
import { lineIndex, type OwnLine, quote } from '../identity.ts';
import { replicaInfo } from '../replication-info.ts';
import type { Finding } from '../types.ts';

export type LostLink = 'same-address' | 'replica-follows' | 'noaddr-owner' | 'lone-only';

export interface LostConfig {
  /** The node as it is now (new id), when its own view was seen. */
  node?: ModelNode;
  address: string;
  /** Old entries of the same machine the rest of the cluster still lists. */
  old: ModelNode[];
  link: LostLink;
  /** Slots the new node claims on its own (keys found on disk), if any. */
  claims: SlotRange[];
  /** Old replicas now replicating from the empty new node. */
  resyncing: ModelNode[];
  evidence: string[];
}

const cache = new WeakMap<ClusterModel, LostConfig[]>();

/**
 * The node knows only itself: CLUSTER INFO says cluster_known_nodes:1, or its CLUSTER NODES has one line and
 * no other line of it was lost to the reader (an unreadable line is an unknown node, not an absent one).
 */
function isLone(o: OwnLine): boolean {
  const known = Number(o.obs.clusterInfo?.cluster_known_nodes);
  if (!o.line.flags.includes('master')) return false;
  return known === 1 || (o.viewSize === 1 && unreadNodeLines(o.obs) === 0 && !(known > 1));
}

function replicaTarget(r: ModelNode): string | null {
  const f = replicaInfo(r)?.fields;
  return f?.master_host && f.master_port ? `${f.master_host}:${f.master_port}` : null;
}

function fromLone(ctx: RuleContext, id: string, own: OwnLine, taken: Set<string>): LostConfig {
  const { model } = ctx;
  const node = model.byId.get(id);
  const pasted = own.obs.address.startsWith('paste#') ? '' : own.obs.address;
  const address = own.address || own.obs.contactedAddress || pasted;
  const evidence = [`own view (knows only itself): ${quote(own.observer, own.line.raw)}`];
  const known = own.obs.clusterInfo?.cluster_known_nodes;
  if (known) evidence.push(`${own.observer}: cluster_known_nodes:${known}`);
  const others = model.nodes.filter((n) => n.id !== id);
  let link: LostLink = 'lone-only';
  let old = others.filter((n) => n.addressesSeen.includes(address) && !n.selfSeen);
  if (old.length > 0) link = 'same-address';
  const followers = others.filter(
    (r) => r.role === 'replica' && replicaTarget(r) === address && r.masterId !== id,
  );
  if (old.length === 0 && followers.length > 0) {
    old = [...new Set(followers.flatMap((r) => (r.masterId ? [model.byId.get(r.masterId)] : [])))].filter(
      (x): x is ModelNode => x !== undefined,
    );
    if (old.length > 0) link = 'replica-follows';
  }
  if (old.length === 0) {
    old = others.filter((n) => n.noaddrBy.length > 0 && n.slotCount > 0);
    if (old.length > 0) link = 'noaddr-owner';
  }
  for (const o of old) {
    taken.add(o.id);
    evidence.push(...o.flaggedLines.slice(0, 2).map((l) => quote(l.observer, l.raw)));
    if (o.flaggedLines.length === 0 && o.firstLine)
      evidence.push(quote(o.firstLine.observer, o.firstLine.raw));
  }
  const resyncing = followers.filter((r) => replicaInfo(r)?.linkUp === true);
  for (const r of followers)
    evidence.push(
      `${r.label}: replica of ${r.masterId?.slice(0, 8) ?? '?'}… but master_host:port is ${address} (master_link_status:${replicaInfo(r)?.linkUp ? 'up' : 'down'})`,
    );
  const out: LostConfig = { address, old, link, claims: own.line.slots, resyncing, evidence };
  if (node) out.node = node;
  return out;
}

/** Every lost-config case in the model; memoised per model. */
export function analyzeConfigLost(ctx: RuleContext): LostConfig[] {
  const hit = cache.get(ctx.model);
  if (hit) return hit;
  const idx = lineIndex(ctx);
  const out: LostConfig[] = [];
  const taken = new Set<string>();
  for (const [id, owns] of idx.own) {
    const lone = owns.find(isLone);
    if (!lone) continue;
    const found = fromLone(ctx, id, lone, taken);
    // A one-node cluster owning every slot is a legitimate setup, not a lost config.
    if (found.link === 'lone-only' && countSlots(found.claims) === SLOT_COUNT) continue;
    out.push(found);
  }
  // Without the new node's own view: an owner that peers list as noaddr met another id at its address.
  for (const n of ctx.model.nodes) {
    if (taken.has(n.id) || n.noaddrBy.length === 0 || n.slotCount === 0 || n.role === 'replica') continue;
    out.push({
      address: '',
      old: [n],
      link: 'noaddr-owner',
      claims: [],
      resyncing: [],
      evidence: n.flaggedLines.slice(0, 3).map((l) => quote(l.observer, l.raw)),
    });
  }
  cache.set(ctx.model, out);
  return out;
}

function message(c: LostConfig): string {
  const who = c.node ? describe(c.node) : c.address || 'a node';
  const oldOwners = c.old.filter((o) => o.slotCount > 0);
  const oldText = c.old.map(
    (o) => `${o.id.slice(0, 8)}…${o.slotCount > 0 ? ` (slots ${shortRanges(o.slots)})` : ''}`,
  );
  const tail = [
    c.claims.length > 0
      ? ` It claims slots ${shortRanges(c.claims)} on its own (keys it found on disk).`
      : '',
    oldOwners.length > 0
      ? ` The old id still owns ${listLabels(oldOwners.map((o) => shortRanges(o.slots)))}, which nobody can reach: clients of those slots fail.`
      : '',
    c.resyncing.length > 0
      ? ` ${listLabels(c.resyncing.map((r) => r.label))} followed the address and ${c.resyncing.length === 1 ? 'is' : 'are'} now syncing from the empty node: ${c.resyncing.length === 1 ? 'its' : 'their'} copy of the data is being replaced with nothing.`
      : '',
  ].join('');
  switch (c.link) {
    case 'same-address':
    case 'replica-follows':
      return `${who} knows only itself (a new id) while the cluster still lists its old id ${listLabels(oldText)} ${c.link === 'same-address' ? `at the same address ${c.address}` : `and the old id's replicas replicate from ${c.address}`}: it restarted without its nodes.conf.${tail}`;
    case 'noaddr-owner':
      return c.node
        ? `${who} knows only itself (a new id), and peers list a master ${listLabels(oldText)} as noaddr: most likely the same machine restarted without its nodes.conf (peers met the new id at the old address).${tail}`
        : `Peers list master ${listLabels(oldText)} as noaddr ":0@0": they met a different node id at its address, so that node restarted without its nodes.conf (or was CLUSTER RESET).${tail}`;
    default:
      return `${who} knows only itself (${c.evidence.some((e) => e.endsWith('cluster_known_nodes:1')) ? 'cluster_known_nodes:1' : 'its CLUSTER NODES lists no other node'}): it lost its nodes.conf (restarted on an empty volume) or was never joined to the cluster. Do not assign slots to it on that basis: check where the rest of the cluster is first.${tail}`;
  }
}

/** CONFIG_LOST rule family: one finding per node that lost (or seems to have lost) its cluster config. */
export function configLostRule(ctx: RuleContext): Finding[] {
  return analyzeConfigLost(ctx).map((c) => {
    const critical = c.old.some((o) => o.slotCount > 0) || c.claims.length > 0 || c.resyncing.length > 0;
    const labels = [...(c.node ? [c.node.label] : []), ...c.old.map((o) => o.label)];
    return finding(
      'CONFIG_LOST',
      critical ? 'critical' : 'warning',
      message(c),
      labels,
      [...c.old.flatMap((o) => o.slots), ...c.claims],
      c.evidence,
    );
  });
}
