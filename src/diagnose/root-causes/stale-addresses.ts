/**
 * stale-addresses: nodes came back on new addresses (pods rescheduled, nodes.conf kept) and their peers
 * still dial the old ones, so everyone looks failed to everyone. Confirmed only when the same id is seen
 * at its new address; the all-peers-failing pattern alone gives a separate, clearly hedged cause.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { listLabels, plural } from '../finding.ts';
import { analyzeStale, isolatedObservers, type StaleNode } from '../rules/stale-address.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

const PREVENTION =
  'To stop it recurring, give every node an address that survives a restart: announce a stable per-pod address ' +
  '(cluster-announce-ip set from the pod IP at start, or one Service/host IP per pod), and set cluster-announce-hostname ' +
  'with cluster-preferred-endpoint-type hostname so client redirects use names. The cluster bus still dials IPs, so after ' +
  'a restart of every pod at once a start-up hook must CLUSTER MEET a known peer.';

/** `redis-cli ... CLUSTER MEET` from `from` to where `to` lives now. */
export function meetAction(
  from: ModelNode,
  to: { label: string; id: string; ip: string; port: number; cport: number | null },
  why: string,
): RecommendedAction {
  return {
    action: 'meet',
    target: `${from.label} -> ${to.label} (id ${to.id.slice(0, 8)}…): redis-cli -h ${from.ip} -p ${from.port} CLUSTER MEET ${to.ip} ${to.port} ${to.cport ?? to.port + 10000}`,
    params: { node: to.ip.includes(':') ? `[${to.ip}]:${to.port}` : `${to.ip}:${to.port}`, from: from.label },
    why,
  };
}

function pickHub(stale: readonly StaleNode[], ctx: CauseContext): ModelNode | undefined {
  const counts = new Map<string, number>();
  for (const s of stale) for (const h of s.held) counts.set(h.observer, (counts.get(h.observer) ?? 0) + 1);
  const observers = [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([o]) => o);
  for (const o of observers) {
    const n = ctx.model.nodes.find((x) => x.label === o && x.selfSeen && x.ip);
    if (n) return n;
  }
  return undefined;
}

function actionsFor(ctx: CauseContext, stale: readonly StaleNode[]): RecommendedAction[] {
  const hub = pickHub(stale, ctx);
  if (!hub) return [];
  const out: RecommendedAction[] = [];
  for (const s of stale) {
    if (s.node.id === hub.id) continue;
    out.push(
      meetAction(
        hub,
        s.node,
        `${hub.label} still has ${s.node.id.slice(0, 8)}… at ${listLabels([...new Set(s.held.map((h) => h.address))])}. ` +
          'A MEET to the current address makes it find the same id there and update the entry, and gossip carries it to the others. ' +
          'Safe: no slot, epoch or key moves.',
      ),
    );
  }
  const self = stale.find((s) => s.node.id === hub.id);
  const back = self?.held
    .map((h) => ctx.model.nodes.find((x) => x.label === h.observer && x.selfSeen && x.ip))
    .find(Boolean);
  if (self && back) {
    out.push(
      meetAction(
        back,
        hub,
        `${back.label} still has ${hub.label} at ${listLabels([...new Set(self.held.map((h) => h.address))])}; this updates it (only needed if gossip has not fixed it after the first MEETs).`,
      ),
    );
  }
  return out;
}

function detectConfirmed(ctx: CauseContext): RootCause[] {
  const { confirmed } = analyzeStale(ctx);
  if (confirmed.length === 0) return [];
  const moves = confirmed.map(
    (s) => `${listLabels([...new Set(s.held.map((h) => h.address))])} → ${s.current}`,
  );
  const answered = confirmed.filter((s) => s.answeredLive).length;
  const deadOld = confirmed.filter((s) => s.deadOld.length > 0).length;
  const proof =
    `Certain: ${confirmed.length === 1 ? '1 node shows its' : `${confirmed.length} nodes each show their`} own id at a new address in ${confirmed.length === 1 ? 'its' : 'their'} own view while peers list that id at the old address and cannot reach it` +
    `${answered > 0 ? `; ${answered} answered redis-runbook at the new address` : ''}${deadOld > 0 ? `; nothing answers at ${deadOld === 1 ? 'the old address' : `${deadOld} old addresses`}` : ''}.`;
  const owners = confirmed.filter((s) => s.node.role !== 'replica' && s.node.slotCount > 0);
  return [
    {
      code: 'stale-addresses',
      summary: `Stale addresses: ${plural(confirmed.length, 'node')} came back on new addresses and peers still dial the old ones (${moves.slice(0, 3).join('; ')}${moves.length > 3 ? '; …' : ''}).`,
      explanation:
        `${proof} This is what rescheduled pods (or VMs with new IPs) leave behind when nodes.conf survives: ids, slots and epochs are intact, ` +
        `but each node still dials its peers at the addresses in its nodes.conf. ${owners.length > 0 ? `Because the slot owners look unreachable, nodes flag them fail? and report cluster_state:fail; ` : ''}` +
        'the processes are not dead and nothing needs a failover, a restart, a FORGET or a slot reassignment (any of those would make it worse). ' +
        `Telling the cluster the new addresses fixes it: CLUSTER MEET from a healthy node to each moved node's current address. ${PREVENTION}`,
      nodes: [
        ...new Set([
          ...confirmed.map((s) => s.node.label),
          ...confirmed.flatMap((s) => s.held.map((h) => h.observer)),
        ]),
      ],
      slots: '',
      actions: actionsFor(ctx, confirmed),
    },
  ];
}

