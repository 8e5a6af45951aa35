/**
 * Requests and their audit trail in the queue Redis: create, decide, start, finish, and plain audit
 * records. The only caller of the Lua scripts. Each write is one script that checks what it was decided
 * on (request version, chain head) and writes the change and its audit entry together, or nothing;
 * a lost race is read again and judged again, never written blind.
 */
import type { Redis } from 'ioredis';
import { digest, GENESIS, sealEntry } from './audit/chain.ts';
import { ApprovalError, type ApprovalErrorCode, toApprovalError } from './errors.ts';
import { type ApprovalKeys, newId, REQUEST_ID } from './keys.ts';
import { type Click, judgeClick, notFound, raced } from './policy.ts';
import { changeFields, draftFor, emptyDraft, fromFields, planNote, toFields, undecided } from './record.ts';
import { ANNOTATE, AUDIT_APPEND, CREATE, evalScript, READ, runScript, TRANSITION } from './scripts/index.ts';
import type {
  ApprovalMetrics,
  ApprovalRequest,
  AuditDraft,
  AuditEntry,
  AuditEventName,
  Decided,
  Moved,
  NewRequest,
  RequestState,
  RunResult,
} from './types.ts';

/** Finished requests stay readable this long (the audit keeps them for ever). */
const KEEP_FINISHED_MS = 30 * 24 * 3600 * 1000;
/** Attempts before a write gives up under contention (each lost race re-reads and re-judges). */
const MAX_ATTEMPTS = 2000;
const RETRY = Symbol('retry');
type Retry = typeof RETRY;

/** What a move writes besides the new state. */
interface MoveSpec {
  to: RequestState;
  draft: AuditDraft;
  lock?: 'take' | 'release' | 'none';
  heartbeat?: string;
  /** 'absent': the heartbeat must not exist; 'beat:<ms>': set it with the move. */
  heartbeatMode?: 'absent' | `beat:${number}`;
  approver?: string;
  change?: Partial<ApprovalRequest>;
}

interface Snapshot {
  now: number;
  head: { seq: number; hash: string };
  request: ApprovalRequest | null;
}

/** The request store over one queue Redis connection (a fail-fast one in handlers). */
export interface RequestStore {
  create(input: NewRequest): Promise<ApprovalRequest>;
  get(id: string): Promise<ApprovalRequest | null>;
  decide(id: string, click: Omit<Click, 'now'> & { reason?: string }): Promise<Decided>;
  setCard(id: string, card: string, thread: string): Promise<void>;
  /** approved -> executing, taking the cluster's lock and setting the runner's heartbeat for `beatMs`. */
  start(id: string, runner: string, heartbeatKey: string, beatMs: number): Promise<Moved>;
  /** executing -> succeeded | failed | unknown-outcome, releasing the lock. */
  finish(id: string, to: RequestState, actor: string, result: RunResult): Promise<Moved>;
  /** approved -> failed for a job that never started (nothing ran). */
  abandon(id: string, actor: string, code: ApprovalErrorCode, message: string): Promise<Moved>;
  /** executing -> unknown-outcome, only if the runner's heartbeat is gone. */
  markUnknown(id: string, actor: string, heartbeatKey: string, message: string): Promise<Moved>;
  /** pending -> expired when past its time (a sweep; clicks expire requests themselves). */
  expire(id: string, actor: string): Promise<Moved>;
  /** Appends an entry that moves no request (refused, step, break-glass). */
  record(draft: AuditDraft): Promise<AuditEntry>;
  /** Ids of requests not yet final. */
  live(): Promise<string[]>;
}

