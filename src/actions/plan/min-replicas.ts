/**
 * The min-replicas-to-write guard of the plans that change a master's replicas: del-node of a replica,
 * restart-node of a live replica, a failover (the promoted replica becomes a master with its own setting).
 * A master left with fewer good replicas than its min-replicas-to-write refuses every write (NOREPLICAS):
 * refused with ACTION_MIN_REPLICAS, naming the master, the setting, the replicas it keeps and both ways
 * out (add a replica first, or lower the setting with the exact CONFIG SET, which redis-runbook never
 * runs). A setting that could not be read is a risk, never a refusal. Slot moves: MIGRATE is a write, so
 * a source or receiver that refuses writes now would fail it. Pure; never throws.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { isDown } from '../../diagnose/context.ts';
import { listLabels, plural } from '../../diagnose/finding.ts';
import {
  countsAsGood,
  goodText,
  type MinReplicas,
  minReplicasOf,
  refusesWrites,
} from '../../diagnose/min-replicas.ts';
import type { ActionName } from '../../diagnose/types.ts';
import type { PlanInput, Refusal, Risk } from '../types.ts';
import { cliFor, refuse } from './common.ts';

/** What a plan does to one master's good replicas. */
export interface ReplicaChange {
  /** The master (after a failover: the promoted replica) whose setting is judged. */
  master: ModelNode;
  /** Its setting as read. */
  setting: MinReplicas;
  /** Good replicas it has once the plan is done, null when they could not be counted. */
  kept: number | null;
  /** The replicas it keeps or gets, by name. */
  keeping: ModelNode[];
  /** What the plan does, for the sentence ("without 10.0.0.4:6379", "after the failover"). */
  cause: string;
  /** The slots whose writes depend on it once the plan is done. */
  slots: number;
  /** Good replicas it counts now, when it is a master now. */
  goodNow: number | null;
}

/** Replicas of `m` by the cluster's view (up or not), itself excluded. */
function replicasOf(input: PlanInput, m: ModelNode): ModelNode[] {
  return input.model.nodes.filter((x) => x.masterId === m.id && x.role === 'replica' && x.id !== m.id);
}

/** `master` once `removed` no longer replicate it (del-node, a restart). */
export function withoutReplicas(
  input: PlanInput,
  master: ModelNode,
  removed: readonly ModelNode[],
): ReplicaChange {
  const setting = minReplicasOf(master);
  const lost = removed.filter((r) => countsAsGood(master, r, setting.maxLag)).length;
  const keeping = replicasOf(input, master).filter(
    (r) => !removed.includes(r) && countsAsGood(master, r, setting.maxLag),
  );
  return {
    master,
    setting,
    kept: setting.good === null ? null : Math.max(0, setting.good - lost),
    keeping,
    cause: `without ${listLabels(removed.map((r) => r.label))}`,
    slots: master.slotCount,
    goodNow: setting.good,
  };
}

/**
 * The promoted replica as the new master: its own setting, and the replicas it will have once they have
 * reconnected: the old master when it answers (a default failover turns it into a replica at once) and
 * the other live replicas of the shard.
 */
export function afterFailover(
  replica: ModelNode,
  master: ModelNode,
  others: readonly ModelNode[],
): ReplicaChange {
  const keeping = [...(isDown(master) ? [] : [master]), ...others.filter((o) => !isDown(o))];
  return {
    master: replica,
    setting: minReplicasOf(replica),
    kept: keeping.length,
    keeping,
    cause: 'after the failover',
    slots: master.slotCount,
    goodNow: null,
  };
}

/** The exact command that lowers the setting to `to`; shown, never run. */
export function lowerCommand(input: PlanInput, m: ModelNode, to: number): string {
  return cliFor(input, m.label, ['CONFIG', 'SET', 'min-replicas-to-write', String(to)]);
}

function keptText(c: ReplicaChange): string {
  const names = c.keeping.map((k) => k.label);
  return `${goodText(c.kept ?? 0)}${names.length > 0 ? ` (${listLabels(names)})` : ''}`;
}

/** Refusal reason (or the risk text) of a change that leaves the master short of its setting. */
function shortText(c: ReplicaChange): string {
  const now = c.goodNow !== null ? ` and counts ${goodText(c.goodNow)} now` : '';
  return `${c.master.label} runs with ${c.setting.text}${now}; ${c.cause} it would have ${keptText(c)}, fewer than it demands: it would refuse every write to its ${plural(c.slots, 'slot')} with NOREPLICAS (reads still work)`;
}

/** What to do instead: add a replica first, or lower the setting by hand (the exact command). */
export function minReplicasHint(input: PlanInput, c: ReplicaChange): string {
  const m = c.master;
  const to = c.kept ?? 0;
  return `Add a replica to ${m.label} first (add-replica --master ${m.label}) and plan again once it has synced; or, if ${m.label} may take writes with ${goodText(to)}, lower its setting yourself (redis-runbook does not run it): ${lowerCommand(input, m, to)} (and in its config file, or CONFIG REWRITE, so a restart does not bring it back), then plan again.`;
}

/**
 * Judges one change: the ACTION_MIN_REPLICAS refusal when the master would refuse writes (with
 * `refusal: false`, the same as an availability risk: the plan does not take writes away, e.g. slots
 * that are down now), risks otherwise (unknown setting, exactly at the limit, still enough), none when
 * the setting is off.
 */