function detectSuspected(ctx: CauseContext): RootCause[] {
  const a = analyzeStale(ctx);
  if (a.confirmed.length > 0 || a.allFailing.length === 0) return [];
  const v = a.allFailing[0]!;
  return [
    {
      code: 'stale-addresses',
      summary: `Possibly stale addresses: ${v.observer} sees all ${plural(v.failing.length, 'other node')} failing while it is up itself (not proven).`,
      explanation:
        `${v.observer} flags every other node fail?/fail. That is what happens when all pods were rescheduled with their nodes.conf kept ` +
        '(every node dials its peers at old addresses), but from this one view it looks exactly like all other nodes being down, or like ' +
        `${v.observer} being cut off. Before restarting or failing anything over, check whether the other nodes run on new addresses ` +
        '(kubectl get pods -o wide, or the instances page) and whether CLUSTER MYID there matches the ids listed here; if it does, ' +
        `CLUSTER MEET those addresses from ${v.observer}. Probing the new addresses (add them as seeds) lets redis-runbook confirm it. ${PREVENTION}`,
      nodes: [v.observer],
      slots: '',
      actions: [],
    },
  ];
}

export const staleAddresses: RootCauseDetector = {
  code: 'stale-addresses',
  rank: 5,
  explains: [
    'STALE_ADDRESS',
    'NODE_PFAIL',
    'NODE_FAIL',
    'NODE_UNREACHABLE',
    'CLUSTER_STATE_FAIL',
    'SLOTS_OWNER_DOWN',
    'QUORUM_LOST',
    'VIEWS_DIFFER',
    'FULL_COVERAGE_REQUIRED',
    'PARTIAL_COVERAGE',
    'CONFIG_DISAGREEMENT',
    'REPLICA_LINK_DOWN',
    'MASTER_WITHOUT_REPLICA',
  ],
  supersedes: ['network-partition', 'quorum-lost', 'master-failed-no-replica', 'failover-blocked'],
  detect: detectConfirmed,
};

/** A node that lists every peer as noaddr: it lost its peers; meet it from a live member. */
function detectIsolated(ctx: CauseContext): RootCause[] {
  return isolatedObservers(ctx).map((i) => {
    const me = i.node;
    const hub = ctx.model.nodes.find(
      (n) => n.selfSeen && n !== me && n.role === 'master' && n.slotCount > 0 && n.health === 'ok',
    );
    const actions: RecommendedAction[] =
      me && hub
        ? [
            meetAction(
              me,
              hub,
              `Introduces ${me.label} to a live member; it then learns the current ids and slots by gossip. Its stale noaddr entries stay until forgotten (CLUSTER FORGET <old id> on it). It owns no slots here, so nothing moves.`,
            ),
          ]
        : [];
    return {
      code: 'stale-addresses' as const,
      summary: `${i.observer} is isolated: it lists every peer as noaddr (stale ids at their addresses), so it has lost the cluster.`,
      explanation:
        `${i.observer} met other node ids at every address it knew: its peers were reset or rebuilt (new ids), or its nodes.conf comes from an older incarnation of the cluster. ` +
        'Its view is about nodes that no longer exist, so it is not evidence that the cluster lost its config or its quorum; read the state of the cluster from the other nodes. ' +
        `If ${i.observer} should be a member, CLUSTER MEET a live member from it${hub ? '' : ' (paste CLUSTER NODES from a live member to get its address)'}; if not, leave it out.`,
      nodes: [i.observer],
      slots: '',
      actions,
    };
  });
}

/** A node that lost its peers: listed with the other causes, supersedes nothing. */
export const isolatedNode: RootCauseDetector = {
  code: 'stale-addresses',
  rank: 40,
  explains: ['STALE_ADDRESS', 'NODE_NOADDR', 'VIEWS_DIFFER', 'PASTE_INCOMPLETE'],
  detect: detectIsolated,
};

/** The hedged variant: listed after every proven cause, supersedes nothing. */
export const staleAddressesSuspected: RootCauseDetector = {
  code: 'stale-addresses',
  rank: 95,
  explains: ['STALE_ADDRESS'],
  detect: detectSuspected,
};
