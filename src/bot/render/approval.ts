/**
 * Fix requests as messages: the card (commands, risks, fingerprint, who asked, expiry, Approve/Deny with
 * confirm dialogs), its later states (no buttons once decided; who decided and when), progress and the
 * outcome in the thread, and the "Request fix" buttons under a verdict. Pure. Approve and Deny carry
 * only the request id. A "Request fix" button carries its cluster, action and parameters (addresses, ids,
 * slot ranges: never a secret), not a stored id: any replica can answer it, nothing is written before
 * someone clicks, and a verdict still renders while the queue Redis is down. The value is untrusted on
 * the way back: read field by field, then access is checked and the plan is made afresh.
 */
import { clock, paramWords } from '../../approvals/policy.ts';
import type { ApprovalRequest, AuditEntry } from '../../approvals/types.ts';
import {
  ACTION_NAMES,
  type ActionName,
  type ActionParams,
  DANGEROUS_OPTIONS,
  type Diagnosis,
} from '../../diagnose/types.ts';
import type { BotMessage, MessageButton, MessageField, Tone } from '../message.ts';
import { planMessage } from './plan.ts';

/** Stable action id of the Approve button (its value: a request id). */
export const ACTION_REMEDIATION_APPROVE = 'remediation_approve';
/** Stable action id of the Deny button (its value: a request id). */
export const ACTION_REMEDIATION_DENY = 'remediation_deny';
/** Stable action id of a Request fix button (its value: `v1:` and cluster, action and params as JSON). */
export const ACTION_REQUEST_FIX = 'request_fix';

const STATE_WORDS: Record<ApprovalRequest['state'], { title: string; tone: Tone }> = {
  pending: { title: 'Fix requested', tone: 'warning' },
  approved: { title: 'Fix approved, queued', tone: 'running' },
  denied: { title: 'Fix denied', tone: 'skipped' },
  expired: { title: 'Fix request expired', tone: 'skipped' },
  cancelled: { title: 'Fix request withdrawn', tone: 'skipped' },
  executing: { title: 'Fix running', tone: 'running' },
  succeeded: { title: 'Fix done', tone: 'ok' },
  failed: { title: 'Fix failed', tone: 'problem' },
  'unknown-outcome': { title: 'Fix interrupted: outcome unknown', tone: 'critical' },
};

/** The card of a request in its current state. */
export function approvalCard(req: ApprovalRequest): BotMessage {
  const words = STATE_WORDS[req.state];
  const title = `${words.title}: ${req.action} on ${req.cluster}`;
  const fields: MessageField[] = [
    { label: 'Request', value: req.id },
    { label: 'State', value: stateLine(req) },
    { label: 'Fingerprint', value: req.plan.fingerprint.slice(0, 16) },
  ];
  if (req.state === 'pending') fields.push({ label: 'Expires', value: clock(req.expiresAt) });
  if (req.state === 'expired') fields.push({ label: 'Expired', value: clock(req.expiresAt) });
  if (req.state !== 'pending' || req.approvals.length > 0) fields.push(...deciders(req));
  // The plan reads as it does everywhere (exact commands, risks, data-losing options, re-checks, end state).
  const sections = planMessage(req.plan).sections ?? [];
  const pending = req.state === 'pending';
  const need = req.approvalsNeeded - req.approvals.length;
  return {
    tone: words.tone,
    title,
    text: req.plan.summary,
    fields,
    sections,
    ...(pending ? { buttons: decisionButtons(req) } : {}),
    notes: [
      ...(pending && need > 0
        ? [
            `Needs ${need === 2 ? 'two different approvers' : 'one approver'}${req.selfApproval ? ' (the requester may be one: self-approval is allowed on this cluster)' : ' other than the requester'}.`,
          ]
        : []),
      'Before running, the bot re-reads the cluster: if its topology changed since this plan, nothing runs.',
    ],
    requestedBy: req.requestedBy,
    fallback: `${title} (${req.id}, ${req.state})`,
  };
}

function stateLine(req: ApprovalRequest): string {
  if (req.state === 'pending') return `pending: ${req.approvals.length} of ${req.approvalsNeeded} approvals`;
  if (req.code && req.state !== 'succeeded') return `${req.state} (${req.code})`;
  return req.state;
}

function deciders(req: ApprovalRequest): MessageField[] {
  const out: MessageField[] = req.approvals.map((a, i) => ({
    label: `Approved${req.approvalsNeeded > 1 ? ` (${i + 1})` : ''} ${clock(a.at)} by`,
    value: a.user,
    user: true,
  }));
  if (req.state === 'denied' || req.state === 'cancelled') {
    const what = req.state === 'denied' ? 'Denied' : 'Withdrawn';
    out.push({
      label: `${what} ${req.decidedAt ? clock(req.decidedAt) : ''} by`.trim(),
      value: req.decidedBy ?? '?',
      user: true,
    });
    if (req.reason) out.push({ label: 'Reason', value: req.reason });
  }
  return out;
}

function decisionButtons(req: ApprovalRequest): MessageButton[] {
  const n = req.plan.steps.length;
  const dangerous = req.plan.dangerous.length > 0 ? ` It turns on ${req.plan.dangerous.join(', ')}.` : '';
  return [
    {
      actionId: ACTION_REMEDIATION_APPROVE,
      label: 'Approve',
      value: req.id,
      style: 'primary',
      confirm: {
        title: `Approve ${req.action}?`,
        text: `This runs ${n} step${n === 1 ? '' : 's'} on ${req.cluster} once the approvals are in.${dangerous}`,
        confirm: 'Approve',
        deny: 'Cancel',
      },
    },
    {
      actionId: ACTION_REMEDIATION_DENY,
      label: 'Deny',
      value: req.id,
      style: 'danger',
      confirm: { title: 'Deny this fix?', text: 'Nothing will run.', confirm: 'Deny', deny: 'Cancel' },
    },
  ];
}

