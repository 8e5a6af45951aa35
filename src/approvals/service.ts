/**
 * The one entry other rooms use for approvals: propose a plan (permission, advice-only and policy
 * checked, then stored with its `requested` entry), decide on it (only an approval adds a job), read
 * the audit. Over a fail-fast connection: when the queue Redis is down every call fails at once with
 * APPROVAL_STORE_DOWN and nothing is half-recorded; diagnosis never depends on it.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Plan } from '../actions/types.ts';
import type { Config } from '../config/schema.ts';
import { newestEntries } from './audit/stream.ts';
import { ApprovalError } from './errors.ts';
import type { ApprovalKeys } from './keys.ts';
import { approvalsNeeded, type Click, checkApprovalsConfig, mayPropose, mayRequest } from './policy.ts';
import { enqueue, type FixJobData } from './queue.ts';
import { emptyDraft } from './record.ts';
import type { RequestStore } from './requests.ts';
import type { ApprovalRequest, AuditEntry, Decided, DiagnosisNote, Refusal } from './types.ts';

/** What a proposal needs besides the plan. */
export interface Proposal {
  plan: Plan;
  user: string;
  /** Where it was asked; null for a terminal bound by no channel rule (stored as "terminal"). */
  channel: string | null;
  thread: string | null;
  diagnosis: DiagnosisNote | null;
}

/** A stored request, or why none was stored (already audited). */
export type Proposed = { ok: true; request: ApprovalRequest } | { ok: false; refusal: Refusal };

/** A decision plus whether its job is queued (an approval only). */
export type Decision = Decided & { queued?: boolean };

/** The approvals room for the bot and the CLI: propose, decide, audit. */
export interface ApprovalService {
  readonly store: RequestStore;
  readonly queue: Queue<FixJobData>;
  readonly keys: ApprovalKeys;
  readonly redis: Redis;
  propose(p: Proposal): Promise<Proposed>;
  decide(id: string, click: Omit<Click, 'now' | 'access' | 'known'> & { reason?: string }): Promise<Decision>;
  /** Audit a refused request (a permission or a planner said no) so failed attempts are on record. */
  refused(
    p: Omit<Proposal, 'plan' | 'diagnosis'> & { cluster: string; action: string; refusal: Refusal },
  ): Promise<void>;
  /** The newest `n` audit entries, oldest first, optionally for clusters in `clusters` only. */
  recent(n: number, clusters?: string[]): Promise<AuditEntry[]>;
}

/** Builds the service; throws APPROVAL_CONFIG when the approvals config names unknown actions. */
export function createApprovalService(deps: {
  config: Config;
  redis: Redis;
  store: RequestStore;
  queue: Queue<FixJobData>;
  keys: ApprovalKeys;
  logger: Logger;
}): ApprovalService {
  const { config, store, queue, logger } = deps;
  const problems = checkApprovalsConfig(config.approvals);
  if (problems.length > 0) throw new ApprovalError('APPROVAL_CONFIG', problems.join('; '));
  const known = () => config.clusters.map((c) => c.name);

  return {
    store,
    queue,
    keys: deps.keys,
    redis: deps.redis,

    async propose(p) {
      const actor = { user: p.user, channel: p.channel };
      const refusal = mayRequest(config.access, actor, p.plan.cluster, known()) ?? mayPropose(p.plan);
      if (refusal) {
        await this.refused({ ...p, cluster: p.plan.cluster, action: p.plan.action, refusal });
        return { ok: false, refusal };
      }
      const request = await store.create({
        plan: p.plan,
        requestedBy: p.user,
        channel: p.channel ?? 'terminal',
        thread: p.thread,
        ttlMs: config.approvals.ttlSeconds * 1000,
        approvalsNeeded: approvalsNeeded(config.approvals, p.plan),
        selfApproval: config.approvals.selfApproval.includes(p.plan.cluster),
        diagnosis: p.diagnosis,
      });
      logger.info({
        event: 'fix_requested',
        requestId: request.id,
        cluster: request.cluster,
        action: request.action,
      });
      return { ok: true, request };
    },

    async decide(id, click) {
      const decided = await store.decide(id, { ...click, access: config.access, known: known() });
      if (!decided.ok || decided.request.state !== 'approved') return decided;
      try {
        await enqueue(queue, decided.request);
        return { ...decided, queued: true };
      } catch (err) {
        // The approval is recorded; the reconciler adds the job once the queue answers again.
        logger.warn({ event: 'enqueue_failed', requestId: id, err }, 'approved, job not queued yet');
        return { ...decided, queued: false };
      }
    },

    async refused(p) {
      await store.record({
        ...emptyDraft('refused', p.user, null),
        cluster: p.cluster,
        action: p.action,
        channel: p.channel,
        thread: p.thread,
        outcome: `request refused: ${p.refusal.message}`,
        code: p.refusal.code,
      });
    },

    async recent(n, clusters) {
      const rows = await newestEntries(deps.redis, deps.keys, n, (e) =>
        clusters ? e.cluster !== null && clusters.includes(e.cluster) : true,
      );
      return rows.map((r) => r.entry);
    },
  };
}
