/**
 * del-node (`--node <addr|id> [--to <addr|id>]`): takes a live node out for good. A master hands its
 * slots and keys to the other serving masters (evenly, or all to --to), its replicas follow others, every
 * node forgets it within the 60 s ban, and it is reset to know only itself; the plan says how to stop it
 * and clear its files. Pure; never throws.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { countSlots, formatRanges, normalizeRanges } from '../../cluster/slots.ts';
import { listLabels } from '../../diagnose/finding.ts';
import type { DangerousOption } from '../../diagnose/types.ts';
import type { ActionModule, Plan, PlanInput, Refusal, Risk } from '../types.ts';
import { cliFor, frame, refuse } from './common.ts';
import { checkRemoval, type Removal, refuseSeed } from './del-node-checks.ts';
import { delNodeSteps, type Repoint, repointsOf, type Share, sharesOf, totalKeys } from './del-node-steps.ts';
import { forgetters } from './forget.ts';
import { receiverChecks } from './receivers.ts';
import { healthyMasters } from './slot-steps.ts';

const NAME = 'del-node';

function keysText(k: number | null | undefined): string {
  return k === null || k === undefined ? 'an unknown number of keys' : `about ${k} key${k === 1 ? '' : 's'}`;
}

/** What giving away its last slot does to `n`, from its cluster-allow-replica-migration when it was read. */
function lastSlotRisk(n: ModelNode, last: ModelNode): Risk {
  const migrates = n.observation?.config?.allowReplicaMigration;
  if (migrates === false)
    return {
      kind: 'none',
      text: `${n.label} runs with cluster-allow-replica-migration no: once its slots are gone it stays an empty master, and its replicas stay with it until the plan re-points them.`,
    };
  return {
    kind: 'availability',
    text: `Giving away its last slot, ${n.label} turns into a replica of ${last.label} (cluster-allow-replica-migration ${migrates ? 'yes' : 'yes is the default; its setting could not be read'}) and copies its data: a fork on ${last.label}. The reset waits until that copy is done.`,
  };
}

function moveRisks(input: PlanInput, n: ModelNode, shares: readonly Share[]): Risk[] {
  const keys = n.observation?.dbsize;
  const to = shares.map((s) => `${countSlots(s.slots)} to ${s.to.label}`).join(', ');
  const last = shares[shares.length - 1]!.to;
  const remaining = healthyMasters(input).filter(
    (m) => m.id !== n.id && (m.slotCount > 0 || shares.some((s) => s.to === m)),
  );
  const risks: Risk[] = [
    {
      kind: 'none',
      text: `${n.slotCount} slots move with ${keysText(keys)} (${to}); MIGRATE runs without REPLACE, so a key already on a receiver stops the move and nothing is overwritten. Its replicas keep a copy until every slot has moved.`,
    },
    {
      kind: 'availability',
      text: `While a slot moves, clients get ASK redirects for it and multi-key commands on split keys get TRYAGAIN; each MIGRATE blocks ${n.label} for the batch it sends. Receivers take on ${shares.map((s) => `${s.to.label} ${keysText(s.keys)}`).join(', ')}: check their memory headroom (maxmemory) first.`,
    },
    lastSlotRisk(n, last),
  ];
  const idle = healthyMasters(input).filter((m) => m.id !== n.id && !remaining.includes(m));
  if (idle.length > 0)
    risks.push({
      kind: 'none',
      text: `${listLabels(idle.map((m) => m.label))} ${idle.length === 1 ? 'owns' : 'own'} no slot and ${idle.length === 1 ? 'gets' : 'get'} none; to hand everything to ${idle.length === 1 ? 'it' : 'one of them'}, plan again with --to ${idle[0]!.label}.`,
    });
  if (remaining.length < 3)
    risks.push({
      kind: 'availability',
      text: `Only ${remaining.length} master${remaining.length === 1 ? '' : 's'} will own slots: a failover needs the votes of a majority of them, so if one fails, ${remaining.length === 1 ? 'nothing can take over' : 'the other alone cannot elect its replica and its slots stay down'}.`,
    });
  return risks;
}

