/**
 * failover-not-possible-no-voters: the failed master's replica is alive but can never be elected, because
 * too few masters own slots to form a voting majority. Only TAKEOVER (no votes) or the master's return helps.
 */
import { formatRanges } from '../../cluster/slots.ts';
import { listLabels, plural, shortRanges } from '../finding.ts';
import { analyzeVoters } from '../rules/voters.ts';
import type { RootCause } from '../types.ts';
import { failoverTakeover, restartNode } from './actions.ts';
import { OWNER_DOWN_CODES, votingMajorityReachable } from './shards.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

function detect(ctx: CauseContext): RootCause[] {
  return analyzeVoters(ctx).map((b) => {
    const m = b.master;
    const r = b.replicas[0]!;
    const empty =
      b.empty.length > 0
        ? ` ${listLabels(b.empty.map((x) => x.label))} ${b.empty.length === 1 ? 'is a healthy master' : 'are healthy masters'} but ${b.empty.length === 1 ? 'owns' : 'own'} no slots, and masters without slots have no vote.`
        : '';
    return {
      code: 'failover-not-possible-no-voters',
      summary: `Master ${m.label} is down and its replica ${r.label} can never be elected: no majority of slot-owning masters is left to vote (${plural(m.slotCount, 'slot')} ${shortRanges(m.slots)} not served).`,
      explanation:
        `${m.label} owned ${plural(m.slotCount, 'slot')} and is ${m.health === 'fail' ? 'flagged fail' : 'down'}. Redis elects a replica only with votes from a majority of the masters that own slots ` +
        `(${b.needed} of ${b.size} here, counting the dead one), and ${b.voters.length === 0 ? 'no other master owns any slot' : `only ${b.voters.length} ${b.voters.length === 1 ? 'is' : 'are'} left`}.${empty} ` +
        `So ${r.label} starts elections and waits for votes forever; its log says "Waiting for votes, but majority still not reached" or "Failover attempt expired". ` +
        'CLUSTER FAILOVER FORCE does not help: it skips the data checks but still needs the same votes. Restart the master with its data if you can; ' +
        `otherwise CLUSTER FAILOVER TAKEOVER on ${r.label} promotes it without an election. Prevention: spread the slots over at least three masters (each with a replica) so any one can fail and the rest still form a majority.`,
      nodes: [m.label, ...b.replicas.map((x) => x.label), ...b.empty.map((x) => x.label)],
      slots: formatRanges(m.slots),
      // TAKEOVER skips the vote: never while a majority of voting masters answers.
      actions: votingMajorityReachable(ctx)
        ? [restartNode(ctx.model, m)]
        : [restartNode(ctx.model, m), failoverTakeover(r, m)],
    };
  });
}

export const failoverNoVoters: RootCauseDetector = {
  code: 'failover-not-possible-no-voters',
  rank: 15,
  explains: ['NO_ELIGIBLE_VOTERS', 'QUORUM_LOST', ...OWNER_DOWN_CODES, 'MASTER_WITHOUT_REPLICA'],
  supersedes: ['failover-blocked', 'master-failed-no-replica', 'quorum-lost'],
  detect,
};
