/**
 * add-node (an empty master) and add-replica (`--node <new> [--master <addr|id>]`): for a master, first the
 * cluster's Redis 7 functions are copied to it (functions.ts); then CLUSTER MEET from the
 * new node to a cluster node (skipped when every node already knows it), wait for the join, then for a
 * replica CLUSTER REPLICATE <master-id> (skipped when it already replicates it) and wait until it has
 * synced. The new node must answer, be cluster-enabled, hold no key, know only itself, own no slot and
 * have its bus port open. Without --master: the master with the fewest replicas, another host first. Pure.
 */

import type { ModelNode } from '../../cluster/model-types.ts';
import { naturalCompare } from '../../cluster/util.ts';
import { isDown } from '../../diagnose/context.ts';
import type { ActionModule, Plan, PlanInput, PlanStep, Refusal, Risk } from '../types.ts';
import { cliFor, commandStep, fixesOf, frame, optionalNodeParam, refuse, waitStep } from './common.ts';
import { functionsCopy } from './functions.ts';
import { joinBlockers, type Newcomer, readNewcomer } from './newcomer.ts';

type Kind = 'add-node' | 'add-replica';

/** True when the node answered our probe with its own view (whatever its peers think of it). */
export function answersUs(n: ModelNode): boolean {
  return n.selfSeen && !n.probeError && !n.observation?.error && !!n.ip && n.port > 0;
}

/**
 * The cluster node the newcomer meets: an answering healthy master that owns slots, else any healthy
 * answering node, else any node that answers us.
 */
export function entryNode(input: PlanInput, except?: string): ModelNode | undefined {
  const ok = input.model.nodes.filter((n) => n.id !== except && answersUs(n) && n.seenBy.length > 0);
  const healthy = ok.filter((n) => !isDown(n));
  return healthy.find((n) => n.role === 'master' && n.slotCount > 0) ?? healthy[0] ?? ok[0];
}

/** The model's node for an id that other nodes list (a stranger that knows only itself is not one). */
export function memberOf(input: PlanInput, id: string): ModelNode | undefined {
  const n = input.model.byId.get(id);
  return n && n.seenBy.length > 0 ? n : undefined;
}

/** Healthy replicas of `m` (not down). */
function liveReplicas(input: PlanInput, m: ModelNode): number {
  return m.replicas.filter((id) => {
    const r = input.model.byId.get(id);
    return r && !isDown(r);
  }).length;
}

/** The master a new replica should follow: fewest live replicas, then another host, then fewest slots. */
function pickMaster(input: PlanInput, host: string): ModelNode | undefined {
  const masters = input.model.nodes.filter((n) => n.role === 'master' && n.slotCount > 0 && !isDown(n));
  return masters.sort(
    (a, b) =>
      liveReplicas(input, a) - liveReplicas(input, b) ||
      Number(a.host === host) - Number(b.host === host) ||
      naturalCompare(a.label, b.label),
  )[0];
}

function joinSteps(input: PlanInput, n: Newcomer, entry: ModelNode): PlanStep[] {
  const cport = entry.cport ?? entry.port + 10_000;
  const total = input.model.nodes.filter((x) => !isDown(x)).length + 1;
  const timeoutMs = 20_000 + 150 * total;
  return [
    commandStep(
      input,
      's1',
      `${n.obs.address} meets ${entry.label}`,
      n.ref,
      ['CLUSTER', 'MEET', entry.ip, String(entry.port), String(cport)],
      {
        skipIf: { kind: 'known-by-all', node: n.ref },
        waitsFor: 'OK (the handshake runs over the cluster bus)',
      },
    ),
    waitStep(
      's2',
      `Wait until ${n.obs.address} and every node know each other`,
      { kind: 'known-by-all', node: n.ref },
      timeoutMs,
      cliFor(input, n.obs.address, ['CLUSTER', 'NODES']),
      `every answering node lists ${n.obs.address} and it lists them, no handshake left (up to ${Math.round(timeoutMs / 1000)} s)`,
    ),
  ];
}

