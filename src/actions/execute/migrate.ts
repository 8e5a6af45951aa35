/**
 * The move-slots step: moves a plan's slots from source to target with up to `parallel` slots in flight
 * on one connection per node (their commands pipeline), each slot moved by migrate-slot.ts. Progress
 * events say slots done and keys moved. On the first failure no new slot starts, slots in flight finish
 * or fail on their own, and the step stops with a report of every slot left open and where; ctx.signal
 * is honoured between batches. Nothing is retried.
 */
import { formatRanges, slotsToRanges } from '../../cluster/slots.ts';
import { splitAddress } from '../../diagnose/probe/nat.ts';
import { ActionError, toActionError } from '../errors.ts';
import type { MoveSlotsStep, NodeRef } from '../types.ts';
import type { StepOutcome, StepRunner } from './context.ts';
import { type MoveContext, moveOneSlot, type SlotRecord } from './migrate-slot.ts';
import { readOwnView, slotsWhere } from './own-view.ts';

/** Least time between two progress events, ms (the last one is always sent). */
const PROGRESS_EVERY_MS = 250;

function need(ref: NodeRef, role: string): string {
  if (!ref.id)
    throw new ActionError('ACTION_BAD_PARAMS', `the ${role} ${ref.address} has no node id in the plan`);
  return ref.id;
}

/** Runs a move-slots step (see the module header). */
export const runMoveSlots: StepRunner<MoveSlotsStep> = async (step, ctx): Promise<StepOutcome> => {
  const sourceId = need(step.source, 'source');
  const targetId = need(step.target, 'target');
  const to = splitAddress(step.target.address);
  if (!to)
    throw new ActionError('ACTION_BAD_PARAMS', `the target address ${step.target.address} is not host:port`);
  const [source, target] = await Promise.all([ctx.session(step.source), ctx.session(step.target)]);
  const others = await Promise.all(step.otherMasters.map((n) => ctx.session(n).catch(() => null)));
  const [sourceView, targetView] = await Promise.all([readOwnView(source), readOwnView(target)]);
  const slots = slotsWhere(step.slots, () => true);
  const records: SlotRecord[] = slots.map((slot) => ({
    slot,
    state: 'pending',
    importing: targetView.importingFrom(slot) !== undefined,
    migrating: sourceView.migratingTo(slot) !== undefined,
    keysMoved: 0,
    otherFailures: [],
  }));
  let keys = 0;
  let done = 0;
  let lastEmit = 0;
  const emit = async (force = false) => {
    if (!force && Date.now() - lastEmit < PROGRESS_EVERY_MS) return;
    lastEmit = Date.now();
    await ctx.emit({
      type: 'step-progress',
      index: ctx.stepIndex,
      done,
      total: slots.length,
      unit: 'slots',
      keysMoved: keys,
    });
  };
  const m: MoveContext = {
    step,
    source,
    target,
    others: others.filter((s) => s !== null),
    sourceId,
    targetId,
    targetHost: to.host,
    targetPort: to.port,
    sourceView,
    targetView,
    migrateAuth: ctx.migrateAuth,
    signal: ctx.signal,
    onKeys: (n) => {
      keys += n;
    },
  };
  const failures: { rec: SlotRecord; err: ActionError }[] = [];
  let next = 0;
  const worker = async () => {
    while (failures.length === 0 && !ctx.signal.aborted && next < records.length) {
      const rec = records[next++]!;
      try {
        await moveOneSlot(m, rec);
        done++;
        await emit();
      } catch (err) {
        failures.push({ rec, err: toActionError(err) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(step.parallel, records.length)) }, worker));
  await emit(true);
  const unreached = step.otherMasters.length - m.others.length;
  if (failures.length > 0 || ctx.signal.aborted) throw stopReport(step, records, failures, keys);
  const skipped = records.filter((r) => r.state === 'skipped').length;
  const notes = [
    `moved ${done - skipped} slots (${formatRanges(step.slots)}) and ${keys} keys from ${source.address} to ${target.address}`,
    ...(skipped > 0 ? [`${skipped} slots were already on ${target.address}: skipped`] : []),
    ...otherNotes(records, unreached),
  ];
  return { outcome: done === skipped ? 'skipped' : 'ok', note: notes.join('; ') };
};

function otherNotes(records: readonly SlotRecord[], unreached: number): string[] {
  const failed = records.filter((r) => r.otherFailures.length > 0);
  const out: string[] = [];
  if (unreached > 0)
    out.push(
      `${unreached} other master(s) could not be reached for SETSLOT NODE; they learn the new owner by gossip`,
    );
  if (failed.length > 0) {
    out.push(
      `SETSLOT NODE failed on another master for slots ${formatRanges(slotsToRanges(failed.map((r) => r.slot)))} (${failed[0]!.otherFailures[0]}); it learns the owner by gossip`,
    );
  }
  return out;
}

/** The error that ends a stopped step: what moved, what failed, which slots are open where. */
function stopReport(
  step: MoveSlotsStep,
  records: readonly SlotRecord[],
  failures: readonly { rec: SlotRecord; err: ActionError }[],
  keys: number,
): ActionError {
  const src = step.source.address;
  const dst = step.target.address;
  const by = (pick: (r: SlotRecord) => boolean) =>
    formatRanges(slotsToRanges(records.filter(pick).map((r) => r.slot)));
  const moved = records.filter((r) => r.state === 'done' || r.state === 'skipped');
  const first = failures[0];
  const open = records.filter(
    (r) =>
      r.state === 'open' ||
      r.state === 'target-final' ||
      (r.state === 'pending' && (r.importing || r.migrating)),
  );
  const openText = open.map((r) => {
    const sides = [
      r.importing ? `IMPORTING on ${dst}` : '',
      r.migrating ? `MIGRATING on ${src}` : '',
      r.state === 'target-final' ? `owned by ${dst} in its own view, ${src} not told yet` : '',
    ].filter(Boolean);
    return `slot ${r.slot}: ${sides.join(', ') || 'not opened'} (${r.keysMoved} keys moved)`;
  });
  const pending = by((r) => r.state === 'pending' && !r.importing && !r.migrating);
  const parts = [
    first ? `stopped at slot ${first.rec.slot}: ${first.err.message}` : 'stopped on request',
    `${moved.length} of ${records.length} slots moved to ${dst}${moved.length ? ` (${by((r) => r.state === 'done' || r.state === 'skipped')})` : ''}, ${keys} keys`,
    open.length > 0
      ? `left open: ${openText.slice(0, 8).join('; ')}${open.length > 8 ? `; and ${open.length - 8} more` : ''}`
      : 'no slot was left open',
    pending ? `not started: ${pending} (still on ${src})` : '',
    ...failures.slice(1, 4).map((f) => `also slot ${f.rec.slot}: ${f.err.message}`),
    open.length > 0 ? 'plan fix-open-slot to finish or roll back the open slots' : '',
  ];
  return new ActionError(first?.err.code ?? 'ACTION_STEP_FAILED', parts.filter(Boolean).join('. '), {
    cause: first?.err,
  });
}
