/**
 * failover, failover-force, failover-takeover (`--node <replica>`): CLUSTER FAILOVER [FORCE|TAKEOVER] on
 * the replica, then wait until it reports itself master and every answering node agrees it owns the
 * slots. The variant must be the one the cluster allows now (default while the master answers; FORCE
 * when it is down and a majority of slot-owning masters can vote; TAKEOVER only with no such majority,
 * and only when asked by name); a replica without the data is never promoted, and a default failover
 * never to a replica whose min-replicas-to-write its new replicas would not meet. Pure.
 */
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import { countSlots, formatRanges } from '../../cluster/slots.ts';
import { isDown } from '../../diagnose/context.ts';
import { effectiveConfig } from '../../diagnose/facts.ts';
import { chooseFailover, type FailoverMode } from '../../diagnose/failover-choice.ts';
import { restartOutcome } from '../../diagnose/persistence.ts';
import { replicaInfo, replicaUnfitReason } from '../../diagnose/replication-info.ts';
import { REPL_PING_PERIOD_MS } from '../../diagnose/root-causes/election.ts';
import { downForMs } from '../../diagnose/root-causes/shards.ts';
import type { ActionName, RecommendedAction } from '../../diagnose/types.ts';
import type { ActionModule, Plan, PlanInput, Refusal, Risk } from '../types.ts';
import {
  cliFor,
  commandStep,
  findNode,
  fixesOf,
  frame,
  nodeParam,
  nodeRef,
  refuse,
  waitStep,
} from './common.ts';
import { failoverRisks } from './failover-risks.ts';
import { failoverWrites } from './min-replicas.ts';

const ACTION: Record<FailoverMode, ActionName> = {
  default: 'failover',
  force: 'failover-force',
  takeover: 'failover-takeover',
};
const ARGV: Record<FailoverMode, string[]> = {
  default: ['CLUSTER', 'FAILOVER'],
  force: ['CLUSTER', 'FAILOVER', 'FORCE'],
  takeover: ['CLUSTER', 'FAILOVER', 'TAKEOVER'],
};

/** The same recommendation with another variant, offered when the asked one is refused. */
function instead(mode: FailoverMode, replica: ModelNode, master: ModelNode, why: string): RecommendedAction {
  return {
    action: ACTION[mode],
    target: `${replica.label} -> takes over from ${master.label}`,
    why,
    params: { node: replica.label, master: master.label },
  };
}

function restartInstead(model: ClusterModel, master: ModelNode): RecommendedAction {
  return {
    action: 'restart-node',
    target: master.label,
    why: `Bring ${master.label} back with its data directory: ${restartOutcome(model, master)}`,
    params: { node: master.label },
  };
}

/** Why the asked variant is not the one the cluster allows now, or null when it is. */
function wrongMode(
  input: PlanInput,
  asked: FailoverMode,
  needed: FailoverMode,
  replica: ModelNode,
  master: ModelNode,
  votes: string,
): Refusal | null {
  if (asked === needed) return null;
  const a = ACTION[asked];
  const down = `${master.label} is down (${master.health}${master.probeError ? `, probe: ${master.probeError.kind}` : ''})`;
  const cases: Record<string, [string, string]> = {
    'default>force': [
      `${down}: a default failover needs the master to answer ("Master is down or failed, please use CLUSTER FAILOVER FORCE")`,
      'Use failover-force: it still asks the masters to vote.',
    ],
    'default>takeover': [
      `${down} and no majority of slot-owning masters can vote (${votes})`,
      'Only failover-takeover can promote it, without votes; read its risks first.',
    ],
    'force>default': [
      `${master.label} answers: FORCE would skip the catch-up and lose the writes ${replica.label} has not received yet`,
      'Use failover: it loses no write.',
    ],
    'force>takeover': [
      `FORCE needs the votes of a majority of slot-owning masters and only ${votes}: the election cannot succeed`,
      'Bring failed masters back, or use failover-takeover (no votes; it loses the old side if it is alive behind a partition).',
    ],
    'takeover>default': [`${master.label} answers`, 'Use failover: it loses no write.'],
    'takeover>force': [
      `a majority of slot-owning masters can vote (${votes}): TAKEOVER would skip an election that can succeed, and break the "last failover wins" rule for nothing`,
      'Use failover-force.',
    ],
  };
  const [reason, hint] = cases[`${asked}>${needed}`]!;
  return refuse(input, a, 'ACTION_REFUSED', [reason], hint, [
    instead(needed, replica, master, `${hint} (${reason}).`),
  ]);
}

