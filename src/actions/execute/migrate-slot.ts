/**
 * Moves one window of slots with their keys, phase by phase, each phase one pipeline per node: SETSLOT
 * IMPORTING on the target, MIGRATING on the source (each skipped where the node's view already holds it),
 * GETKEYSINSLOT + MIGRATE ... KEYS until the source holds none, then SETSLOT NODE on the target first, the
 * source next, the other masters last. A slot that fails drops out and stays as it is; the others of the
 * window go on to the end. Never sends REPLACE unless the plan says so and never sends a command twice: a
 * BUSYKEY stops that slot with the keys named, an IOERR or a lost reply says the batch may be on both sides.
 */
import { ActionError, isActionError, toActionError } from '../errors.ts';
import type { MoveSlotsStep } from '../types.ts';
import type { NodeSession, PipelineReply } from './context.ts';
import type { OwnView } from './own-view.ts';
import { ReplyError, replyStartsWith, showBytes } from './replies.ts';

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
  /** Called after each MIGRATE with the number of keys it carried. */
  onKeys(n: number): void;
}

/** How far one slot got. */
export interface SlotRecord {
  slot: number;
  state: 'pending' | 'open' | 'target-final' | 'done' | 'skipped';
  importing: boolean;
  migrating: boolean;
  keysMoved: number;
  /** Why this slot stopped, when it did. */
  error?: ActionError;
  /** SETSLOT NODE failures on other masters (they learn the owner by gossip anyway). */
  otherFailures: string[];
}

type Argv = (string | number | Buffer)[];

const MASTERS_ONLY = ['ERR Please use SETSLOT only with masters'];

/** One command without a pipeline: byte arguments (key names) only through `callBuffer`, never re-encoded. */
function sendOne(s: NodeSession, a: Argv, timeoutMs?: number): Promise<unknown> {
  const text = a.filter((x): x is string | number => !Buffer.isBuffer(x));
  if (text.length === a.length) return s.call(text, timeoutMs);
  if (s.callBuffer) return s.callBuffer(a, timeoutMs);
  return Promise.reject(
    new ActionError('ACTION_INTERNAL', `${a[0]} with key names as bytes needs a session that sends bytes`),
  );
}

/** Sends `argvs` to `s` in one pipeline (one by one when the session has none); a lost pipeline fails them all. */
async function batch(s: NodeSession, argvs: Argv[], timeoutMs?: number): Promise<PipelineReply[]> {
  if (argvs.length === 0) return [];
  try {
    if (s.pipeline) return await s.pipeline(argvs, timeoutMs);
    return await Promise.all(
      argvs.map((a) =>
        sendOne(s, a, timeoutMs).then(
          (value) => ({ value }),
          (e: unknown) => ({ error: toActionError(e) }),
        ),
      ),
    );
  } catch (err) {
    const error = toActionError(err);
    return argvs.map(() => ({ error }));
  }
}

/** Runs `argv(rec)` for every record on `s`; records whose reply is an error (not `tolerated`) fail. */
async function phase(
  s: NodeSession,
  recs: readonly SlotRecord[],
  argv: (r: SlotRecord) => Argv,
  tolerated: string[] = [],
): Promise<SlotRecord[]> {
  const replies = await batch(s, recs.map(argv));
  return recs.filter((r, i) => {
    const reply = replies[i]!;
    if (!('error' in reply) || replyStartsWith(reply.error, tolerated)) return true;
    r.error = reply.error;
    return false;
  });
}

/** Checks each slot against the nodes' views; returns those that still need moving. */
async function prepare(m: MoveContext, recs: SlotRecord[]): Promise<SlotRecord[]> {
  const fail = (r: SlotRecord, why: string) => {
    r.error = new ActionError('ACTION_STEP_FAILED', why);
  };
  const orphan: SlotRecord[] = [];
  for (const r of recs) {
    const from = m.targetView.importingFrom(r.slot);
    const to = m.sourceView.migratingTo(r.slot);
    if (from !== undefined && from !== m.sourceId)
      fail(
        r,
        `${m.target.address} imports slot ${r.slot} from another node (${from}), not from ${m.source.address}: plan again`,
      );
    else if (to !== undefined && to !== m.targetId)
      fail(
        r,
        `${m.source.address} migrates slot ${r.slot} to another node (${to}), not to ${m.target.address}: plan again`,
      );
    else if (!m.sourceView.owns(r.slot) && to === undefined) orphan.push(r);
  }
  // The source can neither serve nor MIGRATE keys of a slot it neither owns nor migrates: it must hold none.
  const counts = await batch(
    m.source,
    orphan.map((r) => ['CLUSTER', 'COUNTKEYSINSLOT', r.slot]),
  );
  orphan.forEach((r, i) => {
    const c = counts[i]!;
    const n = 'error' in c ? -1 : Number(c.value);
    if (n !== 0)
      fail(
        r,
        `${m.source.address} holds ${n < 0 ? 'an unknown number of' : n} keys of slot ${r.slot} but neither owns nor migrates it: plan again (fix-open-slot)`,
      );
    else if (m.targetView.owns(r.slot) && !r.importing) r.state = 'skipped';
  });
  return recs.filter((r) => !r.error && r.state === 'pending');
}

