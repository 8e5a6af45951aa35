/** Picks the failover variant that is safe for one failed master, given its replicas and the quorum. */
import type { ModelNode } from '../cluster/model-types.ts';
import { chooseFailover } from '../diagnose/failover-choice.ts';
import { cli, reachAddress } from './common.ts';
import type { RunbookContext } from './types.ts';

export interface VariantChoice {
  master: ModelNode;
  safe: boolean;
  summary: string;
  details: string[];
  /** The command to run, when a variant is safe. */
  command?: string;
  meaning: string;
}

/** A choice that offers no command to run: no variant is safe (yet). */
function noFailover(master: ModelNode, summary: string, details: string[], meaning: string): VariantChoice {
  return { master, safe: false, summary, details, meaning };
}

/** Decides between CLUSTER FAILOVER, FORCE, TAKEOVER, or no failover at all for `master`. */
export function chooseVariant(ctx: RunbookContext, master: ModelNode, replicas: ModelNode[]): VariantChoice {
  const choice = chooseFailover(ctx.model, master, replicas);
  const details = choice.unfit.map((u) => `not ${u.replica.label}: ${u.reason}`);
  if (replicas.length === 0) {
    return noFailover(
      master,
      'no failover possible: it has no replica',
      details,
      `Bring ${master.label} back (restart it with its data and nodes.conf). Reassigning its slots elsewhere serves them empty and deletes its keys when it returns.`,
    );
  }
  const best = choice.fit[0];
  if (!best) {
    return noFailover(
      master,
      'do not fail over: no replica has the data',
      details,
      `Promoting a replica that never synced would serve ${master.label}'s slots without their keys. Bring the master back instead (unfreeze or restart it).`,
    );
  }
  const at = reachAddress(best);
  if (choice.mode === 'default') {
    return {
      master,
      safe: true,
      summary: `coordinated failover on ${best.label}`,
      details,
      command: cli(ctx, at, 'cluster failover'),
      meaning:
        'The master still answers: a plain CLUSTER FAILOVER pauses writes, lets the replica catch up, then swaps roles without losing writes.',
    };
  }
  const q = choice.quorum;
  if (choice.electionPending) {
    return noFailover(
      master,
      `wait before forcing anything: the masters have not yet agreed that ${master.label} failed`,
      [
        ...details,
        `It is ${master.health === 'pfail' ? 'flagged fail? (PFAIL) only' : 'unreachable from here but not flagged by its peers'}; once a majority flags it FAIL, ${best.label} starts an election by itself within about 2 × cluster-node-timeout.`,
        `If that does not happen, ${cli(ctx, at, 'cluster failover force')} is the next step.`,
      ],
      'Forcing a failover while the cluster may still reach the master risks two masters for the same slots; let the automatic failover run first.',
    );
  }
  if (choice.mode === 'force') {
    return {
      master,
      safe: true,
      summary: `CLUSTER FAILOVER FORCE on ${best.label} (votes available: ${q.reachable.length}/${q.needed} needed)`,
      details,
      command: cli(ctx, at, 'cluster failover force'),
      meaning:
        "The master is down, so the replica cannot sync with it first; FORCE skips that and still asks the masters to vote. Writes the master took after the replica's last offset are lost.",
    };
  }
  return {
    master,
    safe: false,
    summary: `only CLUSTER FAILOVER TAKEOVER on ${best.label} can work: ${q.reachable.length} of ${q.needed} needed votes are up`,
    details: [
      ...details,
      'TAKEOVER bumps the epoch without any vote: run it only if the old master is certainly dead or fenced, never to both sides of a partition.',
    ],
    command: cli(ctx, at, 'cluster failover takeover'),
    meaning:
      `No election can succeed without a majority of masters: TAKEOVER on ${best.label} promotes it without votes and loses every write ${master.label} took after ${best.label}'s last sync. ` +
      `If ${master.label} is in fact alive elsewhere (a partition, not a crash), both sides take writes until the higher epoch wins and the other side's are deleted. ` +
      'Bring the failed masters back first if you can; once a majority of slot owners answers, the remaining shards fail over by themselves.',
  };
}
