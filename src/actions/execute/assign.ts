/**
 * The assign-slots step: CLUSTER ADDSLOTSRANGE on one master, or per-slot CLUSTER ADDSLOTS (chunks of
 * 1,000) when the server rejects ADDSLOTSRANGE as unknown (Redis < 7): that fallback is not a retry, the
 * rejected command changed nothing. The node's own view is read first: slots it already owns are skipped
 * (a second run is a no-op), and a slot its view gives to another node stops the step before anything is
 * sent. Slots of a failed owner (`replacing`) are taken over by takeover.ts.
 */
import { formatRanges, slotsToRanges } from '../../cluster/slots.ts';
import { ActionError, toActionError } from '../errors.ts';
import type { AssignSlotsStep } from '../types.ts';
import type { ExecContext, StepOutcome, StepRunner } from './context.ts';
import { readOwnView, slotsWhere } from './own-view.ts';
import { replyStartsWith } from './replies.ts';
import { takeOver, UNKNOWN_SUBCOMMAND } from './takeover.ts';

const ADDSLOTS_CHUNK = 1000;

/** Runs an assign-slots step (see the module header). */
export const runAssignSlots: StepRunner<AssignSlotsStep> = async (step, ctx): Promise<StepOutcome> => {
  const session = await ctx.session(step.node);
  const view = await readOwnView(session);
  if (!view.self.flags.includes('master')) {
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${session.address} is not a master any more: no slot was assigned`,
    );
  }
  if (step.replacing) return takeOver(step, step.replacing, session, view);
  const taken = slotsWhere(step.ranges, (s) => view.ownerOf(s) !== '' && !view.owns(s));
  if (taken.length > 0) {
    const owners = [...new Set(taken.map((s) => view.ownerOf(s)))].map((id) => {
      const l = view.lines.get(id);
      return l ? `${l.ip}:${l.port}` : id;
    });
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${session.address} sees slots ${formatRanges(slotsToRanges(taken))} owned by ${owners.join(', ')} now: the cluster changed since the plan; nothing was assigned. Plan again.`,
    );
  }
  const todo = slotsToRanges(slotsWhere(step.ranges, (s) => !view.owns(s)));
  if (todo.length === 0) {
    return { outcome: 'skipped', note: `${session.address} already owns ${formatRanges(step.ranges)}` };
  }
  const count = todo.reduce((a, r) => a + r.end - r.start + 1, 0);
  try {
    await session.call(['CLUSTER', 'ADDSLOTSRANGE', ...todo.flatMap((r) => [r.start, r.end])]);
    await progress(ctx, count, count);
    return {
      outcome: 'ok',
      note: `assigned ${count} slots (${formatRanges(todo)}) with CLUSTER ADDSLOTSRANGE`,
    };
  } catch (err) {
    if (!replyStartsWith(err, UNKNOWN_SUBCOMMAND)) throw err;
  }
  // Redis < 7: no ADDSLOTSRANGE. The server refused it without doing anything; assign slot by slot.
  const slots = slotsWhere(todo, () => true);
  for (let i = 0; i < slots.length; i += ADDSLOTS_CHUNK) {
    if (ctx.signal.aborted) {
      throw new ActionError(
        'ACTION_STEP_FAILED',
        `stopped: ${i} of ${count} slots were assigned to ${session.address}; slots ${formatRanges(slotsToRanges(slots.slice(i)))} are still unassigned`,
      );
    }
    const chunk = slots.slice(i, i + ADDSLOTS_CHUNK);
    try {
      await session.call(['CLUSTER', 'ADDSLOTS', ...chunk]);
    } catch (err) {
      const left = formatRanges(slotsToRanges(slots.slice(i)));
      throw new ActionError(
        'ACTION_STEP_FAILED',
        `${toActionError(err).message} — ${i} of ${count} slots were assigned to ${session.address}; ${left} were not`,
        { cause: err },
      );
    }
    await progress(ctx, i + chunk.length, count);
  }
  return {
    outcome: 'ok',
    note: `assigned ${count} slots (${formatRanges(todo)}) with per-slot CLUSTER ADDSLOTS (the server has no ADDSLOTSRANGE)`,
  };
};

async function progress(ctx: ExecContext, done: number, total: number): Promise<void> {
  await ctx.emit({ type: 'step-progress', index: ctx.stepIndex, done, total, unit: 'slots' });
}
