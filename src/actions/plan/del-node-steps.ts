/**
 * The steps of del-node, in the order that keeps every key safe: the node's slots to the receivers (one
 * move-slots step per receiver, spread so counts end even, in contiguous ranges), a wait until no node
 * lists it owning a slot; only then its replicas re-pointed (the master with the fewest replicas, never
 * the node being removed) and synced, so they guard its data until it has moved; the FORGET fan-out and
 * wait; last, CLUSTER RESET SOFT on it once any sync it started is over. Pure.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { spreadSlots } from '../../cluster/slot-spread.ts';
import { countSlots } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
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

/** How long a full sync of about `keys` keys may take: 60 s plus 1 s per 20,000 keys, at most 31 min. */
function syncMs(keys: number | null): number {
  return 60_000 + Math.min(30 * 60_000, Math.ceil((keys ?? 0) / 20_000) * 1000);
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
    .sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }))
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
        a.label.localeCompare(b.label, 'en', { numeric: true }),
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
  steps.push(...forgetSteps(input, n.id, able, steps.length + 1));
  if (shares.length > 0) {
    const ms = syncMs(totalKeys(input));
    steps.push(
      waitStep(
        id(),
        `Wait until ${n.label} is a master, or a replica done syncing`,
        { kind: 'replica-synced', node: nodeRef(n), orMaster: true },
        ms,
        cliFor(input, n.label, ['INFO', 'replication']),
        `role:master, or master_link_status:up with no sync in progress: a master that gives away its last slot turns into a replica of its new owner and copies its data, and a node loading that copy refuses CLUSTER RESET (up to ${Math.round(ms / 1000)} s)`,
      ),
    );
  }
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