/** For FORCE/TAKEOVER: the replica was cut off long before its master failed, beyond the validity limit. */
function staleBeyondValidity(input: PlanInput, replica: ModelNode, master: ModelNode): string | null {
  const info = replicaInfo(replica);
  const cfg = effectiveConfig(input.snapshot);
  const factor = cfg.replicaValidityFactor.value;
  const down = downForMs(input.model, master);
  if (!info?.linkDownSeconds || info.linkDownSeconds <= 0 || factor <= 0 || down === null) return null;
  const before = info.linkDownSeconds * 1000 - down;
  const limit = REPL_PING_PERIOD_MS + cfg.nodeTimeoutMs.value * factor;
  if (before <= limit) return null;
  return (
    `${replica.label}'s link to ${master.label} has been down ${info.linkDownSeconds} s, about ${Math.round(before / 1000)} s longer than ${master.label} has been down: ` +
    `it stopped receiving writes while the master still took them, beyond the validity limit (${Math.round(limit / 1000)} s = 10 s + cluster-replica-validity-factor ${factor} × ${cfg.nodeTimeoutMs.value} ms)`
  );
}

function evidence(input: PlanInput, replica: ModelNode): string[] {
  return input.diagnosis.findings
    .filter((f) => f.code === 'REPLICA_NOT_SYNCED' && f.nodes.includes(replica.label))
    .flatMap((f) => [f.message, ...f.evidence.slice(0, 4)]);
}

function planFor(asked: FailoverMode, input: PlanInput): Plan | Refusal {
  const action = ACTION[asked];
  const found = nodeParam(
    input,
    action,
    input.params.node,
    'Name the replica to promote with --node <ip:port|id>.',
  );
  if ('refusal' in found) return found.refusal;
  const replica = found.node;
  if (replica.role !== 'replica' || !replica.masterId) {
    const owns = replica.role === 'master' && replica.slotCount > 0;
    return refuse(
      input,
      action,
      owns ? 'ACTION_NOT_NEEDED' : 'ACTION_REFUSED',
      [
        owns
          ? `${replica.label} is already a master owning ${replica.slotCount} slots`
          : `${replica.label} is not a replica (role ${replica.role})`,
      ],
      owns
        ? 'Nothing to fail over: diagnose again to see what remains.'
        : 'Name a replica of the master to replace.',
    );
  }
  const master = input.model.byId.get(replica.masterId);
  if (!master)
    return refuse(
      input,
      action,
      'ACTION_REFUSED',
      [`${replica.label} replicates ${replica.masterId.slice(0, 8)}, which no view lists`],
      'Diagnose again: the cluster views disagree.',
    );
  if (input.params.master) {
    const m = findNode(input, input.params.master);
    if ('error' in m || m.node.id !== master.id)
      return refuse(
        input,
        action,
        'ACTION_BAD_PARAMS',
        [`${replica.label} replicates ${master.label}, not ${input.params.master}`],
        'Name a replica of that master, or leave --master out.',
      );
  }
  if (master.slotCount === 0)
    return refuse(
      input,
      action,
      'ACTION_REFUSED',
      [`${master.label} owns no slot: promoting its replica serves nothing (Redis ignores the request)`],
      'Nothing to take over.',
    );
  if (isDown(replica))
    return refuse(
      input,
      action,
      'ACTION_REFUSED',
      [
        `${replica.label} does not answer itself (${replica.health}${replica.probeError ? `, probe: ${replica.probeError.kind}` : ''})`,
      ],
      'Bring the replica back, or promote another one.',
    );
  const unfit = replicaUnfitReason(replica, master);
  if (unfit)
    return refuse(
      input,
      action,
      'ACTION_REFUSED',
      [
        `${unfit}: promoting it would serve ${master.label}'s ${master.slotCount} slots without their keys`,
        ...evidence(input, replica),
      ],
      `Bring ${master.label} back instead (unfreeze or restart it with its data).`,
      [restartInstead(input.model, master)],
    );
  const others = master.replicas.flatMap((id) => (id === replica.id ? [] : (input.model.byId.get(id) ?? [])));
  const choice = chooseFailover(input.model, master, [replica, ...others]);
  const q = choice.quorum;
  const votes = `${q.reachable.length} of ${q.size} answer, ${q.needed} needed`;
  const mismatch = wrongMode(input, asked, choice.mode, replica, master, votes);
  if (mismatch) return mismatch;
  const info = replicaInfo(replica);
  if (asked === 'default' && info?.linkUp === false)
    return refuse(
      input,
      action,
      'ACTION_REFUSED',
      [
        `${replica.label}'s link to ${master.label} is down (master_link_status:down): it cannot catch up, so the failover would time out`,
      ],
      'Fix replication first (check masterauth and the network), then plan again.',
    );
  if (asked !== 'default') {
    const stale = staleBeyondValidity(input, replica, master);
    if (stale)
      return refuse(
        input,
        action,
        'ACTION_REFUSED',
        [stale],
        `Bring ${master.label} back with its data instead.`,
        [restartInstead(input.model, master)],
      );
  }
  const writes = failoverWrites(input, action, asked, replica, master, others);
  if (!Array.isArray(writes)) return writes;
  return build(input, asked, replica, master, choice, others, votes, writes);
}

