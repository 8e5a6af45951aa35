/**
 * What del-node refuses, with numbers and a safer action: a stranger, ghost, dead or loading node
 * (forget-node); a side of an open migration; a down replica of it; a master whose slots have nowhere to
 * go; the only up-to-date copy of a down master; a replica whose master would be left short of its
 * min-replicas-to-write (ACTION_MIN_REPLICAS); the last copy of a master's data without allow-no-replica;
 * a node a registry seed points at. Pure; never throws.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { formatRanges, slotsToRanges } from '../../cluster/slots.ts';
import { isDown, isLoading } from '../../diagnose/context.ts';
import { chooseFailover } from '../../diagnose/failover-choice.ts';
import { listLabels } from '../../diagnose/finding.ts';
import { isHealthyReplica, replicaInfo, replicaUnfitReason } from '../../diagnose/replication-info.ts';
import type { RecommendedAction } from '../../diagnose/types.ts';
import type { ActionErrorCode } from '../errors.ts';
import type { PlanInput, Refusal, Risk } from '../types.ts';
import { answersUs } from './add.ts';
import { findNode, refuse } from './common.ts';
import { judgeReplicaChange, withoutReplicas } from './min-replicas.ts';
import { refuseUnhealthy } from './reshard.ts';
import { isHealthyMaster } from './slot-steps.ts';

const NAME = 'del-node';

/** A node del-node may remove, and what removing it involves. */
export interface Removal {
  node: ModelNode;
  /** A master owning slots, a master owning none, or a replica. */
  kind: 'master' | 'empty-master' | 'replica';
  /** The replica's master (kind 'replica'), when the cluster knows it. */
  master?: ModelNode;
  /** Live replicas of the node: they are re-pointed before it is forgotten. */
  followers: ModelNode[];
  /** Masters that receive its slots (kind 'master'). */
  receivers: ModelNode[];
  /** Removing this replica leaves its master (owning slots) with no synced replica (allow-no-replica). */
  lastCopy: boolean;
  /** What removing this replica does to its master's min-replicas-to-write, when that is not refused. */
  writeRisks?: Risk[];
}

interface No {
  reasons: string[];
  hint: string;
  alternatives?: RecommendedAction[];
  code?: ActionErrorCode;
}

const no = (reasons: string[], hint: string, alternatives?: RecommendedAction[]): No => ({
  reasons,
  hint,
  ...(alternatives ? { alternatives } : {}),
});

const bad = (reasons: string[], hint: string): No => ({ reasons, hint, code: 'ACTION_BAD_PARAMS' });

/** The refusal for `x`. */
const refusal = (input: PlanInput, x: No): Refusal =>
  refuse(input, NAME, x.code ?? 'ACTION_REFUSED', x.reasons, x.hint, x.alternatives);

/** Replicas (by the cluster's view) of `n`, itself excluded. */
export function followersOf(input: PlanInput, n: ModelNode): ModelNode[] {
  return input.model.nodes.filter((x) => x.masterId === n.id && x.role === 'replica' && x.id !== n.id);
}

/** Why `n` cannot be removed by del-node at all (not a member, a ghost, down, loading), or null. */
function notRemovable(input: PlanInput, n: ModelNode): No | null {
  const others = input.model.nodes.filter((x) => x.id !== n.id && x.selfSeen);
  if (n.seenBy.length === 0 && others.length > 0)
    return no(
      [`no other node lists ${n.label}: it is not a member of this cluster`],
      'Name a node of the cluster (ip:port or id, as CLUSTER NODES lists it).',
    );
  if (n.flags.includes('handshake') || n.flags.includes('noaddr') || !n.ip || n.port <= 0)
    return no(
      [`${n.label} is a ghost entry (${n.flags.join(',')}), not a running member`],
      'Use forget-node for entries of nodes that are gone.',
      [forgetIt(n)],
    );
  if (isLoading(n))
    return no(
      [`${n.label} is loading its data set (it answers LOADING)`],
      'Wait until it has loaded, then plan again.',
    );
  if (isDown(n) || !answersUs(n)) {
    const how =
      n.health === 'fail' || n.health === 'pfail'
        ? `flagged ${n.health === 'fail' ? 'fail' : 'fail?'} by the cluster`
        : 'does not answer our probe';
    const alternatives =
      n.slotCount > 0
        ? followersOf(input, n)
            .filter((r) => !isDown(r))
            .map((r) => promote(r, n))
        : [forgetIt(n)];
    return no(
      [
        `${n.label} is down (${how}${n.probeError ? `: ${n.probeError.message}` : ''}): del-node moves data off a live node and resets it, neither of which works on a dead one`,
        ...(n.slotCount > 0 ? [`it still owns ${n.slotCount} slots`] : []),
      ],
      n.slotCount > 0
        ? 'Fail its slots over to a replica (failover-force) or bring it back; once it owns nothing and is gone for good, use forget-node.'
        : 'A node that is gone for good is removed with forget-node (CLUSTER FORGET on every other node).',
      alternatives,
    );
  }
  if (n.role === 'unknown')
    return no(
      [`the cluster's views do not say whether ${n.label} is a master or a replica`],
      'Diagnose the cluster first.',
    );
  return null;
}

