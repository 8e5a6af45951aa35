/**
 * Recommended actions with their safety text. Every action that can lose data says how, and the ones
 * that need a majority say so; detectors only choose which to offer.
 */
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import { formatRanges } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import { restartOutcome } from '../persistence.ts';
import type { RecommendedAction } from '../types.ts';

/**
 * Restart a stopped or frozen node with its data directory intact; the default why says what it comes
 * back with, as far as its persistence is known (./persistence.ts).
 */
export function restartNode(model: ClusterModel, n: ModelNode, why?: string): RecommendedAction {
  const frozen = n.probeError?.kind === 'timeout';
  return {
    action: 'restart-node',
    target: n.label,
    params: { node: n.label },
    why:
      why ??
      `${frozen ? 'It accepts connections but does not answer (frozen or stuck): if it was stopped (SIGSTOP), resuming it with SIGCONT is enough; otherwise restart' : 'Start'} the same Redis process again with its data directory and nodes.conf intact: ${restartOutcome(model, n)}`,
  };
}

/** Reassign slots whose owner is gone for good. Always spells out what happens if the owner returns. */
export function fixCoverageOwnerGone(owner: ModelNode, slots: readonly SlotRange[]): RecommendedAction {
  return {
    action: 'fix-coverage',
    target: `slots ${formatRanges(slots)} (owned by ${owner.label}) -> reachable masters`,
    // The data-losing option is never pre-set: the planner refuses until the user names it.
    params: { slotRanges: formatRanges(slots) },
    why:
      `Last resort, only once ${owner.label} and its data are lost for good: the slots come back empty, so every key in them is lost. ` +
      `If ${owner.label} ever returns it sees a newer owner with a higher epoch and deletes its keys in those slots (or resyncs as a replica), which is why redis-cli refuses this without --cluster-fix-with-unreachable-masters.`,
  };
}

/** `redis-cli -h H -p P` for a "host:port" label, or with marked placeholders when it is not one. */
function cliAt(address?: string): string {
  const m = address ? /^\[?([^\]]+?)\]?:(\d+)$/.exec(address) : null;
  return m ? `redis-cli -h ${m[1]} -p ${m[2]}` : 'redis-cli -h <host> -p <port>';
}

/** Assign slots nobody owns. */
export function fixCoverageUnassigned(slots: readonly SlotRange[], keysOn?: string): RecommendedAction {
  const ranges = slots.map((r) => `${r.start} ${r.end}`).join(' ');
  return {
    action: 'fix-coverage',
    target: `slots ${formatRanges(slots)} -> ${keysOn ?? 'a reachable master'}`,
    params: { slotRanges: formatRanges(slots) },
    why:
      `No node claims these slots, so assigning them takes nothing from anyone${keysOn ? ` (${keysOn} holds keys in them, so it should own them)` : ''}: ` +
      `${cliAt(keysOn)} CLUSTER ADDSLOTSRANGE ${ranges}${keysOn ? '' : ' on one reachable master'} (the others learn it by gossip). ` +
      'If a stopped node that used to own them might come back (its nodes.conf lists them), start it first instead: once they are assigned elsewhere with a higher epoch, it drops its keys for them.',
  };
}

/**
 * CLUSTER FAILOVER FORCE on a replica: needs a majority of slot-owning masters to vote. A `condition`
 * ("Only if ...") leads the why when the step must wait for something.
 */
export function failoverForce(
  replica: ModelNode,
  master: ModelNode,
  staleness: string,
  condition?: string,
): RecommendedAction {
  return {
    action: 'failover-force',
    target: `${replica.label} -> takes over from ${master.label}`,
    params: { node: replica.label, master: master.id },
    why:
      `${condition ? `${condition} ` : ''}Promotes the replica with votes from the majority of masters (still available). ${staleness} ` +
      `When ${master.label} comes back it becomes a replica of ${replica.label} and discards what it had.`,
  };
}

/** CLUSTER FAILOVER TAKEOVER: no votes; only when a majority cannot be reached. */
export function failoverTakeover(replica: ModelNode, master: ModelNode): RecommendedAction {
  return {
    action: 'failover-takeover',
    target: `${replica.label} -> takes over from ${master.label} without votes`,
    params: { node: replica.label, master: master.id },
    why:
      `Only if ${master.label} cannot be restarted: TAKEOVER promotes the replica without any election and bumps its epoch unilaterally, ` +
      `breaking the "last failover wins" rule. Writes ${master.label} took after the replica's last sync are lost, and if ${master.label} or another ` +
      'replica is promoted elsewhere at the same time, the higher epoch wins and the other side drops its keys. Never use it while the old master may still be serving clients.',
  };
}

/** Add a replica to a master that has none. */
export function addReplica(master: ModelNode): RecommendedAction {
  return {
    action: 'add-replica',
    target: `new replica for ${master.label}`,
    // The new node is the operator's to name (--node): no diagnosis can know it.
    params: { master: master.id },
    why: `Restores redundancy and risks nothing: the new node copies the data of ${master.label}.`,
  };
}

/** Forget a node that is gone for good, on every node. */
export function forgetNode(n: ModelNode): RecommendedAction {
  return {
    action: 'forget-node',
    target: `${n.label} (${n.id})`,
    params: { node: n.id },
    why:
      `Only once ${n.label} is gone for good and owns no slots: every other node must forget it within the same 60 s ` +
      '(CLUSTER FORGET), or a node that still lists it gossips the entry back.',
  };
}