function build(
  input: PlanInput,
  mode: FailoverMode,
  replica: ModelNode,
  master: ModelNode,
  choice: ReturnType<typeof chooseFailover>,
  others: ModelNode[],
  votes: string,
  writeRisks: Risk[],
): Plan {
  const action = ACTION[mode];
  const r = nodeRef(replica);
  const nt = effectiveConfig(input.snapshot).nodeTimeoutMs.value;
  const timeoutMs =
    mode === 'default'
      ? 10_000 + 2 * nt
      : mode === 'force'
        ? Math.max(20_000, 4 * Math.max(2 * nt, 2000) + 5000)
        : 10_000 + 2 * nt;
  const slots = formatRanges(master.slots);
  const n = countSlots(master.slots);
  const verb = mode === 'default' ? 'CLUSTER FAILOVER' : `CLUSTER FAILOVER ${mode.toUpperCase()}`;
  const steps = [
    commandStep(input, 's1', `${verb} on ${replica.label}`, r, ARGV[mode], {
      skipIf: { kind: 'role', node: r, role: 'master' },
      waitsFor: 'OK (the failover itself runs in the background)',
    }),
    waitStep(
      's2',
      `Wait until ${replica.label} is master of slots ${slots} on every answering node`,
      { kind: 'agreed-master', node: r, slots: master.slots },
      timeoutMs,
      cliFor(input, replica.label, ['CLUSTER', 'NODES']),
      `${replica.label} reports itself master and every answering node lists it owning the ${n} slots (up to ${Math.round(timeoutMs / 1000)} s)`,
    ),
  ];
  const preconditions = [
    `${replica.label} (${replica.id.slice(0, 8)}) is a replica of ${master.label} (${master.id.slice(0, 8)}), answers, and holds its data (offset ${replicaInfo(replica)?.offset ?? 'unknown'})`,
    mode === 'default'
      ? `${master.label} answers and ${replica.label}'s link to it is up`
      : mode === 'force'
        ? `${master.label} is down and a majority of slot-owning masters can vote (${votes})`
        : `${master.label} is down and no majority of slot-owning masters can vote (${votes})`,
  ];
  return frame(input, action, {
    summary: `${verb} on ${replica.label}: it takes over slots ${slots} (${n} slots) from ${master.label}`,
    steps,
    preconditions,
    risks: [...failoverRisks(mode, replica, master, choice, others), ...writeRisks],
    expected: [
      `${replica.label} is a master owning slots ${slots} and every answering node agrees`,
      `${master.label} owns no slot any more${mode === 'default' ? ' and replicates ' + replica.label : ''}`,
    ],
    fixes: fixesOf(input, action, [replica.label, master.label]),
  });
}

function module(mode: FailoverMode, description: string): ActionModule {
  return {
    name: ACTION[mode],
    description,
    requires: ['node'],
    accepts: ['master'],
    plan: (input) => planFor(mode, input),
  };
}

/** failover: the default mode, for a master that answers. */
export const failoverAction = module(
  'default',
  'Swap a healthy master with its replica, losing no write (maintenance).',
);
/** failover-force: the master is down, a majority can vote. */
export const failoverForceAction = module(
  'force',
  'Promote a replica of a master that is down, with the votes of a majority of slot-owning masters.',
);
/** failover-takeover: no majority can vote; only when asked by name. */
export const failoverTakeoverAction = module(
  'takeover',
  'Promote a replica without any vote, when no majority of masters can vote; loses the other side if it is alive.',
);