function forgetIt(n: ModelNode): RecommendedAction {
  return {
    action: 'forget-node',
    target: n.label,
    why: `${n.label} is not a live member: forget its entry on every node.`,
    params: { node: n.id },
  };
}

function promote(r: ModelNode, m: ModelNode): RecommendedAction {
  return {
    action: 'failover-force',
    target: `${r.label} -> takes over from ${m.label}`,
    why: `${r.label} holds ${m.label}'s data: promote it before anything else.`,
    params: { node: r.label, master: m.label },
  };
}

/**
 * Refused while a seed of the registry reaches `n`: once it is reset, the checks after the run and every
 * later diagnosis would probe it and report a lone node that lost its cluster config.
 */
export function refuseSeed(input: PlanInput, n: ModelNode): Refusal | null {
  const at = (input.seeds ?? []).filter(
    (s) => s === n.label || n.addressesSeen.includes(s) || n.observation?.contactedAddress === s,
  );
  if (at.length === 0) return null;
  const only = at.length === input.seeds!.length;
  return refuse(
    input,
    NAME,
    'ACTION_REFUSED',
    [
      `${only ? 'the cluster is reached only through' : "the registry's seeds include"} ${listLabels(at)}, the node being removed: once it is reset, the checks after the run and every later diagnosis would probe it and report a lone node that lost its cluster config`,
    ],
    only
      ? 'Name the cluster by another node (another seed in the registry, or another host:port), then plan again.'
      : `Take ${listLabels(at)} out of the cluster's seeds in the registry, then plan again.`,
  );
}

/** The open migration `n` is a side of, as a refusal, or null. */
function openMigration(input: PlanInput, n: ModelNode): No | null {
  const open = input.model.openSlots.filter((o) => o.node === n.id || o.peer === n.id);
  if (open.length === 0) return null;
  const slots = slotsToRanges([...new Set(open.map((o) => o.slot))]);
  const sides = [...new Set(open.map((o) => (o.node === n.id ? o.kind : `peer of ${o.kind}`)))];
  return no(
    [
      `${n.label} is a side of an open migration of slot(s) ${formatRanges(slots)} (${sides.join(', ')}): removing it would strand the keys in flight`,
    ],
    'Finish or roll back the migration first (fix-open-slot), then plan again.',
    [
      {
        action: 'fix-open-slot',
        target: `slot(s) ${formatRanges(slots)}`,
        why: 'Close the migration before removing a node that takes part in it.',
        params: { slotRanges: formatRanges(slots) },
      },
    ],
  );
}

/** The masters that take the slots of master `n`: --to, or every other healthy master owning slots. */
function receiversOf(input: PlanInput, n: ModelNode): ModelNode[] | No {
  const others = input.model.nodes.filter((m) => m.id !== n.id && isHealthyMaster(m));
  if (input.params.to !== undefined) {
    const f = findNode(input, input.params.to);
    if ('error' in f) return bad([`--to: ${f.error}`], 'Name the receiving master by ip:port or id.');
    if (f.node.id === n.id) return bad(['--to names the node being removed'], 'Name another master.');
    if (!others.includes(f.node))
      return bad(
        [
          `--to ${f.node.label} is ${f.node.role === 'master' ? 'a master that is not healthy' : `a ${f.node.role}, not a master`}`,
        ],
        'Slots move only to a healthy master.',
      );
    return [f.node];
  }
  const owning = others.filter((m) => m.slotCount > 0);
  if (owning.length > 0) return owning;
  const empty = others.filter((m) => m.slotCount === 0);
  return no(
    [
      others.length === 0
        ? `${n.label} is the only master: its ${n.slotCount} slots have nowhere to go`
        : `no other master owns slots (${listLabels(empty.map((m) => m.label))} ${empty.length === 1 ? 'owns' : 'own'} none): del-node spreads slots only over serving masters`,
    ],
    others.length === 0
      ? 'Add a master first (add-node), then remove this one with --to <the new master>.'
      : `To move everything to an empty master, name it: --to ${empty[0]!.label}.`,
  );
}

/**
 * For a replica: refused while it is the only up-to-date copy of a down master; the last synced copy of
 * a master owning slots needs allow-no-replica. Returns the refusal, or whether it is the last copy.
 */
