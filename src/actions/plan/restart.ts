/**
 * restart-node: advice only. redis-runbook cannot start processes on a host, so the plan has no steps:
 * it says what to run there (SIGCONT for a frozen process, a start with nodes.conf and data intact), what
 * the node comes back with (its keys only if it persisted them) and how to check the node is back. Refused for a node that answers and that no root cause names,
 * and for a live replica when the restart would leave its master short of its min-replicas-to-write
 * (ACTION_MIN_REPLICAS); for a replica whose master refuses writes without it, the advice says so.
 */

import type { ModelNode } from '../../cluster/model-types.ts';
import { isDown } from '../../diagnose/context.ts';
import { countsAsGood, goodText, minReplicasOf, refusesWrites } from '../../diagnose/min-replicas.ts';
import { persistenceOf, restartOutcome } from '../../diagnose/persistence.ts';
import type { ActionModule, PlanInput, Refusal, Risk } from '../types.ts';
import { cliFor, fixesOf, frame, nodeParam, refuse } from './common.ts';
import { judgeReplicaChange, lowerCommand, withoutReplicas } from './min-replicas.ts';

/** The risk of a restart, as far as the node's persistence is known (none for a node owning no slots). */
function restartRisk(input: PlanInput, n: ModelNode, owner: boolean): Risk {
  if (!owner) return { kind: 'none', text: 'It owns no slots: a replica resyncs from its master on return.' };
  const own = persistenceOf(input.model, n).own;
  if (own === 'on')
    return {
      kind: 'none',
      text: 'Restarting with its data loses only the writes after its last persistence.',
    };
  return {
    kind: 'data-loss',
    text:
      own === 'off'
        ? `${n.label} runs without persistence (save "", appendonly no): unless a replica took over first, it comes back EMPTY and serves its slots with no keys.`
        : `${n.label} keeps its keys only if it persisted them (RDB save points or AOF), which could not be read: without persistence it comes back EMPTY and serves its slots with no keys.`,
  };
}

/**
 * A replica's master and its min-replicas-to-write: the refusal when the restart takes away a replica it
 * still counts and leaves it short, the risks of that, or advice when it refuses writes without the replica.
 */
function masterWrites(input: PlanInput, n: ModelNode): Refusal | { risks: Risk[]; advice: string[] } {
  const master = n.role === 'replica' && n.masterId ? input.model.byId.get(n.masterId) : undefined;
  if (!master || master.slotCount === 0 || isDown(master)) return { risks: [], advice: [] };
  const q = minReplicasOf(master);
  // Only a replica that answers is taken away by the restart; a frozen one drops out of the count anyway.
  if (!n.probeError && !isDown(n) && countsAsGood(master, n, q.maxLag)) {
    const judged = judgeReplicaChange(input, 'restart-node', withoutReplicas(input, master, [n]));
    return Array.isArray(judged) ? { risks: judged, advice: [] } : judged;
  }
  if (q.good === null || !refusesWrites(q, q.good)) return { risks: [], advice: [] };
  return {
    risks: [],
    advice: [
      `${master.label} refuses every write now with NOREPLICAS (${q.text}, ${goodText(q.good)}): once ${n.label} is back and has synced, it counts again. To let ${master.label} take writes before that, lower its setting yourself (redis-runbook does not run it): ${lowerCommand(input, master, q.good)}, and set it back once ${n.label} is back.`,
    ],
  };
}

function plan(input: PlanInput) {
  const found = nodeParam(
    input,
    'restart-node',
    input.params.node,
    'Name the node with --node <ip:port|id>.',
  );
  if ('refusal' in found) return found.refusal;
  const n = found.node;
  const recommended = input.diagnosis.rootCauses.flatMap((c) =>
    c.actions.filter(
      (a) => a.action === 'restart-node' && (a.params?.node === n.label || a.params?.node === n.id),
    ),
  );
  const frozen = n.probeError?.kind === 'timeout';
  if (!isDown(n) && !n.probeError && recommended.length === 0) {
    return refuse(
      input,
      'restart-node',
      'ACTION_NOT_NEEDED',
      [`${n.label} answers and no finding of this diagnosis names it`],
      'Restarting a healthy node only causes a failover or a resync; look at the root causes instead.',
    );
  }
  const writes = masterWrites(input, n);
  if ('refused' in writes) return writes;
  const check = (args: string[]) => cliFor(input, n.label, args);
  const advice: string[] = [...writes.advice];
  if (frozen)
    advice.push(
      `${n.label} accepts TCP connections but does not answer: if its redis-server was stopped (SIGSTOP, a debugger, a paused container), resume it on its host with kill -CONT <pid> (ps -o stat= -p <pid> shows T while stopped). Otherwise restart it as below.`,
    );
  advice.push(
    `On the host of ${n.label}, start the same redis-server again with its own config and data directory intact (nodes.conf, RDB/AOF), e.g. systemctl start, or let the orchestrator restart the pod on the same volume. Never delete nodes.conf: it is the node's identity.`,
  );
  for (const r of recommended) if (!advice.includes(r.why)) advice.push(r.why);
  const owner = n.role !== 'replica' && n.slotCount > 0;
  if (owner)
    advice.push(
      `If a replica took over its slots meanwhile, ${n.label} rejoins as that replica's replica and discards what it had; otherwise ${restartOutcome(input.model, n)}`,
    );
  advice.push(
    `Then check: ${check(['PING'])} answers PONG; ${check(['CLUSTER', 'INFO'])} shows cluster_state:ok; no node flags it fail in CLUSTER NODES; run the diagnosis again.`,
  );
  return frame(input, 'restart-node', {
    summary: `Restart ${n.label} on its host (advice: redis-runbook cannot start processes)`,
    steps: [],
    preconditions: [],
    risks: [restartRisk(input, n, owner), ...writes.risks],
    expected: [`${n.label} answers and no node flags it fail`],
    fixes: fixesOf(input, 'restart-node', [n.label]),
    mutates: false,
    advice,
  });
}

/** restart-node: advice only, nothing to execute. */
export const restartNodeAction: ActionModule = {
  name: 'restart-node',
  description: 'Advice for a stopped or frozen node: what to run on its host and how to check it is back.',
  requires: ['node'],
  accepts: [],
  plan,
};
