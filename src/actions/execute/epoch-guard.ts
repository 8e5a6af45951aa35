/**
 * Before a move takes slots: the target must know the source's current config epoch and not share it.
 * SETSLOT NODE on an importing target bumps the target's epoch only past the highest epoch the target
 * knows. A target that has not heard of the source's latest epoch yet (a move the other way a moment ago,
 * its gossip not through) claims the slots with a lower epoch than the source's; the source, told SETSLOT
 * NODE, disowns them; the other nodes keep the source's higher claim and send the target an UPDATE, and
 * the target gives the slots back and deletes the keys it just received. So this waits, bounded, for
 * gossip to bring the epoch (re-reading the target's CLUSTER NODES), and otherwise stops the step before
 * anything is sent.
 */
import { ActionError } from '../errors.ts';
import type { NodeSession } from './context.ts';
import { type OwnView, readOwnView } from './own-view.ts';

/** How long a move waits for the target to learn the source's epoch, ms. */
export const EPOCH_WAIT_MS = 5000;
const POLL_MS = 100;

/** Whether `target`'s view knows `source`'s own config epoch and holds a different one itself. */
function knowsEpoch(source: OwnView, target: OwnView): boolean {
  const epoch = source.self.configEpoch;
  return (target.lines.get(source.self.id)?.configEpoch ?? -1) >= epoch && target.self.configEpoch !== epoch;
}

/**
 * Resolves with the target's view once it knows the source's epoch (at once when it already does); throws
 * ACTION_STEP_FAILED, nothing having been sent, when it still does not after `waitMs` or on abort.
 */
export async function awaitSourceEpoch(
  sourceView: OwnView,
  targetView: OwnView,
  target: NodeSession,
  signal: AbortSignal,
  waitMs = EPOCH_WAIT_MS,
): Promise<OwnView> {
  const until = Date.now() + waitMs;
  let view = targetView;
  while (!knowsEpoch(sourceView, view)) {
    if (Date.now() >= until || signal.aborted) {
      const seen = view.lines.get(sourceView.self.id)?.configEpoch;
      throw new ActionError(
        'ACTION_STEP_FAILED',
        `${target.address} does not know the source's config epoch ${sourceView.self.configEpoch} yet (it has ${seen ?? 'no record'} for it, and ${view.self.configEpoch} itself) after ${Math.round(waitMs / 100) / 10} s: taking slots now could leave them to the source's older claim and delete the keys moved. Nothing was moved; plan again in a few seconds.`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
    view = await readOwnView(target);
  }
  return view;
}