function replicaCopy(
  input: PlanInput,
  n: ModelNode,
  master: ModelNode | undefined,
): No | { lastCopy: boolean } {
  if (!master || master.slotCount === 0) return { lastCopy: false };
  const siblings = followersOf(input, master).filter((r) => !isDown(r));
  if (isDown(master)) {
    const choice = chooseFailover(input.model, master, siblings);
    const mine = replicaInfo(n)?.offset ?? -1;
    const asGood = choice.fit.filter((r) => r.id !== n.id && (replicaInfo(r)?.offset ?? -1) >= mine);
    if (choice.fit.includes(n) && asGood.length === 0)
      return no(
        [
          `${master.label} is down (${master.health}) and ${n.label} is its best replica (offset ${mine < 0 ? 'unknown' : mine}${choice.fit.length > 1 ? `, ahead of ${listLabels(choice.fit.filter((r) => r !== n).map((r) => r.label))}` : ''}): it holds the only up-to-date copy of ${master.slotCount} slots`,
        ],
        `Promote it first (failover-force), or bring ${master.label} back; never remove the copy a failover needs.`,
        [promote(n, master)],
      );
  }
  const copies = siblings.filter((r) => r.id !== n.id && isHealthyReplica(r, master));
  // A replica that never completed a sync is no copy: removing it takes nothing away.
  return { lastCopy: copies.length === 0 && replicaUnfitReason(n, master) === null };
}

/** The node to remove and what it involves, or the refusal with its reasons. */
export function checkRemoval(input: PlanInput): Removal | Refusal {
  const found = findNode(input, input.params.node ?? '');
  if ('error' in found)
    return refuse(
      input,
      NAME,
      'ACTION_BAD_PARAMS',
      [`--node: ${found.error}`],
      'Name the node to remove by ip:port or id, as CLUSTER NODES lists it.',
    );
  const n = found.node;
  const stop = notRemovable(input, n) ?? openMigration(input, n);
  if (stop) return refusal(input, stop);
  const followers = followersOf(input, n);
  const deadFollowers = followers.filter((r) => isDown(r) || !answersUs(r));
  if (deadFollowers.length > 0)
    return refuse(
      input,
      NAME,
      'ACTION_REFUSED',
      [
        `${listLabels(deadFollowers.map((r) => r.label))} ${deadFollowers.length === 1 ? 'replicates' : 'replicate'} ${n.label} and ${deadFollowers.length === 1 ? 'is' : 'are'} down: on return ${deadFollowers.length === 1 ? 'it' : 'they'} would follow a node that no longer exists and gossip its id back`,
      ],
      'Forget the dead replica first (forget-node), or bring it back so it can be re-pointed, then plan again.',
      deadFollowers.map(forgetIt),
    );
  if (n.role === 'replica') {
    if (input.params.to !== undefined)
      return refuse(
        input,
        NAME,
        'ACTION_BAD_PARAMS',
        [`${n.label} is a replica: it owns no slot, so --to has nothing to move`],
        'Leave --to out.',
      );
    const master = n.masterId ? input.model.byId.get(n.masterId) : undefined;
    const copy = replicaCopy(input, n, master);
    if ('reasons' in copy) return refusal(input, copy);
    // A master that is down takes no writes now; one owning no slot is sent none.
    const writes =
      master && master.slotCount > 0 && !isDown(master)
        ? judgeReplicaChange(input, NAME, withoutReplicas(input, master, [n]))
        : [];
    if (!Array.isArray(writes)) return writes;
    if (copy.lastCopy && !input.params.allow?.includes('allow-no-replica'))
      return refuse(
        input,
        NAME,
        'ACTION_REFUSED',
        [
          `${n.label} is the last replica of ${master!.label} with its data (${master!.slotCount} slots${master!.observation?.dbsize !== undefined ? `, ${master!.observation.dbsize} keys` : ''}): without it ${master!.label} has no copy, and if it fails those slots are down and their keys lost`,
        ],
        `Add another replica to ${master!.label} first (add-replica --master ${master!.label}), or give --allow-no-replica to remove it anyway.`,
      );
    return {
      node: n,
      kind: 'replica',
      ...(master ? { master } : {}),
      followers: [],
      receivers: [],
      lastCopy: copy.lastCopy,
      writeRisks: writes,
    };
  }
  if (n.slotCount === 0) {
    if (input.params.to !== undefined)
      return refuse(
        input,
        NAME,
        'ACTION_BAD_PARAMS',
        [`${n.label} owns no slot: --to has nothing to move`],
        'Leave --to out.',
      );
    const keys = n.observation?.dbsize ?? 0;
    if (keys > 0)
      return refuse(
        input,
        NAME,
        'ACTION_REFUSED',
        [
          `${n.label} owns no slot but holds ${keys} key(s) (DBSIZE ${keys}): they are in slots other masters own, and CLUSTER RESET refuses a master with keys`,
        ],
        'Find where those keys belong (CLUSTER COUNTKEYSINSLOT on it) and move or delete them by hand first.',
      );
    return { node: n, kind: 'empty-master', followers, receivers: [], lastCopy: false };
  }
  const sick = refuseUnhealthy(input, NAME);
  if (sick) return sick;
  const receivers = receiversOf(input, n);
  if ('reasons' in receivers) return refusal(input, receivers);
  return { node: n, kind: 'master', followers, receivers, lastCopy: false };
}