/** Moves the slots of one window; sets `error` on those that stop. */
export async function moveWindow(m: MoveContext, recs: SlotRecord[]): Promise<void> {
  let live = await prepare(m, recs);
  const open = live.filter((r) => !m.targetView.owns(r.slot) && !r.importing);
  for (const r of await phase(m.target, open, (r) => [
    'CLUSTER',
    'SETSLOT',
    r.slot,
    'IMPORTING',
    m.sourceId,
  ])) {
    r.importing = true;
  }
  live = live.filter((r) => !r.error);
  for (const r of live) r.state = 'open';
  // MIGRATING, then the first GETKEYSINSLOT of every slot, in one pipeline on the source (run in order).
  const migr = live.filter((r) => m.sourceView.owns(r.slot) && !r.migrating);
  const movable = live.filter((r) => m.sourceView.owns(r.slot) || r.migrating || migr.includes(r));
  const replies = await batch(m.source, [
    ...migr.map((r): Argv => ['CLUSTER', 'SETSLOT', r.slot, 'MIGRATING', m.targetId]),
    ...movable.map((r): Argv => ['CLUSTER', 'GETKEYSINSLOT', r.slot, m.step.pipeline]),
  ]);
  migr.forEach((r, i) => {
    const reply = replies[i]!;
    if ('error' in reply) r.error = reply.error;
    else r.migrating = true;
  });
  const first = new Map(movable.map((r, i) => [r.slot, replies[migr.length + i]!]));
  await moveKeys(
    m,
    movable.filter((r) => !r.error),
    first,
  );
  live = await emptied(
    m,
    live.filter((r) => !r.error),
  );
  const node = (r: SlotRecord): Argv => ['CLUSTER', 'SETSLOT', r.slot, 'NODE', m.targetId];
  live = await phase(m.target, live, node);
  for (const r of live) {
    r.state = 'target-final';
    r.importing = false;
  }
  // Then the source (a source that gave away its last slot may already be a replica of the target) and,
  // at the same time, the other masters: the target already claims the slots with the highest epoch.
  const others = Promise.all(m.others.map((o) => batch(o, live.map(node))));
  for (const r of await phase(m.source, live, node, MASTERS_ONLY)) {
    r.state = 'done';
    r.migrating = false;
  }
  for (const replies of await others) {
    live.forEach((r, i) => {
      const reply = replies[i]!;
      if ('error' in reply && !replyStartsWith(reply.error, MASTERS_ONLY))
        r.otherFailures.push(reply.error.message);
    });
  }
}

/**
 * The slots of `recs` the source holds no key of any more (one COUNTKEYSINSLOT pipeline); the others stop,
 * still open, before any SETSLOT NODE: a slot handed over with keys left behind orphans them (the source
 * no longer serves the slot, clients are sent to the target, which lacks them).
 */
async function emptied(m: MoveContext, recs: SlotRecord[]): Promise<SlotRecord[]> {
  const counts = await batch(
    m.source,
    recs.map((r): Argv => ['CLUSTER', 'COUNTKEYSINSLOT', r.slot]),
  );
  recs.forEach((r, i) => {
    const c = counts[i]!;
    if ('error' in c) r.error = c.error;
    else if (Number(c.value) > 0)
      r.error = new ActionError(
        'ACTION_STEP_FAILED',
        `${m.source.address} still holds ${Number(c.value)} keys of slot ${r.slot} after every MIGRATE answered: the slot stays open (MIGRATING/IMPORTING) and was not handed over, so no key is orphaned. List them with CLUSTER GETKEYSINSLOT ${r.slot} 100 on ${m.source.address}`,
      );
  });
  return recs.filter((r) => !r.error);
}