/** The outcome posted in the thread, naming the approvers. */
export function outcomeMessage(req: ApprovalRequest): BotMessage {
  const words = STATE_WORDS[req.state];
  const approvers = req.approvals.map((a) => a.user);
  const title = `${words.title}: ${req.action} on ${req.cluster} (${req.id})`;
  const text = req.message ?? words.title;
  const fields: MessageField[] = approvers.map((u, i) => ({
    label: `Approver${approvers.length > 1 ? ` ${i + 1}` : ''}`,
    value: u,
    user: true,
  }));
  if (req.fingerprintAfter)
    fields.push({ label: 'Fingerprint now', value: req.fingerprintAfter.slice(0, 16) });
  const notes: string[] = [];
  if (req.state === 'unknown-outcome')
    notes.push('It will not run again. A fresh diagnosis follows in this thread.');
  if (req.code === 'ACTION_FINGERPRINT_CHANGED')
    notes.push('Nothing ran. Ask for a fresh plan with the button below, or /redis fix again.');
  const again =
    req.state === 'failed' || req.state === 'unknown-outcome'
      ? requestFixButton(req.cluster, req.action, req.params, 'Request a fresh plan')
      : null;
  return {
    tone: words.tone,
    title,
    text,
    fields,
    ...(again ? { buttons: [again] } : {}),
    notes,
    fallback: `${title}: ${text}`,
  };
}

/** A one-line progress note for the thread. */
export function progressLine(text: string, tone: Tone = 'running'): BotMessage {
  return { tone, text, fallback: text };
}

/** "Request fix" buttons for the recommended actions of a diagnosis that have parameters (at most 5). */
export function requestFixButtons(d: Diagnosis, cluster: string): MessageButton[] {
  const out: MessageButton[] = [];
  const seen = new Set<string>();
  for (const a of d.rootCauses.flatMap((rc) => rc.actions)) {
    if (!a.params || a.action === 'restart-node') continue;
    const button = requestFixButton(
      cluster,
      a.action,
      a.params,
      `Request fix: ${a.action} ${a.params.node ?? a.params.slotRanges ?? ''}`.trim(),
    );
    if (button && !seen.has(button.value)) {
      seen.add(button.value);
      out.push(button);
    }
    if (out.length >= 5) break;
  }
  return out;
}

/** A button asking for a plan of `action`; null when its value would not fit Slack's 2000 characters. */
export function requestFixButton(
  cluster: string,
  action: ActionName,
  params: ActionParams,
  label: string,
): MessageButton | null {
  const value = `v1:${JSON.stringify({ c: cluster, a: action, p: params })}`;
  if (value.length > 2000) return null;
  return { actionId: ACTION_REQUEST_FIX, label: label.slice(0, 75), value };
}

/** Reads a "Request fix" value back; null for anything malformed (it came from a client). */
export function readRequestFix(
  value: string,
): { cluster: string; action: ActionName; params: ActionParams } | null {
  if (!value.startsWith('v1:') || value.length > 2000) return null;
  let raw: { c?: unknown; a?: unknown; p?: Record<string, unknown> };
  try {
    raw = JSON.parse(value.slice(3));
  } catch {
    return null;
  }
  const action = ACTION_NAMES.find((n) => n === raw.a);
  if (typeof raw.c !== 'string' || !action || typeof raw.p !== 'object' || raw.p === null) return null;
  const p = raw.p;
  const params: ActionParams = {};
  for (const k of ['node', 'master', 'from', 'to', 'slotRanges'] as const) {
    if (typeof p[k] === 'string' && (p[k] as string).length <= 200) params[k] = p[k] as string;
  }
  if (typeof p.slots === 'number' && Number.isInteger(p.slots)) params.slots = p.slots;
  if (Array.isArray(p.allow))
    params.allow = DANGEROUS_OPTIONS.filter((o) => (p.allow as unknown[]).includes(o));
  return { cluster: raw.c, action, params };
}

/** Recent audit entries, one line each, oldest first. */
export function auditMessage(entries: AuditEntry[], scope: string): BotMessage {
  const title = `Audit: last ${entries.length} event${entries.length === 1 ? '' : 's'} (${scope})`;
  if (entries.length === 0)
    return { tone: 'info', text: `No audit events yet (${scope}).`, fallback: `No audit events (${scope}).` };
  const lines = entries.map((e) => {
    const what = [e.action, e.requestId].filter(Boolean).join(' ');
    const step = e.step ? ` step ${e.step.index}/${e.step.total} ${e.step.title}` : '';
    return `${e.ts.slice(0, 19).replace('T', ' ')}  #${e.seq} ${e.event} by ${e.actor}${e.cluster ? ` on ${e.cluster}` : ''}${what ? ` (${what})` : ''}${step}${e.outcome ? `: ${e.outcome}` : ''}${e.code ? ` [${e.code}]` : ''}`;
  });
  return {
    tone: 'info',
    title,
    sections: [{ lines, style: 'verbatim', spill: true }],
    notes: [
      'redis-runbook audit verify checks the whole hash chain; redis-runbook audit export writes a timeline.',
    ],
    fallback: title,
  };
}

/** The `/redis fix` words that would ask for the same plan again. */
export function fixCommand(req: Pick<ApprovalRequest, 'cluster' | 'action' | 'params'>): string {
  return `/redis fix ${req.cluster} ${req.action}${paramWords(req)}`;
}
