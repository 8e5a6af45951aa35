/**
 * Takes over slots a failed node still owns in the cluster's view (assign-slots with `replacing`, planned
 * only with discard-dead-owner-data): ADDSLOTS alone fails ("already busy"), so the new owner runs
 * DELSLOTSRANGE, ADDSLOTSRANGE and BUMPEPOCH in one MULTI/EXEC, as redis-cli's fix does per slot: its claim
 * then carries the highest epoch and wins everywhere by gossip, and no UPDATE can hand the slots back between
 * the commands. Verified on Redis 7.0.15; servers without the RANGE forms get the per-slot commands in the
 * same transaction (an unknown subcommand aborts the transaction before anything runs, so that is no retry).
 * The node's own view must give every slot to the failed node first; otherwise nothing is sent.
 */
import { formatRanges, slotsToRanges } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import { ActionError } from '../errors.ts';
import type { AssignSlotsStep, NodeRef } from '../types.ts';
import type { NodeSession, StepOutcome } from './context.ts';
import type { OwnView } from './own-view.ts';
import { slotsWhere } from './own-view.ts';
import { replyStartsWith } from './replies.ts';

type Argv = (string | number)[];

/** How a server before Redis 7 answers CLUSTER ADDSLOTSRANGE / DELSLOTSRANGE (nothing ran). */
export const UNKNOWN_SUBCOMMAND = ['ERR unknown subcommand'];

/** The transaction's commands: range forms, or per-slot lists for servers before Redis 7. */
export function takeOverCommands(ranges: readonly SlotRange[], perSlot: boolean): Argv[] {
  const flat = ranges.flatMap((r) => [r.start, r.end]);
  const slots = slotsWhere(ranges, () => true);
  return perSlot
    ? [
        ['CLUSTER', 'DELSLOTS', ...slots],
        ['CLUSTER', 'ADDSLOTS', ...slots],
        ['CLUSTER', 'BUMPEPOCH'],
      ]
    : [
        ['CLUSTER', 'DELSLOTSRANGE', ...flat],
        ['CLUSTER', 'ADDSLOTSRANGE', ...flat],
        ['CLUSTER', 'BUMPEPOCH'],
      ];
}

/** Runs the transaction; resolves with the EXEC replies, or null when it was aborted at queue time. */
async function transaction(session: NodeSession, commands: readonly Argv[]): Promise<unknown[] | null> {
  await session.call(['MULTI']);
  for (const argv of commands) {
    try {
      await session.call(argv);
    } catch (err) {
      await session.call(['DISCARD']).catch(() => undefined);
      if (replyStartsWith(err, UNKNOWN_SUBCOMMAND)) return null;
      throw err;
    }
  }
  return (await session.call(['EXEC'])) as unknown[];
}

/** Takes `step.ranges` over from `replacing` on `step.node` (see the module header). */
export async function takeOver(
  step: AssignSlotsStep,
  replacing: NodeRef,
  session: NodeSession,
  view: OwnView,
): Promise<StepOutcome> {
  const todo = slotsToRanges(slotsWhere(step.ranges, (s) => !view.owns(s)));
  if (todo.length === 0) {
    return { outcome: 'skipped', note: `${session.address} already owns ${formatRanges(step.ranges)}` };
  }
  const elsewhere = slotsWhere(todo, (s) => view.ownerOf(s) !== replacing.id);
  if (elsewhere.length > 0) {
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${session.address} no longer gives slots ${formatRanges(slotsToRanges(elsewhere))} to ${replacing.address}: the cluster changed since the plan; nothing was sent. Plan again.`,
    );
  }
  let replies = await transaction(session, takeOverCommands(todo, false));
  let how = 'DELSLOTSRANGE + ADDSLOTSRANGE + BUMPEPOCH';
  if (replies === null) {
    replies = await transaction(session, takeOverCommands(todo, true));
    how = 'per-slot DELSLOTS + ADDSLOTS + BUMPEPOCH (the server has no RANGE forms)';
  }
  if (!replies)
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${session.address} aborted the transaction: nothing changed`,
    );
  const [del, add, bump] = replies;
  const ranges = formatRanges(todo);
  if (del instanceof Error) {
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${session.address} DELSLOTS failed (${del.message}); ${ranges} still belong to ${replacing.address}`,
    );
  }
  if (add instanceof Error) {
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${session.address} ADDSLOTS failed (${add.message}) after DELSLOTS ran: slots ${ranges} are unassigned in its own view (the others still name ${replacing.address}); plan fix-coverage again`,
    );
  }
  const epoch = bump instanceof Error ? `BUMPEPOCH failed: ${bump.message}` : String(bump);
  return {
    outcome: 'ok',
    note: `${session.address} took over ${ranges} from ${replacing.address} (${how}; ${epoch})`,
  };
}
