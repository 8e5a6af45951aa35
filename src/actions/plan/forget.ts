/**
 * forget-node (`--node <addr|id>`): CLUSTER FORGET on every other answering node, all within the 60 s the
 * FORGET bans the id for ("ERR Unknown node" counts as done), then wait until no answering node lists
 * it. Refused while the node owns slots, while it answers (a live node comes back by gossip), and while a
 * live replica still follows it (it would refuse: "Can't forget my master!"). A replica its master still
 * counts as good (cut off from us, not from it) is a risk when its master would then be short of its
 * min-replicas-to-write: FORGET does not cut the replication link, stopping the process does. Pure.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { isDown } from '../../diagnose/context.ts';
import { listLabels } from '../../diagnose/finding.ts';
import { countsAsGood, minReplicasOf } from '../../diagnose/min-replicas.ts';
import type { RecommendedAction } from '../../diagnose/types.ts';
import type { ActionModule, Plan, PlanInput, Refusal, Risk } from '../types.ts';
import { cliFor, fanoutStep, findNode, fixesOf, frame, nodeRef, refuse, waitStep } from './common.ts';
import { judgeReplicaChange, withoutReplicas } from './min-replicas.ts';

/** How long a FORGET bans the id from gossip on the node that ran it (CLUSTER_BLACKLIST_TTL). */
export const FORGET_WINDOW_MS = 60_000;

/** True when the node answered our probe itself. */
function answers(n: ModelNode): boolean {
  return !!n.observation && !n.observation.error && n.selfSeen;
}

function followersOf(input: PlanInput, n: ModelNode): ModelNode[] {
  return input.model.nodes.filter((x) => x.masterId === n.id && x.role === 'replica' && x.id !== n.id);
}

function promote(r: ModelNode, n: ModelNode): RecommendedAction {
  return {
    action: 'failover-force',
    target: `${r.label} -> takes over from ${n.label}`,
    why: `${r.label} still replicates ${n.label}: promote it (or point it at a live master) before forgetting ${n.label}.`,
    params: { node: r.label, master: n.label },
  };
}

/** Nodes that must forget `n`: those that answer now, and those that cannot hear the FORGET now (down). */
export function forgetters(input: PlanInput, n: ModelNode): { able: ModelNode[]; later: ModelNode[] } {
  const members = input.model.nodes.filter(
    (x) => x.id !== n.id && !x.flags.includes('handshake') && x.ip && x.port > 0,
  );
  const able = members.filter((x) => !isDown(x) && answers(x));
  return { able, later: members.filter((x) => !able.includes(x)) };
}

/**
 * CLUSTER FORGET <id> on every node of `able` at once, within the 60 s ban ("ERR Unknown node" counts as
 * done), then a wait until no answering node lists the id; step ids from s<first>.
 */
export function forgetSteps(input: PlanInput, id: string, able: readonly ModelNode[], first: number) {
  return [
    fanoutStep(
      input,
      `s${first}`,
      `CLUSTER FORGET ${id.slice(0, 8)}… on all ${able.length} answering nodes at once`,
      able.map(nodeRef),
      ['CLUSTER', 'FORGET', id],
      FORGET_WINDOW_MS,
      ['ERR Unknown node'],
    ),
    waitStep(
      `s${first + 1}`,
      `Wait until no answering node lists ${id.slice(0, 8)}…`,
      { kind: 'forgotten', id },
      10_000,
      cliFor(input, able[0]!.label, ['CLUSTER', 'NODES']),
      `no answering node lists ${id.slice(0, 8)}… (up to 10 s)`,
    ),
  ];
}

/** The risk of nodes that are down now: on return they gossip the forgotten id back. */
export function missedForgetRisks(id: string, later: readonly ModelNode[]): Risk[] {
  if (later.length === 0) return [];
  return [
    {
      kind: 'availability',
      text: `${listLabels(later.map((x) => x.label))} ${later.length === 1 ? 'is' : 'are'} down and cannot get the FORGET now: on return ${later.length === 1 ? 'it gossips' : 'they gossip'} the id back; run CLUSTER FORGET ${id} there within 60 s of the start.`,
    },
  ];
}