function repointRisk(n: ModelNode, repoints: readonly Repoint[]): Risk[] {
  if (repoints.length === 0) return [];
  const pairs = repoints.map((p) => `${p.replica.label} -> ${p.master.label}`).join(', ');
  return [
    {
      kind: 'availability',
      text: `The replicas of ${n.label} follow other masters (${pairs}), the one with the fewest replicas each: a full sync each (a fork and memory on the master); they are never left following a node that no longer exists.`,
    },
  ];
}

function replicaRisks(r: Removal): Risk[] {
  const m = r.master;
  const risks: Risk[] = [
    {
      kind: 'none',
      text: `${r.node.label} is a replica: no slot or key moves; clients that read from it (READONLY) must use another node.`,
    },
    ...(r.writeRisks ?? []),
  ];
  if (m && r.lastCopy)
    risks.push({
      kind: 'data-loss',
      text: `${m.label} is left without a copy of its ${m.slotCount} slots (${keysText(m.observation?.dbsize)}): if it fails before a new replica has synced, those slots are down and their keys lost (--allow-no-replica).`,
    });
  return risks;
}

function advice(input: PlanInput, n: ModelNode, repoints: readonly Repoint[], later: readonly ModelNode[]) {
  const out = [
    `Stop the redis-server at ${n.label} on its host and keep it stopped (your service manager, or ${cliFor(input, n.label, ['SHUTDOWN', 'NOSAVE'])}): while it runs, a CLUSTER MEET to it joins it again as an empty master, and a node that missed the FORGET makes every node list it again once the 60 s ban is over.`,
    `Before reusing its host, port or data directory: delete its nodes.conf (cluster-config-file, in CONFIG GET dir) and its data files (dump.rdb, the appendonly directory): a node that starts alone with old keys claims their slots for itself. Or start it empty and run CLUSTER RESET HARD, which also gives it a new id.`,
    `Take ${n.label} out of your clients' seed lists, service discovery and monitoring.`,
  ];
  for (const p of repoints)
    out.push(
      `${p.replica.label} now replicates ${p.master.label}; to remove it too, plan del-node --node ${p.replica.label} after this run.`,
    );
  if (later.length > 0)
    out.push(
      `Keep ${n.label} stopped before ${listLabels(later.map((d) => d.label))} ${later.length === 1 ? 'comes' : 'come'} back; if the nodes list ${n.id} again, remove that entry with forget-node (a dead entry owning nothing).`,
    );
  return out;
}

function summaryOf(
  r: Removal,
  shares: readonly Share[],
  repoints: readonly Repoint[],
  nodes: number,
): string {
  const n = r.node;
  const parts = [
    shares.length > 0
      ? `move its ${n.slotCount} slots to ${shares.map((s) => `${s.to.label} (${countSlots(s.slots)})`).join(', ')} with their keys`
      : '',
    repoints.length > 0
      ? `re-point ${repoints.map((p) => `${p.replica.label} to ${p.master.label}`).join(', ')}`
      : '',
    `forget it on ${nodes} node${nodes === 1 ? '' : 's'}`,
    'reset it',
  ].filter(Boolean);
  const what =
    r.kind === 'replica'
      ? `replica ${n.label}${r.master ? ` (of ${r.master.label})` : ''}`
      : `master ${n.label}`;
  return `Remove ${what}: ${parts.join(', ')}`;
}

function expectedOf(n: ModelNode, shares: readonly Share[], repoints: readonly Repoint[]): string[] {
  return [
    ...shares.map((s) => {
      const after = normalizeRanges([...s.to.slots, ...s.slots]);
      return `${s.to.label} owns ${countSlots(after)} slots (${formatRanges(s.slots)} added)`;
    }),
    ...repoints.map((p) => `${p.replica.label} replicates ${p.master.label}, synced`),
    `no answering node lists ${n.id}`,
    `${n.label} knows only itself, owns no slot and holds no key`,
  ];
}

