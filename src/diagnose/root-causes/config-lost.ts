/**
 * cluster-config-lost: a node restarted without nodes.conf and came back as a stranger (new id, knows only
 * itself) while the cluster keeps its old id. Its slots, if it had any, are served by nobody until a
 * replica takes them over; the old id must be forgotten and the new node joined again.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { formatRanges } from '../../cluster/slots.ts';
import { isDown } from '../context.ts';
import { listLabels, shortRanges } from '../finding.ts';
import { analyzeConfigLost, type LostConfig } from '../rules/config-lost.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import { forgetEverywhere } from './ghost-nodes.ts';
import { meetAction } from './stale-addresses.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

const PERSIST =
  'Keep nodes.conf (cluster-config-file) on the same persistent volume as the data, never on an emptyDir or a wiped disk: ' +
  'it is the node identity, not a cache.';

function takeOver(ctx: CauseContext, old: ModelNode, c: LostConfig): RecommendedAction | null {
  const replicas = old.replicas.flatMap((id) => ctx.model.byId.get(id) ?? []).filter((r) => !isDown(r));
  const r = replicas.find((x) => !c.resyncing.includes(x)) ?? replicas[0];
  if (!r) return null;
  const wiped = c.resyncing.includes(r);
  return {
    action: 'failover-force',
    target: `${r.label} -> takes over slots ${shortRanges(old.slots)} from the lost id ${old.id.slice(0, 8)}…`,
    params: { node: r.label, master: old.id },
    why:
      `${wiped ? `First run DBSIZE on ${r.label}: it re-synced from the empty node at ${c.address}, so it may hold nothing now; if it is empty, restore from a backup instead of promoting it. ` : `Check DBSIZE on ${r.label} first. `}` +
      `CLUSTER FAILOVER FORCE on it makes the majority of masters vote it owner of those slots; the old id never returns, so nothing else is lost beyond writes it had not received.`,
  };
}

function actionsFor(ctx: CauseContext, c: LostConfig): RecommendedAction[] {
  const out: RecommendedAction[] = [];
  const exclude = new Set([...(c.node ? [c.node.id] : [])]);
  for (const old of c.old) {
    if (old.slotCount > 0) {
      const t = takeOver(ctx, old, c);
      if (t) out.push(t);
    }
    out.push(
      forgetEverywhere(
        ctx,
        old,
        exclude,
        old.slotCount > 0
          ? `Only after its slots ${shortRanges(old.slots)} are served by another node: forgetting a slot owner leaves its slots unassigned.`
          : 'It owns no slots, so clients are not affected.',
      ),
    );
  }
  const hub = ctx.model.nodes.find(
    (n) => n.selfSeen && !isDown(n) && n.ip && n.id !== c.node?.id && n.role === 'master',
  );
  if (c.node?.ip && hub) {
    out.push(
      meetAction(
        hub,
        c.node,
        `Joins the node that came back empty (new id ${c.node.id.slice(0, 8)}…) to the cluster again, after the old id is forgotten. It owns ${c.claims.length > 0 ? `slots ${shortRanges(c.claims)} on its own: settle those first (see the explanation)` : 'nothing, so joining it moves no data'}.`,
      ),
    );
    out.push({
      action: 'add-replica',
      target: `${c.node.label} -> CLUSTER REPLICATE <id of a master that needs a replica>`,
      params: { node: c.node.label },
      why: 'Once joined, make it a replica again (run CLUSTER REPLICATE on it): it copies that master data and restores redundancy, risking nothing.',
    });
  }
  return out;
}

/**
 * The lone node kept its id and peers still list that id: it forgot the cluster (CLUSTER RESET SOFT, or
 * nodes.conf replaced by an older one-node copy) rather than losing its identity.
 */
function resetKeepingId(ctx: CauseContext, c: LostConfig): RootCause | null {
  const n = c.node;
  if (!n || n.seenBy.length === 0 || c.old.length > 0 || c.claims.length > 0) return null;
  const hub = ctx.model.nodes.find(
    (x) => x.selfSeen && !isDown(x) && x.ip && x.id !== n.id && x.role === 'master',
  );
  const actions: RecommendedAction[] = [];
  if (n.ip && hub)
    actions.push(
      meetAction(
        hub,
        n,
        `Introduces ${n.label} to the cluster again; its id is unchanged and still known, so nothing needs forgetting first. It owns no slots, so joining it moves no data.`,
      ),
    );
  actions.push({
    action: 'add-replica',
    target: `${n.label} -> CLUSTER REPLICATE <id of a master that needs a replica>`,
    params: { node: n.label },
    why: 'Once it knows the cluster again, make it a replica (run CLUSTER REPLICATE on it): it copies that master data and restores redundancy, risking nothing.',
  });
  return {
    code: 'cluster-config-lost',
    summary: `${n.label} forgot the cluster (CLUSTER RESET): it knows only itself, while ${listLabels(n.seenBy)} still list it under the same id.`,
    explanation:
      `${n.label} answers with id ${n.id.slice(0, 8)}… and cluster_known_nodes:1, yet its peers still list that very id${n.role === 'master' ? ' (now as a master without slots)' : ''}. ` +
      'A node that lost nodes.conf would have come back with a new id; keeping the id while forgetting every peer is what CLUSTER RESET SOFT does (a reset replica also drops its data and becomes an empty master). ' +
      'It serves nothing and gives its former master no redundancy. Do not assign slots to it or run redis-cli --cluster fix; do not CLUSTER FORGET its id either (that is the node itself). ' +
      'Meet it again from a cluster member and make it a replica; then find out who ran the reset.',
    nodes: [n.label],
    slots: '',
    actions,
  };
}

