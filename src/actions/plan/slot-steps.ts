/**
 * What the slot planners (fix-coverage, fix-open-slot, reshard, rebalance) share: which masters may take
 * slots, and builders for assign-slots, move-slots and "slots settled" steps whose display is what an
 * operator would type (credentials by name only; MIGRATE's own AUTH as a variable reference). Pure.
 */

import type { ModelNode } from '../../cluster/model-types.ts';
import type { SlotHolder } from '../../cluster/slot-spread.ts';
import { countSlots, formatRanges } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import { naturalCompare } from '../../cluster/util.ts';
import { isDown, isLoading } from '../../diagnose/context.ts';
import type { AssignSlotsStep, CommandStep, MoveSlotsStep, PlanInput, WaitStep } from '../types.ts';
import { cliFor, cliText, commandStep, nodeRef, waitStep } from './common.ts';

/** Keys per GETKEYSINSLOT / MIGRATE batch (redis-cli's --cluster-pipeline defaults to 10). */
export const MOVE_PIPELINE = 100;
/** MIGRATE timeout, ms (redis-cli's --cluster-timeout default). */
export const MIGRATE_TIMEOUT_MS = 60_000;
/** Slots per window of a move: moved phase by phase together (execute/migrate-slot.ts). */
export const MOVE_WINDOW = 64;
/** Most slots open at once: windows of MOVE_WINDOW moved side by side, 4 at a time. */
export const MOVE_PARALLEL = 4 * MOVE_WINDOW;

/** A master that answers, is healthy in the cluster's eyes and may take slots. */
export function isHealthyMaster(n: ModelNode): boolean {
  return (
    n.role === 'master' &&
    n.health === 'ok' &&
    !isDown(n) &&
    !isLoading(n) &&
    !n.probeError &&
    n.selfSeen &&
    n.idComplete &&
    !n.flags.includes('handshake') &&
    !n.flags.includes('noaddr')
  );
}

/** Every healthy master, by address. */
export function healthyMasters(input: PlanInput): ModelNode[] {
  return input.model.nodes.filter(isHealthyMaster).sort((a, b) => naturalCompare(a.label, b.label));
}

/** A node as slot math sees it. */
export function holderOf(n: ModelNode): SlotHolder {
  return { id: n.id, slots: n.slots };
}

/** Major version from INFO server, null when unknown. */
export function redisMajor(n: ModelNode): number | null {
  const v = n.observation?.server?.redis_version;
  const m = v ? /^(\d+)\./.exec(v) : null;
  return m ? Number(m[1]) : null;
}

/** "10923-12287 (1365 slots)". */
export function rangesText(ranges: readonly SlotRange[]): string {
  const n = countSlots(ranges);
  const text = formatRanges(ranges);
  return `${text.length > 90 ? `${text.slice(0, 87)}…` : text} (${n} slot${n === 1 ? '' : 's'})`;
}

const flat = (ranges: readonly SlotRange[]) => ranges.flatMap((r) => [`${r.start}`, `${r.end}`]);
const each = (ranges: readonly SlotRange[]) =>
  ranges.flatMap((r) => Array.from({ length: r.end - r.start + 1 }, (_, i) => `${r.start + i}`));

/** Assigns `ranges` to `node` (ADDSLOTSRANGE; the per-slot form shown for servers before Redis 7). */
export function assignStep(
  input: PlanInput,
  id: string,
  node: ModelNode,
  ranges: SlotRange[],
): AssignSlotsStep {
  const old = (redisMajor(node) ?? 7) < 7;
  const argv = old ? ['CLUSTER', 'ADDSLOTS', ...each(ranges)] : ['CLUSTER', 'ADDSLOTSRANGE', ...flat(ranges)];
  return {
    kind: 'assign-slots',
    id,
    title: `Assign ${rangesText(ranges)} to ${node.label}`,
    node: nodeRef(node),
    ranges,
    display: [cliFor(input, node.label, argv)],
    waitsFor: `${node.label} answers OK (the others learn the new owner by gossip, or at once when it announces it)`,
  };
}

/**
 * Assigns one more unowned `slot` to `node` so that every node learns its new slots at once: a node that
 * takes a slot it was importing bumps its epoch and sends its whole slot map to every node, instead of
 * waiting for gossip (a second with the default timeouts, far more in big clusters). Two commands:
 * SETSLOT IMPORTING from any other node `via` (the slot has no owner, nothing moves), then SETSLOT NODE itself.
 */
export function announceSteps(
  input: PlanInput,
  first: number,
  node: ModelNode,
  slot: number,
  via: ModelNode,
): CommandStep[] {
  const skipIf = { kind: 'agreed-master' as const, node: nodeRef(node), slots: [{ start: slot, end: slot }] };
  return [
    commandStep(
      input,
      `s${first}`,
      `Open slot ${slot} on ${node.label} as importing (it has no owner: nothing moves)`,
      nodeRef(node),
      ['CLUSTER', 'SETSLOT', `${slot}`, 'IMPORTING', via.id],
      { skipIf },
    ),
    commandStep(
      input,
      `s${first + 1}`,
      `Assign slot ${slot} to ${node.label}, which announces all its new slots to every node at once`,
      nodeRef(node),
      ['CLUSTER', 'SETSLOT', `${slot}`, 'NODE', node.id],
      {
        skipIf,
        waitsFor: `${node.label} bumps its epoch and broadcasts its slots: every node knows the new owner without waiting for gossip`,
      },
    ),
  ];
}

