/**
 * del-node's steps, in the order that keeps every key safe: slots to the receivers (even, contiguous), a
 * wait until it owns none; only then its replicas re-pointed (fewest replicas, never the node itself) and
 * synced; a wait for any sync of the node itself, before anything is forgotten; the FORGET fan-out and
 * wait; CLUSTER RESET SOFT last. Pure.
 */

import type { ModelNode } from '../../cluster/model-types.ts';
import { spreadSlots } from '../../cluster/slot-spread.ts';
import { countSlots } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import { naturalCompare } from '../../cluster/util.ts';
import { isDown } from '../../diagnose/context.ts';
import type { PlanInput, PlanStep } from '../types.ts';
import { cliFor, commandStep, nodeRef, waitStep } from './common.ts';
import type { Removal } from './del-node-checks.ts';
import { followersOf } from './del-node-checks.ts';
import { forgetSteps } from './forget.ts';
import { healthyMasters, holderOf, moveStep, nodeTimeoutMs } from './slot-steps.ts';

/** Slots one receiver takes, with the keys expected to come with them. */
export interface Share {
  to: ModelNode;
  slots: SlotRange[];
  keys: number | null;
}

/** A replica of the removed node and the master it follows afterwards. */
export interface Repoint {
  replica: ModelNode;
  master: ModelNode;
}

/**
 * How long a full sync of about `keys` keys may take, by order of magnitude (1 min up to 100,000 keys,
 * then 2, 5, 15 and at most 30 min): keys come and go between plan and apply, and a timeout that moved
 * with every write would make the re-check before the run see a different plan.
 */
function syncMs(keys: number | null): number {
  const k = keys ?? 0;
  const minutes = k <= 100_000 ? 1 : k <= 1_000_000 ? 2 : k <= 10_000_000 ? 5 : k <= 100_000_000 ? 15 : 30;
  return minutes * 60_000;
}

/**
 * Whether the node may be busy with a full sync when it is reset: a master that gives away its last slot
 * turns into a replica of its new owner and copies its data; a replica of a live master may be syncing.
 * A node loading a copy refuses CLUSTER RESET, so the plan waits for the sync first.
 */
function mayBeSyncing(r: Removal, moves: boolean): boolean {
  return moves || (r.kind === 'replica' && !!r.master && !isDown(r.master));
}

/** The even, contiguous spread of the node's slots over the receivers (all to one with --to). */
export function sharesOf(r: Removal): Share[] {
  const n = r.node;
  const spread =
    r.receivers.length === 1
      ? new Map([[r.receivers[0]!.id, n.slots]])
      : spreadSlots(r.receivers.map(holderOf), n.slots);
  const keys = n.observation?.dbsize;
  return r.receivers
    .filter((m) => spread.has(m.id))
    .sort((a, b) => naturalCompare(a.label, b.label))
    .map((m) => {
      const slots = spread.get(m.id)!;
      const share = keys === undefined ? null : Math.round((keys * countSlots(slots)) / n.slotCount);
      return { to: m, slots, keys: share };
    });
}

/**
 * Where each live replica of the node goes: the master (owning slots once the moves are done) with the
 * fewest live replicas so far, then one on another host than the replica, then by address.
 */
export function repointsOf(input: PlanInput, r: Removal): Repoint[] | null {
  if (r.followers.length === 0) return [];
  const candidates = healthyMasters(input).filter(
    (m) => m.id !== r.node.id && (m.slotCount > 0 || r.receivers.includes(m)),
  );
  if (candidates.length === 0) return null;
  const count = new Map(
    candidates.map((m) => [m.id, followersOf(input, m).filter((x) => !isDown(x)).length]),
  );
  return r.followers.map((replica) => {
    const master = [...candidates].sort(
      (a, b) =>
        count.get(a.id)! - count.get(b.id)! ||
        Number(a.host === replica.host) - Number(b.host === replica.host) ||
        naturalCompare(a.label, b.label),
    )[0]!;
    count.set(master.id, count.get(master.id)! + 1);
    return { replica, master };
  });
}

/** Steps in order, numbered s1, s2, ... */
export function delNodeSteps(
  input: PlanInput,
  r: Removal,
  shares: readonly Share[],
  repoints: readonly Repoint[],
  able: readonly ModelNode[],
): PlanStep[] {
  const n = r.node;
  const steps: PlanStep[] = [];
  const id = () => `s${steps.length + 1}`;
  const masters = healthyMasters(input);
  for (const s of shares) {
    const others = masters.filter((m) => m.id !== n.id && m.id !== s.to.id);
    steps.push(moveStep(input, id(), n, s.to, s.slots, others));
  }
  if (shares.length > 0) {
    const ms = Math.max(15_000, 4 * nodeTimeoutMs(input));
    steps.push(
      waitStep(
        id(),
        `Wait until no node lists ${n.label} owning a slot`,
        { kind: 'owns-none', node: nodeRef(n) },
        ms,
        cliFor(input, shares[0]!.to.label, ['CLUSTER', 'NODES']),
        `every answering node lists ${n.label} with no slot (up to ${ms / 1000} s)`,
      ),
    );
  }
  for (const { replica, master } of repoints) {
    steps.push(
      commandStep(
        input,
        id(),
        `${replica.label} replicates ${master.label} instead of ${n.label}`,
        nodeRef(replica),
        ['CLUSTER', 'REPLICATE', master.id],
        {
          skipIf: { kind: 'role', node: nodeRef(replica), role: 'replica', of: master.id },
          waitsFor: `OK (a full sync from ${master.label} starts in the background)`,
        },
      ),
    );
    const ms = syncMs(totalKeys(input));
    steps.push(
      waitStep(
        id(),
        `Wait until ${replica.label} has synced with ${master.label}`,
        { kind: 'replica-synced', node: nodeRef(replica) },
        ms,
        cliFor(input, replica.label, ['INFO', 'replication']),
        `master_link_status:up and no sync in progress (up to ${Math.round(ms / 1000)} s)`,
      ),
    );
  }
  if (mayBeSyncing(r, shares.length > 0)) {
    const ms = syncMs(totalKeys(input));
    steps.push(
      waitStep(
        id(),
        `Wait until ${n.label} is a master, or a replica done syncing`,
        { kind: 'replica-synced', node: nodeRef(n), orMaster: true },
        ms,
        cliFor(input, n.label, ['INFO', 'replication']),
        `role:master, or master_link_status:up with no sync in progress (up to ${Math.round(ms / 1000)} s): ${shares.length > 0 ? 'a master that gives away its last slot turns into a replica of its new owner and copies its data, and a' : 'a'} node loading a copy refuses CLUSTER RESET; a timeout here stops the plan before anything is forgotten`,
      ),
    );
  }
  steps.push(...forgetSteps(input, n.id, able, steps.length + 1));
  steps.push(
    commandStep(
      input,
      id(),
      `Reset ${n.label}: it forgets the cluster`,
      nodeRef(n),
      ['CLUSTER', 'RESET', 'SOFT'],
      {
        waitsFor: `OK: ${n.label} knows only itself, owns no slot and holds no key (a replica's copy is flushed), so nothing it says can pull it back in`,
      },
    ),
  );
  return steps;
}

/** Keys in the whole cluster (masters' DBSIZE), null when any master's is unknown. */
export function totalKeys(input: PlanInput): number | null {
  let sum = 0;
  for (const m of input.model.nodes) {
    if (m.role !== 'master' || m.slotCount === 0) continue;
    const k = m.observation?.dbsize;
    if (k === undefined) return null;
    sum += k;
  }
  return sum;
}