function detect(ctx: CauseContext): RootCause[] {
  return analyzeConfigLost(ctx).map((c) => {
    const reset = resetKeepingId(ctx, c);
    if (reset) return reset;
    const oldOwners = c.old.filter((o) => o.slotCount > 0);
    const sure = c.link === 'same-address' || c.link === 'replica-follows';
    const named = c.node && c.node.label !== c.node.id ? c.node.label : c.address || c.node?.label;
    const who = named ?? `the node behind ${listLabels(c.old.map((o) => o.id.slice(0, 8)))}`;
    const how: Record<LostConfig['link'], string> = {
      'same-address': `Certain: the address ${c.address} is still listed under the old id while the process there has a new id and knows only itself.`,
      'replica-follows': `Certain: the old id's replicas replicate from ${c.address}, where a node with a new id that knows only itself now runs.`,
      'noaddr-owner': c.node
        ? `Likely: ${who} knows only itself and the others list the old id as noaddr (they reached its address and met another id); check that ${who} is that machine.`
        : 'Likely: peers mark an owner noaddr only when they reach its address and meet another id there, i.e. the node restarted with a new identity.',
      'lone-only': `Not proven: only ${who}'s own view is here, and it knows only itself. It lost its nodes.conf or was never joined; paste CLUSTER NODES from another member to confirm.`,
    };
    const claims =
      c.claims.length > 0
        ? ` It claims slots ${shortRanges(c.claims)} by itself because it found keys for them on disk ("I have keys for unassigned slot"): it now answers for them alone, apart from the cluster; those keys are a copy to recover, not to discard.`
        : '';
    return {
      code: 'cluster-config-lost' as const,
      summary:
        c.link === 'lone-only'
          ? `${who} knows only itself: it lost its cluster config (nodes.conf) or was never joined (not proven; do not assign slots to it).`
          : `${who} lost its cluster config (nodes.conf): it came back with a new id${oldOwners.length > 0 ? ` and the old id's slots ${shortRanges(oldOwners.flatMap((o) => o.slots))} are served by nobody` : ''}${sure ? '' : ' (likely, not proven)'}.`,
      explanation:
        `${how[c.link]} A node without nodes.conf starts as a brand-new empty master: new id, no peers, no slots. ` +
        `${oldOwners.length > 0 ? 'The others keep its old id as owner of its slots, so those slots are unreachable (the old entry has no usable address) and only a failover of a replica, or a restore, serves them again. ' : ''}` +
        `${c.resyncing.length > 0 ? `${listLabels(c.resyncing.map((r) => r.label))} reconnected to the same address and is now syncing from the empty node, which wipes its copy: act before promoting anything. ` : ''}` +
        `${claims}Do not assign slots to the empty node or run redis-cli --cluster fix: that makes the loss permanent. ` +
        `Take the slots over (if a replica still has the data), forget the old id on every node, then join the new node back (MEET) as a replica. ${PERSIST}`,
      nodes: [...(c.node ? [c.node.label] : []), ...c.old.map((o) => o.label)],
      slots: formatRanges([...oldOwners.flatMap((o) => o.slots), ...c.claims]),
      actions: actionsFor(ctx, c),
    };
  });
}

export const clusterConfigLost: RootCauseDetector = {
  code: 'cluster-config-lost',
  rank: 8,
  explains: [
    'CONFIG_LOST',
    'CLUSTER_STATE_FAIL',
    'SLOTS_UNASSIGNED',
    'SLOTS_OWNER_DOWN',
    'FULL_COVERAGE_REQUIRED',
    'PARTIAL_COVERAGE',
    'CONFIG_DISAGREEMENT',
    'SLOT_MULTIPLE_OWNERS',
    'NODE_NOADDR',
    'REPLICA_LINK_DOWN',
    'REPLICA_NOT_SYNCED',
    'MASTER_WITHOUT_REPLICA',
    'VIEWS_DIFFER',
    'GHOST_NODE',
  ],
  // The old id is unreachable (noaddr everywhere) and its replica waits: this cause already covers it.
  supersedes: ['slots-never-assigned', 'ghost-nodes', 'failover-blocked', 'master-failed-no-replica'],
  detect,
};