/** For a replica its master still counts as good: what stopping it for good does to that master's writes. */
function masterWriteRisks(input: PlanInput, n: ModelNode): Risk[] {
  const master = n.role === 'replica' && n.masterId ? input.model.byId.get(n.masterId) : undefined;
  if (!master || master.slotCount === 0 || isDown(master)) return [];
  if (!countsAsGood(master, n, minReplicasOf(master).maxLag)) return [];
  const judged = judgeReplicaChange(input, 'forget-node', withoutReplicas(input, master, [n]), {
    refusal: false,
  });
  if (!Array.isArray(judged) || judged.length === 0) return [];
  return [
    {
      kind: 'availability',
      text: `${master.label} still counts ${n.label} as a good replica (its INFO replication lists it online): CLUSTER FORGET does not cut that link, but stopping ${n.label} for good does.`,
    },
    ...judged,
  ];
}

function plan(input: PlanInput): Plan | Refusal {
  const text = input.params.node ?? '';
  const found = findNode(input, text);
  if ('error' in found) {
    const gone = /^[0-9a-f]{40}$/i.test(text.trim());
    return refuse(
      input,
      'forget-node',
      gone ? 'ACTION_NOT_NEEDED' : 'ACTION_BAD_PARAMS',
      [gone ? `no node lists ${text.trim().slice(0, 8)} any more` : found.error],
      gone ? 'Nothing to forget.' : 'Name the node with --node <ip:port|id>.',
    );
  }
  const n = found.node;
  if (n.flags.includes('handshake') && n.handshakeBy.length === n.seenBy.length)
    return refuse(
      input,
      'forget-node',
      'ACTION_NOT_NEEDED',
      [`${n.label} is only a handshake entry (a random id that expires by itself)`],
      'If it keeps coming back, stop whatever runs CLUSTER MEET to that address.',
    );
  if (n.role !== 'replica' && n.slotCount > 0)
    return refuse(
      input,
      'forget-node',
      'ACTION_REFUSED',
      [
        `${n.label} owns ${n.slotCount} slots: forgetting it leaves them unassigned and their keys unreachable`,
      ],
      'Fail its slots over to a replica (failover-force) or bring it back; forget it once it owns nothing.',
      followersOf(input, n)
        .filter((r) => !isDown(r))
        .map((r) => promote(r, n)),
    );
  if (answers(n) || !isDown(n))
    return refuse(
      input,
      'forget-node',
      'ACTION_REFUSED',
      [
        `${n.label} ${answers(n) ? 'answers' : 'is listed as healthy'}: a live node that is forgotten comes back by gossip within 60 s (it still knows everyone)`,
      ],
      'Shut it down for good first (or CLUSTER RESET it), then forget it.',
    );
  const live = followersOf(input, n).filter((r) => !isDown(r));
  if (live.length > 0)
    return refuse(
      input,
      'forget-node',
      'ACTION_REFUSED',
      [
        `${listLabels(live.map((r) => r.label))} still ${live.length === 1 ? 'replicates' : 'replicate'} ${n.label} and would refuse the FORGET ("Can't forget my master!")`,
      ],
      'Promote that replica (failover-force) or point it at a live master (CLUSTER REPLICATE) first.',
      live.map((r) => promote(r, n)),
    );
  const { able, later } = forgetters(input, n);
  if (able.length === 0)
    return refuse(
      input,
      'forget-node',
      'ACTION_REFUSED',
      ['no other node answers'],
      'Diagnose the cluster first.',
    );
  const id = n.id;
  const steps = forgetSteps(input, id, able, 1);
  const risks: Risk[] = [
    { kind: 'none', text: `${n.label} owns no slot: clients are not affected and no key moves.` },
    {
      kind: 'availability',
      text: `If the process at ${n.label} is started again with its nodes.conf, it still knows everyone and rejoins by gossip: keep it down, or CLUSTER RESET it before reusing it.`,
    },
    ...missedForgetRisks(id, later),
    ...masterWriteRisks(input, n),
  ];
  return frame(input, 'forget-node', {
    summary: `Forget ${n.label === id ? id : `${n.label} (${id.slice(0, 8)}…)`} on all ${able.length} answering nodes within 60 s`,
    steps,
    preconditions: [
      `${n.label} owns no slot, is down, and no live replica follows it`,
      `${able.length} other nodes answer`,
    ],
    risks,
    expected: [`no answering node lists ${id}`],
    fixes: fixesOf(input, 'forget-node', [n.label, id]),
  });
}

/** forget-node: CLUSTER FORGET everywhere within the 60 s window. */
export const forgetNodeAction: ActionModule = {
  name: 'forget-node',
  description:
    'Remove a node that is gone for good and owns no slot from every node, within the 60 s FORGET window.',
  requires: ['node'],
  accepts: [],
  plan,
};