function plan(input: PlanInput): Plan | Refusal {
  const r = checkRemoval(input);
  if ('refused' in r) return r;
  const n = r.node;
  const seeded = refuseSeed(input, n);
  if (seeded) return seeded;
  const shares = r.kind === 'master' ? sharesOf(r) : [];
  const repoints = repointsOf(input, r);
  if (repoints === null)
    return refuse(
      input,
      NAME,
      'ACTION_REFUSED',
      [`no other master owns slots for ${listLabels(r.followers.map((f) => f.label))} to follow`],
      'Give the cluster a serving master first.',
    );
  const { able, later } = forgetters(input, n);
  if (able.length === 0)
    return refuse(input, NAME, 'ACTION_REFUSED', ['no other node answers'], 'Diagnose the cluster first.');
  const replace = shares.length > 0 && (input.params.allow?.includes('replace-existing-keys') ?? false);
  const dangerous: DangerousOption[] = [
    ...(r.lastCopy ? (['allow-no-replica'] as const) : []),
    ...(replace ? (['replace-existing-keys'] as const) : []),
  ];
  const risks: Risk[] = [
    ...(r.kind === 'replica' ? replicaRisks(r) : shares.length > 0 ? moveRisks(input, n, shares) : []),
    ...(r.kind === 'empty-master'
      ? [{ kind: 'none' as const, text: `${n.label} owns no slot and holds no key: nothing moves.` }]
      : []),
    ...repointRisk(n, repoints),
    {
      kind: 'availability',
      text: `CLUSTER RESET SOFT makes ${n.label} forget the cluster and flushes ${r.kind === 'replica' ? 'its copy of the data' : shares.length > 0 ? 'the copy it made as a replica, if it turned into one (its own keys have moved by then)' : 'nothing (it holds no key)'}: clients still sending to it get CLUSTERDOWN until they refresh their slot map.`,
    },
    ...(later.length > 0
      ? [
          {
            kind: 'availability' as const,
            text: `${listLabels(later.map((d) => d.label))} ${later.length === 1 ? 'is' : 'are'} down and cannot get the FORGET: coming back after the 60 s ban, ${later.length === 1 ? 'it gossips' : 'they gossip'} the id of ${n.label} and every node lists it again (a reset ${n.label} that still runs is listed though it knows none of them; a stopped one shows as a failed entry for forget-node).`,
          },
        ]
      : []),
  ];
  const total = totalKeys(input);
  return receiverChecks(
    input,
    frame(input, NAME, {
      summary: summaryOf(r, shares, repoints, able.length),
      steps: delNodeSteps(input, r, shares, repoints, able),
      preconditions: [
        `${n.label} (id ${n.id.slice(0, 8)}) answers, is a ${r.kind === 'replica' ? 'replica' : 'master'} owning ${n.slotCount} slots and takes no part in an open migration`,
        ...(shares.length > 0 ? ['no slot is open or unassigned, every master answers'] : []),
        ...(r.followers.length > 0
          ? [
              `${listLabels(r.followers.map((f) => f.label))} ${r.followers.length === 1 ? 'follows it and answers' : 'follow it and answer'}`,
            ]
          : []),
        `${able.length} other nodes answer${total !== null && shares.length > 0 ? `; the cluster holds ${total} keys` : ''}`,
      ],
      risks,
      expected: expectedOf(n, shares, repoints),
      fixes: [],
      advice: advice(input, n, repoints, later),
      dangerous,
    }),
  );
}

/** The del-node action: requires --node, accepts --to and the data-losing option flags. */
export const delNodeAction: ActionModule = {
  name: NAME,
  description:
    'Remove a live node for good: move its slots and keys to the other masters (or --to), re-point its replicas, forget it everywhere, reset it.',
  requires: ['node'],
  accepts: ['to', 'allow'],
  plan,
};
