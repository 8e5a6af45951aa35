/**
 * How a request is spelled in its Redis hash (flat string fields the scripts can read; the plan as JSON)
 * and how an audit entry is drafted from a request. Pure. Neither ever holds a secret: plans carry
 * variable names, never passwords.
 */
import type { Plan } from '../actions/types.ts';
import { digest } from './audit/chain.ts';
import type {
  ApprovalRequest,
  AuditDraft,
  AuditEventName,
  DiagnosisNote,
  PlanNote,
  RequestState,
  StepNote,
} from './types.ts';
import { REQUEST_STATES } from './types.ts';

/** What nobody has decided or run yet: the fields every new request starts with (a fresh object each call). */
export function undecided(): Pick<
  ApprovalRequest,
  | 'approvals'
  | 'decidedBy'
  | 'decidedAt'
  | 'reason'
  | 'runner'
  | 'startedAt'
  | 'finishedAt'
  | 'code'
  | 'message'
  | 'fingerprintAfter'
> {
  return {
    approvals: [],
    decidedBy: null,
    decidedAt: null,
    reason: null,
    runner: null,
    startedAt: null,
    finishedAt: null,
    code: null,
    message: null,
    fingerprintAfter: null,
  };
}

/** The hash fields of a new request (state and version included). */
export function toFields(req: ApprovalRequest): string[] {
  const fields: Record<string, string> = {
    id: req.id,
    state: req.state,
    version: String(req.version),
    cluster: req.cluster,
    action: req.action,
    params: JSON.stringify(req.params),
    plan: JSON.stringify(req.plan),
    planHash: req.planHash,
    requestedBy: req.requestedBy,
    channel: req.channel,
    thread: req.thread ?? '',
    card: req.card ?? '',
    createdAt: String(req.createdAt),
    expiresAt: String(req.expiresAt),
    approvalsNeeded: String(req.approvalsNeeded),
    selfApproval: req.selfApproval ? '1' : '0',
    approvals: JSON.stringify(req.approvals),
    diagnosis: req.diagnosis ? JSON.stringify(req.diagnosis) : '',
  };
  return Object.entries(fields).flat();
}

/** Optional fields a transition may set, spelled as hash fields ('' clears). */
export function changeFields(change: Partial<ApprovalRequest>): string[] {
  const out: string[] = [];
  const put = (k: string, v: string | number | null | undefined) => {
    if (v !== undefined) out.push(k, v === null ? '' : String(v));
  };
  put('decidedBy', change.decidedBy);
  put('decidedAt', change.decidedAt);
  put('reason', change.reason);
  put('runner', change.runner);
  put('startedAt', change.startedAt);
  put('finishedAt', change.finishedAt);
  put('code', change.code);
  put('message', change.message);
  put('fingerprintAfter', change.fingerprintAfter);
  return out;
}

/** Reads a request back from HGETALL's flat reply; null when the hash is empty or not a request. */
export function fromFields(flat: unknown[]): ApprovalRequest | null {
  if (!Array.isArray(flat) || flat.length === 0) return null;
  const f = new Map<string, string>();
  for (let i = 0; i + 1 < flat.length; i += 2) f.set(String(flat[i]), String(flat[i + 1]));
  const state = f.get('state') as RequestState | undefined;
  if (!state || !REQUEST_STATES.includes(state) || !f.get('plan')) return null;
  const str = (k: string) => f.get(k) || null;
  const num = (k: string) => (f.get(k) ? Number(f.get(k)) : null);
  return {
    id: f.get('id') ?? '',
    state,
    version: Number(f.get('version') ?? 0),
    cluster: f.get('cluster') ?? '',
    action: f.get('action') as ApprovalRequest['action'],
    params: JSON.parse(f.get('params') ?? '{}'),
    plan: JSON.parse(f.get('plan') ?? '{}') as Plan,
    planHash: f.get('planHash') ?? '',
    requestedBy: f.get('requestedBy') ?? '',
    channel: f.get('channel') ?? '',
    thread: str('thread'),
    card: str('card'),
    createdAt: Number(f.get('createdAt') ?? 0),
    expiresAt: Number(f.get('expiresAt') ?? 0),
    approvalsNeeded: f.get('approvalsNeeded') === '2' ? 2 : 1,
    selfApproval: f.get('selfApproval') === '1',
    approvals: JSON.parse(f.get('approvals') || '[]'),
    decidedBy: str('decidedBy'),
    decidedAt: num('decidedAt'),
    reason: str('reason'),
    runner: str('runner'),
    startedAt: num('startedAt'),
    finishedAt: num('finishedAt'),
    code: str('code'),
    message: str('message'),
    fingerprintAfter: str('fingerprintAfter'),
    diagnosis: f.get('diagnosis') ? (JSON.parse(f.get('diagnosis') ?? '') as DiagnosisNote) : null,
  };
}

/** The plan as the audit keeps it: title, exact commands, risks, data-losing options, and its hash. */
export function planNote(plan: Plan): PlanNote {
  return {
    summary: plan.summary,
    commands: plan.steps.flatMap((s) => s.display),
    risks: plan.risks.filter((r) => r.kind !== 'none').map((r) => `${r.kind}: ${r.text}`),
    dangerous: [...plan.dangerous],
    planHash: digest(plan),
  };
}

/** Extra facts an event may carry beyond the request's own. */
export interface DraftExtra {
  outcome?: string | null;
  code?: string | null;
  fingerprintAfter?: string | null;
  plan?: PlanNote | null;
  diagnosis?: DiagnosisNote | null;
  step?: StepNote | null;
}

/** What an audit entry is about: a request, or a break-glass run shaped like one. */
export type AuditSubject = Pick<
  ApprovalRequest,
  'id' | 'cluster' | 'channel' | 'thread' | 'action' | 'params' | 'plan'
>;

/** Drafts the audit entry of `event` on `req` by `actor`. The plan itself is written once, at `requested`. */
export function draftFor(
  req: AuditSubject,
  event: AuditEventName,
  actor: string,
  extra: DraftExtra = {},
): AuditDraft {
  return {
    event,
    requestId: req.id,
    actor,
    cluster: req.cluster,
    channel: req.channel,
    thread: req.thread,
    action: req.action,
    params: req.params,
    plan: extra.plan ?? null,
    fingerprintBefore: req.plan.fingerprint,
    fingerprintAfter: extra.fingerprintAfter ?? null,
    outcome: extra.outcome ?? null,
    code: extra.code ?? null,
    diagnosis: extra.diagnosis ?? null,
    step: extra.step ?? null,
  };
}

/** An audit draft about no stored request (a refused request, an unknown id). */
export function emptyDraft(event: AuditEventName, actor: string, requestId: string | null): AuditDraft {
  return {
    event,
    requestId,
    actor,
    cluster: null,
    channel: null,
    thread: null,
    action: null,
    params: null,
    plan: null,
    fingerprintBefore: null,
    fingerprintAfter: null,
    outcome: null,
    code: null,
    diagnosis: null,
    step: null,
  };
}
