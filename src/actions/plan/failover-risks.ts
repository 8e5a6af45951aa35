/**
 * The risks of promoting one replica, with their numbers: the offset gap (bytes of writes lost), replicas
 * better placed than the chosen one, the other replicas, what the old master does when it returns, and
 * what TAKEOVER or an early FORCE can cost. Pure.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import type { FailoverChoice, FailoverMode } from '../../diagnose/failover-choice.ts';
import { listLabels } from '../../diagnose/finding.ts';
import { masterInfo, replicaInfo } from '../../diagnose/replication-info.ts';
import type { Risk } from '../types.ts';
import { bytes } from './common.ts';

/** The risks of `mode` on `replica` replacing `master`, given the choice the cluster allows. */
export function failoverRisks(
  mode: FailoverMode,
  replica: ModelNode,
  master: ModelNode,
  choice: FailoverChoice,
  others: ModelNode[],
): Risk[] {
  const risks: Risk[] = [];
  const r = replicaInfo(replica);
  const mine = r?.offset ?? null;
  const masterOffset = masterInfo(master)?.offset ?? null;
  if (mode === 'default') {
    const gap = mine !== null && masterOffset !== null ? Math.max(0, masterOffset - mine) : null;
    risks.push({
      kind: 'availability',
      text:
        `${replica.label} is ${gap === null ? 'an unknown amount' : bytes(gap)} behind ${master.label} now; the default failover pauses writes on ${master.label} until ${replica.label} has caught up, then swaps them: no write is lost. ` +
        'Clients see writes pause for well under a second (at most 5 s if the replica cannot catch up, then nothing changes).',
    });
  } else {
    const since =
      r?.linkDownSeconds && r.linkDownSeconds > 0 ? `, its link down for ${r.linkDownSeconds} s` : '';
    risks.push({
      kind: 'data-loss',
      text:
        masterOffset !== null && mine !== null
          ? `${replica.label} is ${bytes(Math.max(0, masterOffset - mine))} behind ${master.label}: promoting it loses those writes.`
          : `Writes ${master.label} took after ${replica.label}'s last sync are lost (${replica.label} stopped at replication offset ${mine ?? 'unknown'}${since}); ${master.label} does not answer, so how many cannot be measured.`,
    });
  }
  if (mode !== 'default' && replica.observation?.dbsize === 0)
    risks.push({
      kind: 'data-loss',
      text: `${replica.label} holds 0 keys (DBSIZE 0): promoting it serves ${master.label}'s ${master.slotCount} slots empty. If they held data, restore it from a backup instead.`,
    });
  for (const better of choice.fit) {
    const off = replicaInfo(better)?.offset ?? null;
    if (better === replica || off === null || mine === null || off <= mine) continue;
    risks.push({
      kind: 'data-loss',
      text: `${replica.label} is ${bytes(off - mine)} behind ${better.label}, another replica of ${master.label}: promoting ${replica.label} rather than ${better.label} loses those writes too.`,
    });
  }
  if (mode === 'default')
    risks.push({
      kind: 'none',
      text: `${master.label} becomes a replica of ${replica.label} at once and stays in sync with it${others.length > 0 ? `; ${listLabels(others.map((o) => o.label))} follow ${replica.label} too` : ''}: nothing is lost.`,
    });
  else
    risks.push({
      kind: 'availability',
      text:
        others.length > 0
          ? `${listLabels(others.map((o) => o.label))} ${others.length === 1 ? 'replicates' : 'replicate'} ${master.label} too and will follow ${replica.label} (a partial resync when the history allows, else a full one).`
          : `After the failover ${replica.label} has no replica: the next failure of it takes its slots down (add one with add-replica).`,
    });
  if (mode !== 'default')
    risks.push({
      kind: 'data-loss',
      text: `When ${master.label} comes back it sees ${replica.label} owning its slots with a newer epoch and becomes its replica, discarding any write it took that ${replica.label} never received.`,
    });
  if (replica.nofailover)
    risks.push({
      kind: 'availability',
      text: `${replica.label} runs with cluster-replica-no-failover yes: usually deliberate (another zone, a smaller machine, a backup copy). Check it can carry ${master.label}'s traffic.`,
    });
  if (mode === 'force' && choice.electionPending)
    risks.push({
      kind: 'data-loss',
      text:
        `${master.label} is ${master.health === 'pfail' ? `only flagged fail? by ${listLabels(master.pfailBy)}` : 'unreachable from here but not flagged by its peers'}: ${replica.label} may still fail over by itself within a few node timeouts. ` +
        `If ${master.label} is alive behind a partition, it keeps taking writes there until it learns the new epoch, and those writes are lost.`,
    });
  if (mode === 'takeover') {
    const q = choice.quorum;
    risks.push({
      kind: 'data-loss',
      text:
        `TAKEOVER promotes ${replica.label} without any vote (${q.reachable.length} of the ${q.needed} needed slot-owning masters answer) and bumps its epoch on its own. ` +
        `If ${master.label} is in fact alive elsewhere (a partition, not a crash), both sides take writes until the higher epoch wins and the other side's writes are deleted: run it only if ${master.label} is dead or fenced.`,
    });
  }
  return risks;
}
