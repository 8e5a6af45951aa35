/**
 * An automatic failover that is expected but has not happened yet: when its election should be over, how
 * long the replica's data stays fresh enough to be elected, and the actions that fit while waiting
 * (restart the old master only after the takeover; FORCE only if the replica still has not taken over).
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { restartOutcome } from '../persistence.ts';
import { replicaInfo } from '../replication-info.ts';
import type { RecommendedAction } from '../types.ts';
import { failoverForce, restartNode } from './actions.ts';
import { downForMs } from './shards.ts';
import type { CauseContext } from './types.ts';

/** repl-ping-replica-period (10 s by default), part of the validity-factor limit. */
export const REPL_PING_PERIOD_MS = 10_000;
/**
 * Failure reports spreading to a majority after cluster-node-timeout, then the largest election delay
 * (500 ms + up to 500 ms random) and the vote round. On loopback we measured about 0.7 s and 0.6-1 s.
 */
const AFTER_TIMEOUT_MS = 2000;
/** Each replica with a larger replication offset delays this one's election by 1 s. */
const RANK_DELAY_MS = 1000;
const MIN_WAIT_MS = 2000;

export interface ElectionTiming {
  /** Replicas of the same master with more data (each adds 1 s to this one's election delay). */
  rank: number;
  /** From the first unanswered ping until the election should be over. */
  dueMs: number;
  /** How long peers have waited already (ping-sent stamps); null when unknown. */
  waitedMs: number | null;
  /** Whether the first election should already be over (a round without enough votes is retried later). */
  retrying: boolean;
  /** What is left to wait, whole seconds, at least 2 s. */
  waitMs: number;
  /** Time left before the replica's data is too old to be elected automatically; null when unknown/off. */
  freshForMs: number | null;
}

/** When `replica`'s automatic election for `master` should be over, and how much of that is left. */
export function electionTiming(ctx: CauseContext, master: ModelNode, replica: ModelNode): ElectionTiming {
  const timeout = ctx.config.nodeTimeoutMs.value;
  const mine = replicaInfo(replica)?.offset ?? null;
  const rank = master.replicas.filter((id) => {
    const other = id === replica.id ? undefined : ctx.model.byId.get(id);
    const off = other ? replicaInfo(other)?.offset : null;
    return mine !== null && off !== null && off !== undefined && off > mine;
  }).length;
  const dueMs = timeout + AFTER_TIMEOUT_MS + rank * RANK_DELAY_MS;
  // A round that misses the majority expires after max(2 x timeout, 2 s); the next starts twice that later.
  const authMs = Math.max(2 * timeout, 2000);
  const waitedMs = downForMs(ctx.model, master);
  const retrying = waitedMs !== null && waitedMs > dueMs + authMs;
  const left = retrying ? dueMs + 2 * authMs - waitedMs : dueMs - (waitedMs ?? 0);
  const waitMs = Math.ceil(Math.max(MIN_WAIT_MS, left) / 1000) * 1000;
  return { rank, dueMs, waitedMs, retrying, waitMs, freshForMs: freshFor(ctx, replica) };
}

function freshFor(ctx: CauseContext, replica: ModelNode): number | null {
  const factor = ctx.config.replicaValidityFactor.value;
  if (factor <= 0) return null;
  const info = replicaInfo(replica);
  if (info?.linkDownSeconds === null || info?.linkDownSeconds === undefined || info.linkDownSeconds < 0)
    return null;
  const timeout = ctx.config.nodeTimeoutMs.value;
  const age = Math.max(0, info.linkDownSeconds * 1000 - timeout);
  return REPL_PING_PERIOD_MS + timeout * factor - age;
}

const secs = (ms: number) => `${Math.round(ms / 1000)} s`;

/** One or two sentences: how an election is timed, where this one stands, and how long to wait. */
export function electionText(ctx: CauseContext, t: ElectionTiming, replica: ModelNode): string {
  const timeout = ctx.config.nodeTimeoutMs;
  const base =
    `An automatic failover takes cluster-node-timeout (${timeout.value} ms${timeout.known ? '' : ', assumed default'}) before peers flag the master, ` +
    `failure reports from a majority to confirm it as fail, then an election delay of 0.5-1 s${t.rank > 0 ? ` plus ${t.rank} s because ${t.rank === 1 ? 'one replica has' : `${t.rank} replicas have`} more data than ${replica.label}` : ''} and a majority's votes: about ${secs(t.dueMs)} in all.`;
  const since = t.waitedMs !== null ? ` Peers have been waiting on the master for ${secs(t.waitedMs)}.` : '';
  const retry = t.retrying
    ? ' That is past the usual time: a first round may have missed the majority, and Redis retries after 2 x max(2 x cluster-node-timeout, 2 s).'
    : '';
  const fresh =
    t.freshForMs !== null
      ? ` ${replica.label}'s data stays recent enough for an automatic failover for about ${secs(Math.max(0, t.freshForMs))} more (cluster-replica-validity-factor).`
      : '';
  return `${base}${since}${retry}${fresh}`;
}

/**
 * The actions while an election is pending, in order: restart the old master only once the replica has
 * taken over, and FORCE only if, after the wait, it still has not (with why it might not).
 */
export function pendingElectionActions(
  ctx: CauseContext,
  master: ModelNode,
  replica: ModelNode,
  t: ElectionTiming,
  staleness: string,
): RecommendedAction[] {
  const [m, r] = [master.label, replica.label];
  const fresh =
    t.freshForMs !== null
      ? `its data became too old for cluster-replica-validity-factor (it had about ${secs(Math.max(0, t.freshForMs))} left at this probe; its log then says "Currently unable to failover: Disconnected from master for longer than allowed")`
      : 'its data is too old for cluster-replica-validity-factor (its log says "Currently unable to failover: Disconnected from master for longer than allowed")';
  return [
    restartNode(
      ctx.model,
      master,
      `After the election, not during it: once ${r} has taken over, start ${m} again with its data directory; it sees ${r} owning its slots with a newer epoch and rejoins as its replica (its own data is discarded, ${r} has the current data). ` +
        `Restarted before that, ${m} keeps its slots and ${r} resyncs from it: ${restartOutcome(ctx.model, master)} If ${r} never takes over, restarting ${m} with its data directory is the way back.`,
    ),
    failoverForce(
      replica,
      master,
      staleness,
      `Only if, after waiting about ${secs(t.waitMs)} and re-running, ${m} is still down and ${r} still has not taken over. ` +
        `Then something stops the automatic election: ${fresh}, ` +
        `the nofailover flag (cluster-replica-no-failover yes), or it cannot reach a majority of slot-owning masters for votes (log: "Failover attempt expired"; check the bus ports). ` +
        'FORCE skips the failure confirmation and the data-age check but still needs those votes; forcing sooner gains a few seconds at most.',
    ),
  ];
}
