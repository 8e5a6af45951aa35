/**
 * Moves one slot with its keys: SETSLOT IMPORTING on the target, MIGRATING on the source (each skipped
 * when the node's view already holds it), GETKEYSINSLOT + MIGRATE ... KEYS in batches until the source
 * holds none, then SETSLOT NODE on the target first, the source next, the other masters last. Never sends
 * REPLACE unless the plan says so, and never sends a MIGRATE twice: a BUSYKEY stops with the keys named, an
 * IOERR or a lost reply stops saying the batch may be on both sides. Records how far it got, for the report.
 */
import { ActionError, isActionError, toActionError } from '../errors.ts';
import type { MoveSlotsStep } from '../types.ts';
import type { NodeSession } from './context.ts';
import type { OwnView } from './own-view.ts';
import { replyStartsWith } from './replies.ts';

/** Everything a slot move needs, shared by every slot of one step. */
export interface MoveContext {
  step: MoveSlotsStep;
  source: NodeSession;
  target: NodeSession;
  others: NodeSession[];
  sourceId: string;
  targetId: string;
  /** The target's announced host and port, as the source reaches it. */
  targetHost: string;
  targetPort: number;
  sourceView: OwnView;
  targetView: OwnView;
  migrateAuth: readonly string[];
  signal: AbortSignal;
  /** Called after each MIGRATE batch with the number of keys it carried. */
  onKeys(n: number): void;
}

/** How far one slot got. */
export interface SlotRecord {
  slot: number;
  state: 'pending' | 'open' | 'target-final' | 'done' | 'skipped';
  importing: boolean;
  migrating: boolean;
  keysMoved: number;
  /** SETSLOT NODE failures on other masters (they learn the owner by gossip anyway). */
  otherFailures: string[];
}

const MASTERS_ONLY = ['ERR Please use SETSLOT only with masters'];
const message = (err: unknown) => toActionError(err).message;

