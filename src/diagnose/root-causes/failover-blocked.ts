/**
 * failover-blocked: a slot owner is down, a replica is alive, yet no failover happened and something we
 * can point at stops it (nofailover, never synced, too stale for the validity factor, or far past the time
 * an election takes). Without such evidence the same situation is 'undetermined' (it may be in progress).
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { formatRanges } from '../../cluster/slots.ts';
import { listLabels, plural, shortRanges } from '../finding.ts';
import { replicaInfo, replicaUnfitReason } from '../replication-info.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import { failoverForce, restartNode } from './actions.ts';
import { electionText, electionTiming, pendingElectionActions, REPL_PING_PERIOD_MS } from './election.ts';
import { type DownShard, downForMs, downShards, OWNER_DOWN_CODES, seconds } from './shards.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

interface Verdict {
  replica: ModelNode;
  /** Why it cannot or must not be promoted, null when nothing says so. */
  blocker: string | null;
  /** Promoting it loses (nearly) everything: never recommend a forced failover to it. */
  unsafe: boolean;
}

function judge(ctx: CauseContext, s: DownShard, r: ModelNode): Verdict {
  const unfit = replicaUnfitReason(r, s.master);
  if (unfit)
    return {
      replica: r,
      blocker: `${unfit}: promoting it would lose the data it never received`,
      unsafe: true,
    };
  if (r.nofailover)
    return {
      replica: r,
      blocker:
        `${r.label} carries the nofailover flag (cluster-replica-no-failover yes): it never starts an automatic failover. ` +
        'That is usually deliberate (a copy in another zone, a smaller machine, a backup-only replica): confirm it can carry the traffic before promoting it by hand',
      unsafe: false,
    };
  const info = replicaInfo(r);
  const factor = ctx.config.replicaValidityFactor;
  const timeout = ctx.config.nodeTimeoutMs.value;
  if (info?.linkDownSeconds && info.linkDownSeconds > 0 && factor.value > 0) {
    const age = info.linkDownSeconds * 1000 - timeout;
    const limit = REPL_PING_PERIOD_MS + timeout * factor.value;
    if (age > limit) {
      return {
        replica: r,
        blocker:
          `${r.label} lost its link ${info.linkDownSeconds} s ago, more than cluster-replica-validity-factor allows ` +
          `(${factor.value}${factor.known ? '' : ', assumed default'} x ${timeout} ms + 10 s): it refuses to fail over automatically ("Currently unable to failover: Disconnected from master for longer than allowed")`,
        unsafe: false,
      };
    }
  }
  return { replica: r, blocker: null, unsafe: false };
}

/** The fit replica most likely to win: the one with the largest replication offset. */
function bestFit(verdicts: readonly Verdict[]): ModelNode {
  const fit = verdicts.filter((v) => v.blocker === null).map((v) => v.replica);
  const off = (r: ModelNode) => replicaInfo(r)?.offset ?? -1;
  return fit.reduce((a, b) => (off(b) > off(a) ? b : a));
}

function staleness(r: ModelNode): string {
  const info = replicaInfo(r);
  if (info?.linkDownSeconds && info.linkDownSeconds > 0)
    return `Its copy ends ${info.linkDownSeconds} s before this probe: writes after that are lost.`;
  return 'Writes the old master took after the replica last synced are lost (check its offset first).';
}