export function judgeReplicaChange(
  input: PlanInput,
  action: ActionName,
  c: ReplicaChange,
  opts: { refusal: boolean } = { refusal: true },
): Refusal | Risk[] {
  const { master: m, setting: q } = c;
  if (q.state === 'off') return [];
  const check = cliFor(input, m.label, ['CONFIG', 'GET', 'min-replicas-to-write']);
  if (q.state === 'unknown' || c.kept === null)
    return [
      {
        kind: 'availability',
        text: `${m.label}: ${q.state === 'unknown' ? `its min-replicas-to-write could not be read (${q.why})` : `it enforces ${q.text}, but its good replicas could not be counted (INFO replication not read)`}. If it is set above ${c.kept ?? 'the replicas it keeps'}, ${m.label} refuses every write with NOREPLICAS ${c.cause}. Check first: ${check}`,
      },
    ];
  if (refusesWrites(q, c.kept)) {
    const reason = shortText(c);
    if (opts.refusal)
      return refuse(input, action, 'ACTION_MIN_REPLICAS', [reason, ...q.evidence], minReplicasHint(input, c));
    return [
      {
        kind: 'availability',
        text: `${reason}. To let it take writes with ${goodText(c.kept)}, lower its setting yourself (not run by redis-runbook): ${lowerCommand(input, m, c.kept)}; or add a replica to it.`,
      },
    ];
  }
  if (q.toWrite === null)
    return [
      {
        kind: 'availability',
        text: `${m.label} enforces ${q.text}, and its value could not be read (${q.why}); ${c.cause} it would have ${keptText(c)}: if the setting is above ${c.kept}, it refuses every write with NOREPLICAS. Check first: ${check}`,
      },
    ];
  if (c.kept === q.toWrite)
    return [
      {
        kind: 'availability',
        text: `${m.label} runs with ${q.text}; ${c.cause} it would have exactly ${keptText(c)}: if one of them fails or lags more than ${q.maxLag ?? '?'} s, ${m.label} refuses every write with NOREPLICAS until it is back.`,
      },
    ];
  return [
    {
      kind: 'none',
      text: `${m.label} runs with ${q.text}; ${c.cause} it would still have ${keptText(c)}, enough to take writes.`,
    },
  ];
}

/** Why `node` refuses writes now (its min-replicas-to-write is not met), or null when it takes them or nobody can tell. */
export function refusingWritesNow(node: ModelNode): string | null {
  const q = minReplicasOf(node);
  if (q.good === null || !refusesWrites(q, q.good)) return null;
  return `${q.text}, ${goodText(q.good)}`;
}

/**
 * The ACTION_MIN_REPLICAS refusal of slot moves whose source or receiver refuses writes now: MIGRATE is a
 * write on both sides, so the first one would fail with NOREPLICAS and leave a slot open. Null when none does.
 */
export function refuseRefusingMovers(
  input: PlanInput,
  action: ActionName,
  sides: readonly { node: ModelNode; role: 'source' | 'receiver' }[],
): Refusal | null {
  const reasons: string[] = [];
  const fixes: string[] = [];
  for (const { node, role } of sides) {
    const q = minReplicasOf(node);
    if (q.good === null || !refusesWrites(q, q.good)) continue;
    const what = role === 'source' ? `MIGRATE on ${node.label}` : `every MIGRATE into ${node.label}`;
    const line = `${node.label} refuses writes now (${q.text}, ${goodText(q.good)}): MIGRATE is a write, so ${what} would fail with NOREPLICAS and leave a slot open`;
    if (reasons.includes(line)) continue;
    reasons.push(line);
    fixes.push(lowerCommand(input, node, q.good));
  }
  if (reasons.length === 0) return null;
  return refuse(
    input,
    action,
    'ACTION_MIN_REPLICAS',
    reasons,
    `Bring its replicas back or add one (add-replica --master <it>) and plan again once it counts enough; or lower its setting yourself (redis-runbook does not run it): ${fixes.join('; ')}, then plan again.`,
  );
}

/**
 * A failover's min-replicas-to-write: refused (default failover, the old master takes writes now) or a
 * risk (FORCE/TAKEOVER: its slots take no write now) when the promoted replica would demand more replicas
 * than it gets; the short NOREPLICAS window right after the swap, until its replicas have reconnected; and
 * a setting the promoted replica does not share with the old master.
 */
export function failoverWrites(
  input: PlanInput,
  action: ActionName,
  mode: 'default' | 'force' | 'takeover',
  replica: ModelNode,
  master: ModelNode,
  others: readonly ModelNode[],
): Refusal | Risk[] {
  const c = afterFailover(replica, master, others);
  const judged = judgeReplicaChange(input, action, c, { refusal: mode === 'default' });
  if (!Array.isArray(judged)) return judged;
  const risks = [...judged];
  const q = c.setting;
  if (q.state === 'on' && c.kept !== null && !refusesWrites(q, c.kept) && c.kept > 0)
    risks.push({
      kind: 'availability',
      text: `Right after the swap ${replica.label} counts no good replica until ${listLabels(c.keeping.map((k) => k.label))} ${c.keeping.length === 1 ? 'has' : 'have'} reconnected to it (a partial resync, usually well under a second): until then it refuses writes with NOREPLICAS (${q.text}).`,
    });
  const old = minReplicasOf(master);
  if (mode === 'default' && old.state === 'on' && q.state === 'off') {
    const same =
      old.toWrite !== null
        ? `: ${cliFor(input, replica.label, ['CONFIG', 'SET', 'min-replicas-to-write', String(old.toWrite)])}`
        : '';
    risks.push({
      kind: 'none',
      text: `${master.label} runs with ${old.text}, ${replica.label} with ${q.text}: after the failover writes to these slots are accepted without any replica having them. Set the same value on ${replica.label} if that matters${same}.`,
    });
  }
  return risks;
}
