/**
 * The approval rules, pure: the state machine as data, who may request and who may decide (permission,
 * channel, four eyes, two approvers), and expiry. Every decision is taken here against one read of the
 * request; the Lua scripts re-check the parts that must hold at the instant of the write.
 */
import type { Plan } from '../actions/types.ts';
import { type AccessDenied, checkAccess } from '../config/access.ts';
import type { AccessConfig, ApprovalsConfig } from '../config/schema.ts';
import { actionFlags } from '../diagnose/action-flags.ts';
import { ACTION_NAMES, DANGEROUS_OPTIONS } from '../diagnose/types.ts';
import type { ApprovalErrorCode } from './errors.ts';
import type { Approval, ApprovalRequest, AuditEventName, Refusal, RequestState } from './types.ts';

/**
 * Legal moves. pending -> pending is the first of two approvals; approved -> failed is a job that never
 * started (lost, or the cluster busy): nothing ran.
 */
export const TRANSITIONS: Readonly<Record<RequestState, readonly RequestState[]>> = {
  pending: ['pending', 'approved', 'denied', 'expired', 'cancelled'],
  approved: ['executing', 'failed'],
  executing: ['succeeded', 'failed', 'unknown-outcome'],
  denied: [],
  expired: [],
  cancelled: [],
  succeeded: [],
  failed: [],
  'unknown-outcome': [],
};