/** Takes `ranges` over from the failed `dead` on `node` in one transaction (discard-dead-owner-data only). */
export function takeOverStep(
  input: PlanInput,
  id: string,
  node: ModelNode,
  ranges: SlotRange[],
  dead: ModelNode,
): AssignSlotsStep {
  const old = (redisMajor(node) ?? 7) < 7;
  const lines = old
    ? [`CLUSTER DELSLOTS ${each(ranges).join(' ')}`, `CLUSTER ADDSLOTS ${each(ranges).join(' ')}`]
    : [`CLUSTER DELSLOTSRANGE ${flat(ranges).join(' ')}`, `CLUSTER ADDSLOTSRANGE ${flat(ranges).join(' ')}`];
  const script = ['MULTI', ...lines, 'CLUSTER BUMPEPOCH', 'EXEC'].join('\\n');
  return {
    kind: 'assign-slots',
    id,
    title: `Take ${rangesText(ranges)} over from the failed ${dead.label} on ${node.label}`,
    node: nodeRef(node),
    ranges,
    replacing: nodeRef(dead),
    display: [`printf '${script}\\n' | ${cliText(input, node.label, '').trimEnd()}`],
    waitsFor: `EXEC answers OK, OK, BUMPED: ${node.label} now claims them with the highest epoch`,
  };
}

/** Moves `slots` from `source` to `target` with their keys. */
export function moveStep(
  input: PlanInput,
  id: string,
  source: ModelNode,
  target: ModelNode,
  slots: SlotRange[],
  others: readonly ModelNode[],
): MoveSlotsStep {
  const replace = input.params.allow?.includes('replace-existing-keys') ?? false;
  const s = slots[0]?.start ?? 0;
  const auth = input.auth?.passwordEnv
    ? input.auth.username
      ? ` AUTH2 ${input.auth.username} "$${input.auth.passwordEnv}"`
      : ` AUTH "$${input.auth.passwordEnv}"`
    : '';
  const [thost, tport] = [target.ip || target.host, target.port];
  const final = `CLUSTER SETSLOT ${s} NODE ${target.id}`;
  return {
    kind: 'move-slots',
    id,
    title: `Move ${rangesText(slots)} from ${source.label} to ${target.label} with their keys`,
    source: nodeRef(source),
    target: nodeRef(target),
    slots,
    otherMasters: others.map(nodeRef),
    pipeline: MOVE_PIPELINE,
    migrateTimeoutMs: MIGRATE_TIMEOUT_MS,
    parallel: MOVE_PARALLEL,
    replace,
    display: [
      `# for each slot of ${formatRanges(slots)}, up to ${MOVE_PARALLEL} at a time (windows of ${MOVE_WINDOW} side by side); slot ${s} shown:`,
      `${cliText(input, target.label, `CLUSTER SETSLOT ${s} IMPORTING ${source.id}`)}${isOpen(input, s, target, 'importing', source) ? SKIPPED : ''}`,
      `${cliText(input, source.label, `CLUSTER SETSLOT ${s} MIGRATING ${target.id}`)}${isOpen(input, s, source, 'migrating', target) ? SKIPPED : ''}`,
      `${cliText(input, source.label, `CLUSTER GETKEYSINSLOT ${s} ${MOVE_PIPELINE}`)}   # then, until it lists none:`,
      cliText(
        input,
        source.label,
        `MIGRATE ${thost} ${tport} "" 0 ${MIGRATE_TIMEOUT_MS}${replace ? ' REPLACE' : ''}${auth} KEYS <the keys it listed>`,
      ),
      `${cliText(input, target.label, final)}   # target first`,
      cliText(input, source.label, final),
      ...others.map((o) => cliText(input, o.label, final)),
    ],
    waitsFor:
      'each slot: its keys all moved, then SETSLOT NODE answered on the target, the source and the other masters',
  };
}

const SKIPPED = '   # already set: skipped';

/** True when `node`'s own view has `slot` open `kind` with `peer`. */
function isOpen(
  input: PlanInput,
  slot: number,
  node: ModelNode,
  kind: 'importing' | 'migrating',
  peer: ModelNode,
): boolean {
  return input.model.openSlots.some(
    (o) => o.slot === slot && o.node === node.id && o.kind === kind && o.peer === peer.id,
  );
}

/** Waits until every reachable node agrees on one owner for `slots` and none has them open. */
export function settleStep(input: PlanInput, id: string, slots: SlotRange[], at: ModelNode): WaitStep {
  const timeout = Math.max(15_000, 4 * nodeTimeoutMs(input));
  return waitStep(
    id,
    `Wait until every node agrees on the owners of ${rangesText(slots)}`,
    { kind: 'slots-settled', slots },
    timeout,
    cliFor(input, at.label, ['CLUSTER', 'NODES']),
    `every node that answers lists one owner for each of these slots and none has them open (up to ${timeout / 1000} s)`,
  );
}

/** The cluster-node-timeout the nodes report (largest), default 15 s. */
export function nodeTimeoutMs(input: PlanInput): number {
  const all = input.snapshot.observations.flatMap((o) =>
    o.config?.nodeTimeoutMs ? [o.config.nodeTimeoutMs] : [],
  );
  return all.length > 0 ? Math.max(...all) : 15_000;
}