/** Builds the store. `metrics` hears every state a request enters. */
export function createRequestStore(opts: {
  redis: Redis;
  keys: ApprovalKeys;
  metrics?: ApprovalMetrics;
}): RequestStore {
  const { redis, keys: k, metrics } = opts;

  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw toApprovalError(err);
    }
  };

  async function read(id: string | null): Promise<Snapshot> {
    const reply = (await evalScript(
      redis,
      READ,
      [k.head, id ? k.request(id) : `${k.tag}:none`],
      [],
    )) as unknown[];
    const [sec, usec, seq, hash, fields] = reply;
    return {
      now: Number(sec) * 1000 + Math.floor(Number(usec) / 1000),
      head: { seq: Number(seq), hash: String(hash) || GENESIS },
      request: fromFields(fields as unknown[]),
    };
  }

  // Writes from this process take turns (read, judge, write), so they never race each other for the
  // chain head; only writes from other processes can make an attempt retry.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(work: () => Promise<T>): Promise<T> => {
    const mine = turn.then(work, work);
    turn = mine.catch(() => undefined);
    return mine;
  };

  async function loop<T>(attempt: () => Promise<T | Retry>): Promise<T> {
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      const out = await inTurn(() => guard(attempt));
      if (out !== RETRY) return out;
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(25, 1 + i)));
    }
    throw new ApprovalError('APPROVAL_CONFLICT', `gave up after ${MAX_ATTEMPTS} conflicting writes`);
  }

  async function move(snap: Snapshot, spec: MoveSpec): Promise<Moved | Retry> {
    const req = snap.request as ApprovalRequest;
    const sealed = sealEntry(spec.draft, snap.head, snap.now);
    const approvals = spec.change?.approvals ? JSON.stringify(spec.change.approvals) : '';
    const out = await runScript(
      redis,
      TRANSITION,
      [k.request(req.id), k.head, k.audit, k.live, k.lock(req.cluster), spec.heartbeat ?? `${k.tag}:none`],
      [
        req.state,
        spec.to,
        req.version,
        sealed.entry.seq,
        snap.head.hash,
        sealed.hash,
        sealed.raw,
        snap.now,
        spec.lock ?? 'none',
        spec.heartbeat ? (spec.heartbeatMode ?? 'absent') : 'none',
        spec.approver ?? '',
        approvals,
        KEEP_FINISHED_MS,
        ...changeFields(spec.change ?? {}),
      ],
    );
    if (!out.ok) {
      if (out.code === 'APPROVAL_CONFLICT' || out.code === 'APPROVAL_CHAIN_MOVED') return RETRY;
      return { ok: false, code: out.code, detail: out.detail, request: req };
    }
    metrics?.transition(spec.to);
    const after = { ...req, ...spec.change, state: spec.to, version: Number(out.detail) };
    return { ok: true, request: after };
  }

  /** Reads `id` and applies `plan` to it until the write lands or the plan declines. */
  function transition(
    id: string,
    plan: (req: ApprovalRequest, now: number) => MoveSpec | Moved,
  ): Promise<Moved> {
    return loop(async () => {
      const snap = await read(id);
      if (!snap.request) return { ok: false, code: 'APPROVAL_NOT_FOUND', detail: id, request: null };
      const spec = plan(snap.request, snap.now);
      return 'ok' in spec ? spec : move(snap, spec);
    });
  }

  const notIn = (req: ApprovalRequest, state: RequestState): Moved | null =>
    req.state === state
      ? null
      : { ok: false, code: 'APPROVAL_ALREADY_DECIDED', detail: req.state, request: req };

  const store: RequestStore = {
    async create(input) {
      const { plan } = input;
      return loop(async () => {
        const snap = await read(null);
        const req: ApprovalRequest = {
          id: newId(),
          state: 'pending',
          version: 1,
          cluster: plan.cluster,
          action: plan.action,
          params: plan.params,
          plan,
          planHash: digest(plan),
          requestedBy: input.requestedBy,
          channel: input.channel,
          thread: input.thread,
          card: null,
          createdAt: snap.now,
          expiresAt: snap.now + input.ttlMs,
          approvalsNeeded: input.approvalsNeeded,
          selfApproval: input.selfApproval,
          ...undecided(),
          diagnosis: input.diagnosis,
        };
        const need = input.approvalsNeeded === 2 ? 'two approvers' : 'one approver';
        const draft = draftFor(req, 'requested', input.requestedBy, {
          plan: planNote(plan),
          outcome: `pending: needs ${need} before ${new Date(req.expiresAt).toISOString()}`,
          diagnosis: input.diagnosis,
        });
        const sealed = sealEntry(draft, snap.head, snap.now);
        const out = await runScript(
          redis,
          CREATE,
          [k.request(req.id), k.head, k.audit, k.live],
          [sealed.entry.seq, snap.head.hash, sealed.hash, sealed.raw, req.id, ...toFields(req)],
        );
        if (!out.ok) return RETRY; // id taken or head moved: a new id, a new head
        metrics?.transition('pending');
        return req;
      });
    },

    get: (id) =>
      guard(async () =>
        REQUEST_ID.test(id) ? fromFields(await redis.hgetall(k.request(id)).then(flat)) : null,
      ),

    async decide(id, click) {
      if (!REQUEST_ID.test(id)) {
        return { ok: false, refusal: notFound(id), request: null };
      }
      const result = await loop<Decided>(async () => {
        const snap = await read(id);
        const req = snap.request;
        if (!req) return { ok: false, refusal: notFound(id), request: null };
        const verdict = judgeClick(req, { ...click, now: snap.now });
        if (verdict.kind === 'refuse') {
          if (!verdict.expire) return { ok: false, refusal: verdict.refusal, request: req };
          const expired = await move(snap, {
            to: 'expired',
            draft: draftFor(req, 'expired', click.user, {
              outcome: `expired; ${click.choice} refused`,
              code: 'APPROVAL_EXPIRED',
            }),
            change: { decidedAt: snap.now },
          });
          if (expired === RETRY) return RETRY;
          return { ok: false, refusal: verdict.refusal, request: expired.request, expired: true };
        }
        const approving = click.choice === 'approve';
        const decided = verdict.to !== 'pending';
        const moved = await move(snap, {
          to: verdict.to,
          draft: draftFor(req, verdict.event, click.user, {
            outcome: click.reason ? `${verdict.outcome}: ${click.reason}` : verdict.outcome,
            plan: approving ? planNote(req.plan) : null,
          }),
          approver: approving ? click.user : '',
          change: {
            approvals: verdict.approvals,
            ...(decided ? { decidedBy: click.user, decidedAt: snap.now } : {}),
            ...(click.reason ? { reason: click.reason } : {}),
          },
        });
        if (moved === RETRY) return RETRY;
        if (!moved.ok) return { ok: false, refusal: raced(moved.code, req), request: req };
        return { ok: true, request: moved.request, event: verdict.event };
      });
      if (!result.ok && !result.expired) {
        const req = result.request;
        await store.record({
          ...(req ? draftFor(req, 'refused', click.user) : emptyDraft('refused', click.user, id)),
          outcome: `${click.choice} refused: ${result.refusal.message}`,
          code: result.refusal.code,
          channel: click.channel,
        });
      }
      return result;
    },

    async setCard(id, card, thread) {
      await guard(() => runScript(redis, ANNOTATE, [k.request(id)], [card, thread]));
    },

    start: (id, runner, heartbeatKey, beatMs) =>
      transition(id, (req, now) => {
        return (
          notIn(req, 'approved') ?? {
            to: 'executing',
            draft: draftFor(req, 'executing', runner, { outcome: 'started' }),
            lock: 'take',
            heartbeat: heartbeatKey,
            heartbeatMode: `beat:${beatMs}`,
            change: { runner, startedAt: now },
          }
        );
      }),

    finish: (id, to, actor, result) =>
      transition(id, (req, now) => {
        return (
          notIn(req, 'executing') ?? {
            to,
            draft: draftFor(req, to as AuditEventName, actor, {
              outcome: result.message,
              code: result.code,
              fingerprintAfter: result.fingerprintAfter,
              diagnosis: result.after,
            }),
            lock: 'release',
            change: {
              code: result.code,
              message: result.message,
              fingerprintAfter: result.fingerprintAfter,
              finishedAt: now,
            },
          }
        );
      }),

    abandon: (id, actor, code, message) =>
      transition(id, (req, now) => {
        return (
          notIn(req, 'approved') ?? {
            to: 'failed',
            draft: draftFor(req, 'failed', actor, { outcome: message, code }),
            change: { code, message, finishedAt: now },
          }
        );
      }),

    markUnknown: (id, actor, heartbeatKey, message) =>
      transition(id, (req, now) => {
        return (
          notIn(req, 'executing') ?? {
            to: 'unknown-outcome',
            draft: draftFor(req, 'unknown-outcome', actor, {
              outcome: message,
              code: 'APPROVAL_RUNNER_LOST',
            }),
            lock: 'release',
            heartbeat: heartbeatKey,
            change: { code: 'APPROVAL_RUNNER_LOST', message, finishedAt: now },
          }
        );
      }),

    expire: (id, actor) =>
      transition(id, (req, now) => {
        const stop = notIn(req, 'pending');
        if (stop) return stop;
        if (now <= req.expiresAt)
          return { ok: false, code: 'APPROVAL_CONFLICT', detail: 'not due', request: req };
        return {
          to: 'expired',
          draft: draftFor(req, 'expired', actor, { outcome: 'expired unanswered', code: 'APPROVAL_EXPIRED' }),
          change: { decidedAt: now },
        };
      }),

    record: (draft) =>
      loop(async () => {
        const snap = await read(null);
        const sealed = sealEntry(draft, snap.head, snap.now);
        const out = await runScript(
          redis,
          AUDIT_APPEND,
          [k.head, k.audit],
          [sealed.entry.seq, snap.head.hash, sealed.hash, sealed.raw],
        );
        return out.ok ? sealed.entry : RETRY;
      }),

    live: () => guard(() => redis.smembers(k.live)),
  };
  return store;
}

function flat(map: Record<string, string>): string[] {
  return Object.entries(map).flat();
}
