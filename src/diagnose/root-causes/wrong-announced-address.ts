/**
 * wrong-announced-address: a node tells the cluster an address peers or clients cannot use. Named only on
 * strong evidence (loopback/0.0.0.0 among routable peers, empty ip, peers disagreeing, announced address
 * dead while the node lives); a private-vs-public mismatch alone stays a warning finding.
 */

import { formatRanges } from '../../cluster/slots.ts';
import { formatCount } from '../../cluster/util.ts';
import { listLabels, plural } from '../finding.ts';
import { restartOutcome } from '../persistence.ts';
import { type AnnounceIssue, analyzeAnnounced } from '../rules/announced-address.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

function fixAction(ctx: CauseContext, i: AnnounceIssue): RecommendedAction {
  const reach = i.reachableAt;
  const ip = reach
    ? reach.slice(0, reach.lastIndexOf(':')).replace(/^\[|\]$/g, '')
    : '<address peers and clients reach>';
  return {
    action: 'restart-node',
    target: `${i.node.label}: cluster-announce-ip ${ip}`,
    params: { node: i.node.label },
    why:
      `Correct what ${i.node.label} announces: redis-cli -h <where it answers> -p ${i.node.port} CONFIG SET cluster-announce-ip ${ip} then CONFIG REWRITE ` +
      '(peers adopt it from its next pings, no restart needed: nothing moves and no data is at risk); set cluster-announce-port / cluster-announce-bus-port too when ports are mapped (NAT, Docker). ' +
      `Or fix redis.conf and restart it with its data directory intact: ${restartOutcome(ctx.model, i.node)}`,
  };
}

/** Nodes whose problem the explanation states one by one; the rest are counted. */
const MAX_LISTED = 12;

function detect(ctx: CauseContext): RootCause[] {
  const strong = analyzeAnnounced(ctx).filter((i) => i.strong);
  if (strong.length === 0) return [];
  const owners = strong.filter((i) => i.node.role !== 'replica' && i.node.slotCount > 0);
  const replicas = ctx.model.nodes.filter((r) => strong.some((i) => r.masterId === i.node.id));
  const facts = strong.slice(0, MAX_LISTED).map((i) => `${i.node.label} ${i.what}`);
  if (strong.length > MAX_LISTED)
    facts.push(`and ${formatCount(strong.length - MAX_LISTED)} more nodes (every one in this cause's nodes)`);
  return [
    {
      code: 'wrong-announced-address',
      summary: `Wrong announced address: ${listLabels(strong.map((i) => i.node.label))} ${strong.length === 1 ? 'announces an address' : 'announce addresses'} peers or clients cannot use.`,
      explanation:
        `${facts.join('; ')}. Every node tells the others, in its cluster bus messages, the address to reach it at (cluster-announce-ip, or the address peers ` +
        'first saw); peers, replicas and client redirects (MOVED/ASK) all use that address. ' +
        `${
          owners.length > 0
            ? `${plural(
                owners.reduce((s, i) => s + i.node.slotCount, 0),
                'slot',
              )} owned by ${listLabels(owners.map((i) => i.node.label))} are effectively unavailable to clients that follow redirects. `
            : ''
        }` +
        `${replicas.length > 0 ? `Replicas (${listLabels(replicas.map((r) => r.label))}) follow the announced address too, so their replication link can break. ` : ''}` +
        'The process itself is fine: do not restart, fail over or forget it. Fix what it announces: cluster-announce-ip (plus cluster-announce-port and ' +
        'cluster-announce-bus-port behind NAT or port mapping), or cluster-announce-hostname with cluster-preferred-endpoint-type hostname so clients get a name that resolves.',
      nodes: strong.map((i) => i.node.label),
      slots: formatRanges(owners.flatMap((i) => i.node.slots)),
      actions: strong.map((i) => fixAction(ctx, i)),
    },
  ];
}

export const wrongAnnouncedAddress: RootCauseDetector = {
  code: 'wrong-announced-address',
  rank: 12,
  explains: [
    'WRONG_ANNOUNCED_ADDRESS',
    'NODE_UNREACHABLE',
    'NODE_PFAIL',
    'NODE_FAIL',
    'SLOTS_OWNER_DOWN',
    'REPLICA_LINK_DOWN',
    'MASTER_WITHOUT_REPLICA',
    'VIEWS_DIFFER',
    'BUS_PORT_UNREACHABLE',
  ],
  supersedes: ['network-partition'],
  detect,
};