function plan(kind: Kind, input: PlanInput): Plan | Refusal {
  const read = readNewcomer(input.newNode);
  if ('reason' in read)
    return refuse(
      input,
      kind,
      read.code,
      [read.reason],
      'Start the new node with cluster-enabled yes, empty, reachable from here and from every node.',
    );
  const n = read;
  const member = memberOf(input, n.ref.id!);
  if (member && kind === 'add-node')
    return refuse(
      input,
      kind,
      'ACTION_NOT_NEEDED',
      [`${n.obs.address} is already a member (id ${n.ref.id!.slice(0, 8)})`],
      'Nothing to add.',
    );
  if (member && (member.role === 'replica' || member.slotCount > 0))
    return refuse(
      input,
      kind,
      'ACTION_REFUSED',
      [
        `${n.obs.address} is already a ${member.role === 'replica' ? `replica of ${member.masterId?.slice(0, 8)}` : `master owning ${member.slotCount} slots`}`,
      ],
      'Name an empty node.',
    );
  const blockers = joinBlockers(n).filter((b) => !member || !b.includes('already knows'));
  if (blockers.length > 0)
    return refuse(
      input,
      kind,
      'ACTION_REFUSED',
      blockers,
      'Use an empty node that knows only itself (a fresh redis-server with cluster-enabled yes).',
    );
  const entry = entryNode(input, n.ref.id ?? undefined);
  if (!entry)
    return refuse(
      input,
      kind,
      'ACTION_REFUSED',
      ['no node of the cluster answers'],
      'Diagnose the cluster first.',
    );
  const steps = joinSteps(input, n, entry);
  const pre = [
    `${n.obs.address} (id ${n.ref.id!.slice(0, 8)}) answers, is cluster-enabled, holds 0 keys, owns no slot and ${member ? 'is an empty master of this cluster' : 'knows only itself'}`,
    `its cluster bus port ${n.obs.busPort?.port ?? '?'} accepts TCP`,
    `${entry.label} answers and introduces it`,
  ];
  if (kind === 'add-node') {
    const fn = functionsCopy(input, entry, n);
    if (fn.refuse)
      return refuse(
        input,
        kind,
        'ACTION_REFUSED',
        fn.refuse,
        `Look at FUNCTION LIST on ${n.obs.address}. If its libraries are leftovers, delete them there by hand (FUNCTION DELETE <library>) and plan again; add-node copies the cluster's own.`,
      );
    const all = (fn.step ? [fn.step, ...steps] : steps).map((s, i) => ({ ...s, id: `s${i + 1}` }));
    return frame(input, kind, {
      summary: `Add ${n.obs.address} to the cluster as an empty master (through ${entry.label})`,
      steps: all,
      preconditions: fn.step
        ? [...pre, `${n.obs.address} holds no function library, or exactly ${fn.step.source.address}'s`]
        : pre,
      risks: [
        {
          kind: 'none',
          text: `${n.obs.address} joins empty and owns no slot: no key moves and clients are unaffected; it serves nothing until slots are moved to it (reshard or rebalance).`,
        },
        ...fn.risks,
      ],
      expected: [
        `${n.obs.address} is a master known by every node, owning no slot`,
        ...(fn.step
          ? [`${n.obs.address} holds the same function libraries as ${fn.step.source.address}`]
          : []),
      ],
      fixes: [],
    });
  }
  return replicaPlan(input, n, steps, pre);
}

function replicaPlan(input: PlanInput, n: Newcomer, steps: PlanStep[], pre: string[]): Plan | Refusal {
  const chosen = optionalNodeParam(
    input,
    'add-replica',
    input.params.master,
    'Name the master with --master <ip:port|id>, or leave it out.',
    (m) =>
      m.role === 'replica'
        ? {
            code: 'ACTION_BAD_PARAMS',
            reason: `${m.label} is a replica, not a master`,
            hint: 'Name a master.',
          }
        : isDown(m)
          ? {
              code: 'ACTION_REFUSED',
              reason: `${m.label} is down: a replica cannot sync from it`,
              hint: 'Bring the master back or fail it over first.',
            }
          : null,
    () => pickMaster(input, n.host),
  );
  if ('refusal' in chosen) return chosen.refusal;
  const master = chosen.node;
  if (!master)
    return refuse(
      input,
      'add-replica',
      'ACTION_REFUSED',
      ['no master owning slots answers'],
      'Diagnose the cluster first.',
    );
  const keys = master.observation?.dbsize;
  const syncMs = 60_000 + Math.min(30 * 60_000, Math.ceil((keys ?? 0) / 20_000) * 1000);
  steps.push(
    commandStep(
      input,
      's3',
      `${n.obs.address} replicates ${master.label}`,
      n.ref,
      ['CLUSTER', 'REPLICATE', master.id],
      {
        skipIf: { kind: 'role', node: n.ref, role: 'replica', of: master.id },
        waitsFor: 'OK (the full sync starts in the background)',
      },
    ),
    waitStep(
      's4',
      `Wait until ${n.obs.address} has synced with ${master.label}`,
      { kind: 'replica-synced', node: n.ref },
      syncMs,
      cliFor(input, n.obs.address, ['INFO', 'replication']),
      `master_link_status:up and no sync in progress (up to ${Math.round(syncMs / 1000)} s)`,
    ),
  );
  const count = liveReplicas(input, master);
  const risks: Risk[] = [
    {
      kind: 'availability',
      text: `${master.label} sends a full copy: it forks to write an RDB of its ${keys ?? 'unknown number of'} keys (memory grows with the writes during the copy, CPU on the fork) and streams it to ${n.obs.address}; no key is lost and clients keep being served.`,
    },
  ];
  if (master.host && master.host === n.host)
    risks.push({
      kind: 'availability',
      text: `${n.obs.address} is on the same host as ${master.label}: one host failure takes both.`,
    });
  return frame(input, 'add-replica', {
    summary: `Add ${n.obs.address} as a replica of ${master.label} (${count === 0 ? 'it has no live replica' : `it has ${count} live replica${count === 1 ? '' : 's'}`})`,
    steps,
    preconditions: [...pre, `${master.label} (id ${master.id.slice(0, 8)}) is a master that answers`],
    risks,
    expected: [
      `${n.obs.address} is known by every node`,
      `${n.obs.address} replicates ${master.label} with master_link_status:up`,
    ],
    fixes: fixesOf(input, 'add-replica', [master.label]),
  });
}

function module(kind: Kind, description: string, accepts: ActionModule['accepts']): ActionModule {
  return {
    name: kind,
    description,
    requires: ['node'],
    accepts,
    probesNewNode: true,
    plan: (input) => plan(kind, input),
  };
}

/** add-node: an empty master that owns nothing. */
export const addNodeAction = module(
  'add-node',
  'Join an empty node to the cluster as a master owning no slot.',
  [],
);
/** add-replica: an empty node as a replica of a master. */
export const addReplicaAction = module(
  'add-replica',
  'Join an empty node as a replica of a master (the one with the fewest replicas unless --master is given).',
  ['master'],
);