/** Moves `slot`; updates `rec` as it goes; throws an ActionError to stop the step. */
export async function moveOneSlot(m: MoveContext, rec: SlotRecord): Promise<void> {
  const { slot } = rec;
  const tgtFrom = m.targetView.importingFrom(slot);
  const srcTo = m.sourceView.migratingTo(slot);
  if (tgtFrom !== undefined && tgtFrom !== m.sourceId) {
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${m.target.address} imports slot ${slot} from another node (${tgtFrom}), not from ${m.source.address}: plan again`,
    );
  }
  if (srcTo !== undefined && srcTo !== m.targetId) {
    throw new ActionError(
      'ACTION_STEP_FAILED',
      `${m.source.address} migrates slot ${slot} to another node (${srcTo}), not to ${m.target.address}: plan again`,
    );
  }
  const tgtOwns = m.targetView.owns(slot);
  const srcOwns = m.sourceView.owns(slot);
  rec.importing = tgtFrom !== undefined;
  rec.migrating = srcTo !== undefined;
  if (!srcOwns && !rec.migrating) {
    // The source can neither serve nor MIGRATE keys of a slot it does not own and does not migrate.
    const left = Number(await m.source.call(['CLUSTER', 'COUNTKEYSINSLOT', slot]));
    if (left > 0) {
      throw new ActionError(
        'ACTION_STEP_FAILED',
        `${m.source.address} holds ${left} keys of slot ${slot} but neither owns nor migrates it: plan again (fix-open-slot)`,
      );
    }
    if (tgtOwns && !rec.importing) {
      rec.state = 'skipped';
      return;
    }
  }
  if (!tgtOwns && !rec.importing) {
    await m.target.call(['CLUSTER', 'SETSLOT', slot, 'IMPORTING', m.sourceId]);
    rec.importing = true;
  }
  rec.state = 'open';
  if (srcOwns && !rec.migrating) {
    await m.source.call(['CLUSTER', 'SETSLOT', slot, 'MIGRATING', m.targetId]);
    rec.migrating = true;
  }
  if (srcOwns || rec.migrating) await moveKeys(m, rec);
  await m.target.call(['CLUSTER', 'SETSLOT', slot, 'NODE', m.targetId]);
  rec.state = 'target-final';
  rec.importing = false;
  try {
    await m.source.call(['CLUSTER', 'SETSLOT', slot, 'NODE', m.targetId]);
  } catch (err) {
    // A source that gave away its last slot may already have turned into a replica of the target.
    if (!replyStartsWith(err, MASTERS_ONLY)) throw err;
  }
  rec.migrating = false;
  rec.state = 'done';
  const others = await Promise.allSettled(
    m.others.map((o) => o.call(['CLUSTER', 'SETSLOT', slot, 'NODE', m.targetId])),
  );
  others.forEach((r) => {
    if (r.status === 'rejected' && !replyStartsWith(r.reason, MASTERS_ONLY)) {
      rec.otherFailures.push(message(r.reason));
    }
  });
}

/** GETKEYSINSLOT + MIGRATE until the source has no key of the slot left. */
async function moveKeys(m: MoveContext, rec: SlotRecord): Promise<void> {
  const { slot } = rec;
  const { pipeline, migrateTimeoutMs, replace } = m.step;
  let previous = '';
  for (;;) {
    if (m.signal.aborted) {
      throw new ActionError(
        'ACTION_STEP_FAILED',
        `stopped on request while moving slot ${slot} (${rec.keysMoved} keys moved so far)`,
      );
    }
    const keys = ((await m.source.call(['CLUSTER', 'GETKEYSINSLOT', slot, pipeline])) as unknown[]).map(
      String,
    );
    if (keys.length === 0) return;
    const batch = keys.join('\u0000');
    if (batch === previous) {
      throw new ActionError(
        'ACTION_STEP_FAILED',
        `MIGRATE answered but ${m.source.address} still lists the same ${keys.length} keys of slot ${slot}: stopped instead of looping`,
      );
    }
    previous = batch;
    const argv = [
      'MIGRATE',
      m.targetHost,
      m.targetPort,
      '',
      0,
      migrateTimeoutMs,
      ...(replace ? ['REPLACE'] : []),
      ...m.migrateAuth,
      'KEYS',
      ...keys,
    ];
    try {
      await m.source.call(argv, migrateTimeoutMs + 5000);
    } catch (err) {
      throw await migrateFailure(m, rec, keys, err);
    }
    rec.keysMoved += keys.length;
    m.onKeys(keys.length);
  }
}

/** The error to stop with after a failed MIGRATE: BUSYKEY names the keys on both sides; anything else says the batch may be split. */
async function migrateFailure(
  m: MoveContext,
  rec: SlotRecord,
  keys: string[],
  err: unknown,
): Promise<ActionError> {
  const where = `slot ${rec.slot} (${m.source.address} -> ${m.target.address})`;
  if (!isActionError(err, 'ACTION_BUSYKEY')) {
    return new ActionError(
      err instanceof ActionError ? err.code : 'ACTION_STEP_FAILED',
      `MIGRATE of ${keys.length} keys of ${where} failed: ${message(err)}. Some keys of that batch may now exist on both nodes; nothing was retried.`,
      { cause: err },
    );
  }
  const still: string[] = [];
  for (const k of keys) {
    // The migrating source serves keys it still has; for the others it answers ASK (an error here).
    const here = await m.source.call(['EXISTS', k]).then(
      (n) => Number(n) === 1,
      () => false,
    );
    if (here) still.push(k);
  }
  const shown = still.slice(0, 10).map((k) => JSON.stringify(k));
  const more = still.length > 10 ? ` and ${still.length - 10} more` : '';
  return new ActionError(
    'ACTION_BUSYKEY',
    `MIGRATE of ${where} stopped with BUSYKEY: ${still.length > 0 ? `${shown.join(', ')}${more} exist on both ${m.source.address} and ${m.target.address}` : 'a key of the batch already exists on the target'}; nothing was overwritten (REPLACE is off). ` +
      `Compare both copies before choosing: DUMP <key> on ${m.source.address}, and on ${m.target.address} after ASKING (e.g. printf 'ASKING\\nDUMP <key>\\n' | redis-cli -h <target host> -p <target port>); DEBUG DIGEST-VALUE is disabled by default in Redis 7. ` +
      `Then delete the copy you do not want, or plan again with replace-existing-keys to overwrite the target's copies.`,
    { cause: err },
  );
}