/** True when the state machine allows `from` -> `to`. */
export function canMove(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** True for a state nothing leaves. */
export function isFinal(state: RequestState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** Problems with the approvals config that the schema cannot see (it sits below the action names). */
export function checkApprovalsConfig(cfg: ApprovalsConfig): string[] {
  const actions = new Set<string>(ACTION_NAMES);
  const options = new Set<string>(DANGEROUS_OPTIONS);
  return [
    ...cfg.twoApprovers.actions
      .filter((a) => !actions.has(a))
      .map(
        (a) => `approvals.twoApprovers.actions: unknown action "${a}" (known: ${ACTION_NAMES.join(', ')})`,
      ),
    ...cfg.twoApprovers.options
      .filter((o) => !options.has(o))
      .map(
        (o) =>
          `approvals.twoApprovers.options: unknown option "${o}" (known: ${DANGEROUS_OPTIONS.join(', ')})`,
      ),
  ];
}

/** How many distinct approvers `plan` needs: two for the configured actions and data-losing options. */
export function approvalsNeeded(cfg: ApprovalsConfig, plan: Plan): 1 | 2 {
  if (cfg.twoApprovers.actions.includes(plan.action)) return 2;
  return plan.dangerous.some((d) => cfg.twoApprovers.options.includes(d)) ? 2 : 1;
}

/** Who is asking, from where; a null channel is a terminal bound by no channel rule. */
export interface Actor {
  user: string;
  channel: string | null;
}

/** Null when `actor` may request a fix on `cluster`; else why not. */
export function mayRequest(
  access: AccessConfig,
  actor: Actor,
  cluster: string,
  known: string[],
): Refusal | null {
  const denied = checkAccess(access, { ...actor, cluster, permission: 'request', known });
  return denied ? fromAccess(denied, 'request') : null;
}

/** Null when `plan` can be put up for approval; advice-only plans have nothing to approve. */
export function mayPropose(plan: Plan): Refusal | null {
  if (plan.mutates && plan.steps.length > 0) return null;
  return {
    code: 'APPROVAL_NOT_MUTATING',
    message: `The ${plan.action} plan for ${plan.cluster} changes nothing, so there is nothing to approve.`,
    hint: (plan.advice ?? []).join(' ') || 'Follow the plan by hand; it is advice only.',
  };
}

/** Everything a click is judged on. `now` is the queue Redis's clock, read with the request. */
export interface Click extends Actor {
  choice: 'approve' | 'deny';
  now: number;
  access: AccessConfig;
  known: string[];
}

/** What a click does: a move with its audit event, or a refusal (which may also expire the request). */
export type ClickVerdict =
  | { kind: 'move'; to: RequestState; event: AuditEventName; outcome: string; approvals: Approval[] }
  | { kind: 'refuse'; refusal: Refusal; expire: boolean };

/** Judges one Approve or Deny click against one read of the request. Pure and total. */
export function judgeClick(req: ApprovalRequest, click: Click): ClickVerdict {
  if (req.state !== 'pending') return refuse(alreadyDecided(req));
  if (click.now > req.expiresAt) {
    return refuse(
      {
        code: 'APPROVAL_EXPIRED',
        message: `Request ${req.id} expired at ${clock(req.expiresAt)}; nothing was run.`,
        hint: `Ask for a fresh plan: /redis fix ${req.cluster} ${req.action}${paramWords(req)}.`,
      },
      true,
    );
  }
  const isRequester = click.user === req.requestedBy;
  if (click.choice === 'deny' && isRequester) {
    const denied = checkAccess(click.access, { ...click, cluster: req.cluster, permission: null });
    if (denied) return refuse(fromAccess(denied, 'approve'));
    return move('cancelled', 'cancelled', `withdrawn by the requester`, req.approvals);
  }
  const denied = checkAccess(click.access, { ...click, cluster: req.cluster, permission: 'approve' });
  if (denied) return refuse(fromAccess(denied, 'approve'));
  if (click.choice === 'deny') return move('denied', 'denied', 'denied', req.approvals);
  if (isRequester && !req.selfApproval) {
    return refuse({
      code: 'APPROVAL_SELF',
      message: 'You asked for this fix, so someone else must approve it.',
      hint: `Ask another approver to review request ${req.id}.`,
    });
  }
  if (req.approvals.some((a) => a.user === click.user)) {
    return refuse({
      code: 'APPROVAL_SAME_APPROVER',
      message: `You already approved request ${req.id}; it needs a second, different approver.`,
      hint: 'Ask another approver to review it.',
    });
  }
  const approvals = [...req.approvals, { user: click.user, at: click.now }];
  if (approvals.length < req.approvalsNeeded) {
    return move('pending', 'approved', `approval ${approvals.length} of ${req.approvalsNeeded}`, approvals);
  }
  return move('approved', 'approved', `approved (${approvals.length} of ${req.approvalsNeeded})`, approvals);
}

/** "already approved by U1 at ..." and friends: who moved the request out of pending, and when. */
export function alreadyDecided(req: ApprovalRequest): Refusal {
  const by = req.decidedBy ? ` by ${req.decidedBy}` : '';
  const at = req.decidedAt ? ` at ${clock(req.decidedAt)}` : '';
  const what: Record<RequestState, string> = {
    pending: 'is still pending',
    approved: `was already approved${by}${at}`,
    denied: `was denied${by}${at}`,
    expired: `expired${at}`,
    cancelled: `was withdrawn${by}${at}`,
    executing: `was approved${by}${at} and is running now`,
    succeeded: `was approved${by}${at} and has run`,
    failed: `was approved${by}${at} and has failed`,
    'unknown-outcome': `was approved${by}${at}; its run was interrupted`,
  };
  return {
    code: 'APPROVAL_ALREADY_DECIDED',
    message: `Request ${req.id} ${what[req.state]}; your click changed nothing.`,
    hint: 'The card in the thread shows its current state.',
  };
}

/** A time as "2024-05-01 03:12:09 UTC". */
export function clock(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The request's parameters as `/redis fix` words (" --node 10.0.0.1:6379"). */
export function paramWords(req: Pick<ApprovalRequest, 'params'>): string {
  const words = actionFlags(req.params, 'chat');
  return words.length > 0 ? ` ${words.join(' ')}` : '';
}

function fromAccess(denied: AccessDenied, permission: 'request' | 'approve'): Refusal {
  return {
    code: denied.code === 'CHANNEL_NOT_BOUND' ? 'APPROVAL_WRONG_CHANNEL' : 'APPROVAL_NOT_PERMITTED',
    message: denied.code === 'CHANNEL_NOT_BOUND' ? denied.message : `You may not ${permission} fixes.`,
    hint: denied.hint,
  };
}

function refuse(refusal: Refusal, expire = false): ClickVerdict {
  return { kind: 'refuse', refusal, expire };
}

function move(to: RequestState, event: AuditEventName, outcome: string, approvals: Approval[]): ClickVerdict {
  return { kind: 'move', to, event, outcome, approvals };
}

/** The refusal for an id that names no request. */
export function notFound(id: string): Refusal {
  return {
    code: 'APPROVAL_NOT_FOUND',
    message: `There is no fix request "${id.slice(0, 40)}".`,
    hint: 'Request ids look like fx-ab12cd34; the card in the thread shows it.',
  };
}

/** A refusal for a race the script caught after policy passed (another click landed in between). */
export function raced(code: ApprovalErrorCode, req: ApprovalRequest): Refusal {
  if (code === 'APPROVAL_SELF' || code === 'APPROVAL_SAME_APPROVER' || code === 'APPROVAL_EXPIRED') {
    return { code, message: `The approval store refused this click (${code}).`, hint: 'Nothing changed.' };
  }
  return alreadyDecided(req);
}
