/**
 * The move-slots step: moves a plan's slots from source to target in windows of up to MOVE_WINDOW slots, each
 * window moved phase by phase in pipelines (migrate-slot.ts) over one connection per node, and windows run
 * side by side so that at most `parallel` slots are open at once: while one window waits for the source's
 * MIGRATEs, another opens or closes its slots. Progress events say slots done and keys moved. When a slot
 * fails, the windows already started still finish, no new window starts, and the step stops with a report
 * of every slot left open and where; ctx.signal is honoured between batches. Nothing is retried. It starts
 * only once the target knows the source's config epoch (epoch-guard.ts).
 */
import { formatRanges, slotsToRanges } from '../../cluster/slots.ts';
import { splitAddress } from '../../diagnose/probe/nat.ts';
import { ActionError, toActionError } from '../errors.ts';
import { MOVE_WINDOW } from '../plan/slot-steps.ts';
import type { MoveSlotsStep, NodeRef } from '../types.ts';
import type { StepOutcome, StepRunner } from './context.ts';
import { awaitSourceEpoch } from './epoch-guard.ts';
import { type MoveContext, moveWindow, type SlotRecord } from './migrate-slot.ts';
import { readOwnView, slotsWhere } from './own-view.ts';

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
  const [sourceView, firstTargetView] = await Promise.all([readOwnView(source), readOwnView(target)]);
  const targetView = await awaitSourceEpoch(sourceView, firstTargetView, target, ctx.signal);
  const records: SlotRecord[] = slotsWhere(step.slots, () => true).map((slot) => ({
    slot,
    state: 'pending',
    importing: targetView.importingFrom(slot) !== undefined,
    migrating: sourceView.migratingTo(slot) !== undefined,
    keysMoved: 0,
    otherFailures: [],
  }));
  let keys = 0;
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
  const size = Math.max(1, Math.min(MOVE_WINDOW, step.parallel));
  const windows: SlotRecord[][] = [];
  for (let i = 0; i < records.length; i += size) windows.push(records.slice(i, i + size));
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && !ctx.signal.aborted && next < windows.length) {
      const window = windows[next++]!;
      try {
        await moveWindow(m, window);
      } catch (err) {
        // Not expected (every reply is classified per slot); the slots it left unfinished say where they are.
        const error = toActionError(err);
        for (const r of window) if (!r.error && r.state !== 'done' && r.state !== 'skipped') r.error = error;
      }
      if (window.some((r) => r.error)) failed = true;
      const done = records.filter((r) => r.state === 'done' || r.state === 'skipped').length;
      await ctx.emit({
        type: 'step-progress',
        index: ctx.stepIndex,
        done,
        total: records.length,
        unit: 'slots',
        keysMoved: keys,
      });
    }
  };
  const lanes = Math.max(1, Math.floor(Math.max(1, step.parallel) / size));
  await Promise.all(Array.from({ length: Math.min(lanes, windows.length) }, lane));
  if (records.some((r) => r.error) || ctx.signal.aborted) throw stopReport(step, records, keys);
  const skipped = records.filter((r) => r.state === 'skipped').length;
  const unreached = step.otherMasters.length - m.others.length;
  const notes = [
    `moved ${records.length - skipped} slots (${formatRanges(step.slots)}) and ${keys} keys from ${source.address} to ${target.address}`,
    ...(skipped > 0 ? [`${skipped} slots were already on ${target.address}: skipped`] : []),
    ...otherNotes(records, unreached),
  ];
  return { outcome: skipped === records.length ? 'skipped' : 'ok', note: notes.join('; ') };
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
function stopReport(step: MoveSlotsStep, records: readonly SlotRecord[], keys: number): ActionError {
  const src = step.source.address;
  const dst = step.target.address;
  const by = (pick: (r: SlotRecord) => boolean) =>
    formatRanges(slotsToRanges(records.filter(pick).map((r) => r.slot)));
  const failures = records.filter((r) => r.error);
  const moved = records.filter((r) => r.state === 'done' || r.state === 'skipped');
  const first = failures[0];
  const open = records.filter((r) => r.importing || r.migrating || r.state === 'target-final');
  const openText = open.map((r) => {
    const sides = [
      r.importing ? `IMPORTING on ${dst}` : '',
      r.migrating ? `MIGRATING on ${src}` : '',
      r.state === 'target-final' ? `owned by ${dst} in its own view, ${src} not told yet` : '',
    ].filter(Boolean);
    return `slot ${r.slot}: ${sides.join(', ')} (${r.keysMoved} keys moved)`;
  });
  const pending = by((r) => r.state === 'pending' && !r.importing && !r.migrating);
  const parts = [
    first ? `stopped at slot ${first.slot}: ${first.error!.message}` : 'stopped on request',
    `${moved.length} of ${records.length} slots moved to ${dst}${moved.length ? ` (${by((r) => r.state === 'done' || r.state === 'skipped')})` : ''}, ${keys} keys`,
    open.length > 0
      ? `left open: ${openText.slice(0, 8).join('; ')}${open.length > 8 ? `; and ${open.length - 8} more` : ''}`
      : 'no slot was left open',
    pending ? `not moved: ${pending} (still on ${src})` : '',
    ...failures.slice(1, 4).map((f) => `also slot ${f.slot}: ${f.error!.message}`),
    open.length > 0 ? 'plan fix-open-slot to finish or roll back the open slots' : '',
  ];
  return new ActionError(first?.error?.code ?? 'ACTION_STEP_FAILED', parts.filter(Boolean).join('. '), {
    cause: first?.error,
  });
}