function detect(ctx: CauseContext): RootCause[] {
  if (ctx.facts.quorum.lost) return [];
  const out: RootCause[] = [];
  const timeout = ctx.config.nodeTimeoutMs;
  for (const s of downShards(ctx.model, ctx.facts.downOwners)) {
    if (s.alive.length === 0) continue;
    const m = s.master;
    const verdicts = s.alive.map((r) => judge(ctx, s, r));
    const candidate = verdicts.find((v) => !v.unsafe);
    const waited = downForMs(ctx.model, m);
    const overdue = waited !== null && waited > 6 * timeout.value + 10_000;
    const slots = `${plural(m.slotCount, 'slot')} (${shortRanges(m.slots)})`;
    const base = {
      nodes: [m.label, ...s.alive.map((r) => r.label)],
      slots: formatRanges(m.slots),
    };
    const actions: RecommendedAction[] = [restartNode(ctx.model, m)];
    if (candidate) actions.push(failoverForce(candidate.replica, m, staleness(candidate.replica)));
    const blockers = verdicts.flatMap((v) => (v.blocker ? [v.blocker] : []));
    if (m.health === 'fail' && (blockers.length === verdicts.length || overdue)) {
      const reasons =
        blockers.length > 0
          ? blockers.join('; ')
          : `none is visible here, but it has been ${seconds(waited ?? 0)} since peers last heard from ${m.label}, far longer than an election takes with cluster-node-timeout ${timeout.value} ms${timeout.known ? '' : ' (assumed default)'}; check the replica's log for "Currently unable to failover"`;
      out.push({
        code: 'failover-blocked',
        summary: `Master ${m.label} failed and its replica did not take over: ${slots} are not served.`,
        explanation:
          `${m.label} is confirmed as fail by ${listLabels(m.failBy)} and the cluster still has its quorum, so a replica should have been elected. ` +
          `What stops it: ${reasons}. ${candidate ? `A manual CLUSTER FAILOVER FORCE on ${candidate.replica.label} skips those checks and still gets the majority's votes. ` : 'No replica is safe to promote; restarting the master with its data is the way back. '}` +
          'Restarting the old master with its data is preferable when it can come back quickly and persisted its keys (RDB/AOF): then nothing is lost beyond its last save. Without persistence it comes back empty and its replica copies the empty data set (the restart action says what is known).',
        ...base,
        actions,
      });
      continue;
    }
    const state =
      m.health === 'fail'
        ? 'is confirmed as fail'
        : m.health === 'pfail'
          ? `is suspected (fail?) by ${listLabels(m.pfailBy)} but not yet confirmed as fail`
          : 'does not answer, but no peer flags it yet';
    const alive = `${listLabels(s.alive.map((r) => r.label))} ${s.alive.length === 1 ? 'is' : 'are'} alive to replace it`;
    if (blockers.length === verdicts.length) {
      out.push({
        code: 'undetermined',
        summary: `Master ${m.label} is down and not yet confirmed as fail; its replica will not take over on its own.`,
        explanation:
          `${m.label} ${state}; ${alive}, but even once a majority confirms the failure no automatic failover will happen: ${blockers.join('; ')}. ` +
          'Re-run the diagnosis after cluster-node-timeout to see whether the master is confirmed as fail; restarting it with its data is the safest way back.',
        ...base,
        actions,
      });
      continue;
    }
    // A fit replica and no blocker: the failover is expected and most likely under way. Wait first.
    const heir = bestFit(verdicts);
    const t = electionTiming(ctx, m, heir);
    out.push({
      code: 'undetermined',
      summary: `Master ${m.label} is down and ${heir.label} has not taken over yet: the failover is most likely in progress; wait about ${Math.round(t.waitMs / 1000)} s and run the diagnosis again before acting.`,
      explanation:
        `${m.label} ${state}; ${alive} and nothing here shows a blocker. ${electionText(ctx, t, heir)} ` +
        `Run the diagnosis again in about ${Math.round(t.waitMs / 1000)} s: it should show ${heir.label} serving ${slots}. ` +
        'Until then do nothing to the slots or the old master. If it still has not taken over by then, the replica may be too stale (cluster-replica-validity-factor) or unable to reach the voting masters: check its log.',
      ...base,
      actions: pendingElectionActions(ctx, m, heir, t, staleness(heir)),
    });
  }
  return out;
}

export const failoverBlocked: RootCauseDetector = {
  code: 'failover-blocked',
  rank: 40,
  explains: [...OWNER_DOWN_CODES, 'REPLICA_NOT_SYNCED', 'REPLICATION_LAG'],
  detect,
};