/** The MIGRATE of `keys` to the target, as the plan asks (REPLACE only when it says so). */
function migrateArgv(m: MoveContext, keys: readonly Buffer[]): Argv {
  const { migrateTimeoutMs, replace } = m.step;
  return [
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
}

/**
 * MIGRATE for `recs` until each slot is empty, starting from the `first` GETKEYSINSLOT lists: each round is
 * one pipeline on the source holding every slot's MIGRATE, each full batch followed by that slot's next
 * GETKEYSINSLOT (a short batch was every key of the slot: a migrating source creates no new ones, it
 * answers ASK for keys it lacks, and SETSLOT NODE on the source refuses if one is left after all).
 */
async function moveKeys(
  m: MoveContext,
  recs: SlotRecord[],
  first: Map<number, PipelineReply>,
): Promise<void> {
  const { pipeline, migrateTimeoutMs } = m.step;
  let pending = recs;
  let lists = first;
  const previous = new Map<number, string>();
  const toKey = (k: unknown): Buffer => (Buffer.isBuffer(k) ? k : Buffer.from(String(k)));
  while (pending.length > 0) {
    if (m.signal.aborted) {
      for (const r of pending)
        r.error = new ActionError(
          'ACTION_STEP_FAILED',
          `stopped on request while moving slot ${r.slot} (${r.keysMoved} keys moved so far)`,
        );
      return;
    }
    const todo: { r: SlotRecord; keys: Buffer[] }[] = [];
    for (const r of pending) {
      const reply = lists.get(r.slot);
      if (!reply || 'error' in reply) {
        r.error = reply?.error ?? new ActionError('ACTION_INTERNAL', `no key list for slot ${r.slot}`);
        continue;
      }
      const keys = Array.isArray(reply.value) ? reply.value.map(toKey) : [];
      if (keys.length === 0) continue;
      const seen = keys.map((k) => k.toString('hex')).join(',');
      if (previous.get(r.slot) === seen) {
        r.error = new ActionError(
          'ACTION_STEP_FAILED',
          `MIGRATE answered but ${m.source.address} still lists the same ${keys.length} keys of slot ${r.slot}: stopped instead of looping`,
        );
        continue;
      }
      previous.set(r.slot, seen);
      todo.push({ r, keys });
    }
    const full = (keys: readonly Buffer[]) => keys.length === pipeline;
    const replies = await batch(
      m.source,
      todo.flatMap(({ r, keys }): Argv[] =>
        full(keys)
          ? [migrateArgv(m, keys), ['CLUSTER', 'GETKEYSINSLOT', r.slot, pipeline]]
          : [migrateArgv(m, keys)],
      ),
      migrateTimeoutMs + 5000,
    );
    const next: SlotRecord[] = [];
    lists = new Map();
    let i = 0;
    for (const { r, keys } of todo) {
      const moved = replies[i++]!;
      const more = full(keys) ? replies[i++]! : undefined;
      if ('error' in moved) {
        r.error = await migrateFailure(m, r, keys, moved.error);
        continue;
      }
      r.keysMoved += keys.length;
      m.onKeys(keys.length);
      if (more) {
        lists.set(r.slot, more);
        next.push(r);
      }
    }
    pending = next;
  }
}

/** The error after a failed MIGRATE: BUSYKEY names the keys on both sides; anything else says the batch may be split. */
async function migrateFailure(
  m: MoveContext,
  rec: SlotRecord,
  keys: Buffer[],
  err: unknown,
): Promise<ActionError> {
  const where = `slot ${rec.slot} (${m.source.address} -> ${m.target.address})`;
  if (!isActionError(err, 'ACTION_BUSYKEY')) {
    const e = toActionError(err);
    // Refused by the source itself (ACL, syntax): nothing was sent. Anything else (the target refused a
    // command, IOERR, no answer): some RESTOREs may have landed while the source kept its copies.
    const unsent =
      err instanceof ReplyError &&
      !/Target instance|IOERR/i.test(err.reply) &&
      err.kind !== 'timeout' &&
      err.kind !== 'unreachable';
    const consequence = unsent
      ? 'The source refused it: no key of that batch moved.'
      : 'Some keys of that batch may now exist on both nodes (the source keeps a key until the target confirms it).';
    return new ActionError(
      e.code,
      `MIGRATE of ${keys.length} keys of ${where} failed: ${e.message} ${consequence} Nothing was retried.`,
      { cause: err },
    );
  }
  // The migrating source serves keys it still has; for the others it answers ASK (an error here).
  const exists = await batch(
    m.source,
    keys.map((k) => ['EXISTS', k]),
  );
  const still = keys.filter((_, i) => {
    const e = exists[i]!;
    return !('error' in e) && Number(e.value) === 1;
  });
  const shown = still.slice(0, 10).map(showBytes);
  const more = still.length > 10 ? ` and ${still.length - 10} more` : '';
  return new ActionError(
    'ACTION_BUSYKEY',
    `MIGRATE of ${where} stopped with BUSYKEY: ${still.length > 0 ? `${shown.join(', ')}${more} exist on both ${m.source.address} and ${m.target.address}` : 'a key of the batch already exists on the target'}; nothing was overwritten (REPLACE is off). ` +
      `Compare both copies before choosing: DUMP <key> on ${m.source.address}, and on ${m.target.address} after ASKING (e.g. printf 'ASKING\\nDUMP <key>\\n' | redis-cli -h <target host> -p <target port>); DEBUG DIGEST-VALUE is disabled by default in Redis 7. ` +
      'Then delete the copy you do not want, or plan again with replace-existing-keys to overwrite the target copies.',
    { cause: err },
  );
}
