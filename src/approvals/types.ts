/**
 * The approval contract: a fix request and its states, the audit entry, and the two ports other rooms
 * plug in (the executor the worker runs, the observer the bot implements to hear about progress).
 * Pure types; no I/O. Nothing here holds a secret: a plan never carries a password.
 */
import type { ActionName, ActionParams, ExecutionEvent, ExecutionResult, Plan } from '../actions/types.ts';
import type { ApprovalErrorCode } from './errors.ts';

/** Every state a request can be in; policy.ts holds the legal moves between them. */
export const REQUEST_STATES = [
  'pending',
  'approved',
  'denied',
  'expired',
  'cancelled',
  'executing',
  'succeeded',
  'failed',
  'unknown-outcome',
] as const;
/** A request's state. */
export type RequestState = (typeof REQUEST_STATES)[number];

/** The states a remediation job ends in (the worker's outcomes). */
export const JOB_OUTCOMES = [
  'succeeded',
  'failed',
  'unknown-outcome',
] as const satisfies readonly RequestState[];

/** One approval given on a request: who, and when (ms since the epoch, the queue Redis's clock). */
export interface Approval {
  user: string;
  at: number;
}

/** A fix request as stored in the queue Redis. Times are ms since the epoch, read from the queue Redis. */
export interface ApprovalRequest {
  /** "fx-" and 8 letters or digits: typed in `approve <id>`, carried by the buttons. */
  id: string;
  state: RequestState;
  /** Bumped by every change; the compare-and-set of each transition checks it. */
  version: number;
  cluster: string;
  action: ActionName;
  params: ActionParams;
  plan: Plan;
  /** sha256 of the canonical plan: what the approvers approved, byte for byte. */
  planHash: string;
  requestedBy: string;
  /** Where it was asked and where its card and progress go. */
  channel: string;
  /** The thread the card and progress are posted in (the card's own ts when it starts the thread). */
  thread: string | null;
  /** The card message (ts), once posted. */
  card: string | null;
  createdAt: number;
  expiresAt: number;
  approvalsNeeded: 1 | 2;
  /** True when the config lets the requester approve their own request on this cluster. */
  selfApproval: boolean;
  approvals: Approval[];
  /** Who moved it out of pending (the last approver, the denier, the canceller, or the clock). */
  decidedBy: string | null;
  decidedAt: number | null;
  reason: string | null;
  /** The worker process that moved it to executing. */
  runner: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  /** Coded outcome (ACTION_* or APPROVAL_*) and its message, once it ran or failed to. */
  code: string | null;
  message: string | null;
  fingerprintAfter: string | null;
  /** Root causes seen when it was requested, for the timeline. */
  diagnosis: DiagnosisNote | null;
}

/** What a diagnosis said, in a line: enough for an incident timeline. */
export interface DiagnosisNote {
  state: string;
  rootCauses: string[];
}

/** Every kind of audit event. */
export const AUDIT_EVENTS = [
  'requested',
  'approved',
  'denied',
  'expired',
  'cancelled',
  'refused',
  'executing',
  'step',
  'succeeded',
  'failed',
  'unknown-outcome',
  'break-glass',
] as const;
/** An audit event's kind. */
export type AuditEventName = (typeof AUDIT_EVENTS)[number];

/** A plan as the audit keeps it: its title and the exact commands, one per line. */
export interface PlanNote {
  summary: string;
  commands: string[];
  risks: string[];
  dangerous: string[];
  planHash: string;
}

/**
 * One audit entry. `seq` counts from 1 with no gap; `ts` is ISO UTC. Absent facts are null, never
 * missing, so the canonical JSON of an entry has one spelling.
 */
export interface AuditEntry {
  seq: number;
  ts: string;
  event: AuditEventName;
  requestId: string | null;
  actor: string;
  cluster: string | null;
  channel: string | null;
  thread: string | null;
  action: string | null;
  params: ActionParams | null;
  plan: PlanNote | null;
  fingerprintBefore: string | null;
  fingerprintAfter: string | null;
  outcome: string | null;
  code: string | null;
  diagnosis: DiagnosisNote | null;
  /** For `step` events: which step ran, its exact commands, and how long it took. */
  step: StepNote | null;
}

/** One executed step as the audit keeps it. */
export interface StepNote {
  /** 1-based. */
  index: number;
  total: number;
  title: string;
  commands: string[];
  elapsedMs: number;
}

/** An entry before the chain numbers and stamps it. */
export type AuditDraft = Omit<AuditEntry, 'seq' | 'ts'>;

/** An entry as read back from the stream: its stream id, the entry, and the hash stored with it. */
export interface StoredEntry {
  id: string;
  entry: AuditEntry;
  hash: string;
  /** The JSON text exactly as stored (what the hash covers). */
  raw: string;
}

/** Runs a plan; the worker's one way to touch a cluster. Never throws for an expected stop. */
export type Executor = (
  plan: Plan,
  listener: (event: ExecutionEvent) => void | Promise<void>,
  signal: AbortSignal,
) => Promise<ExecutionResult>;

/**
 * What the bot hands the worker to hear about a request: every transition and every execution event.
 * Implementations never throw into the worker (a failed chat post must not change an outcome).
 */
export interface FixObserver {
  changed(request: ApprovalRequest, event: AuditEventName): Promise<void>;
  progress(request: ApprovalRequest, event: ExecutionEvent): Promise<void>;
}

/** Series the worker and the requests feed; the ops room turns them into Prometheus metrics. */
export interface ApprovalMetrics {
  /** A request entered `state`. */
  transition(state: RequestState): void;
  /** A job ended with `outcome` (a terminal state) after `seconds`. */
  job(outcome: RequestState, seconds: number): void;
}

/** A refusal worded for the person refused; `code` is stable for logs and the audit. */
export interface Refusal {
  code: ApprovalErrorCode;
  message: string;
  hint: string;
}

/** A new request: the plan and who asked where. */
export interface NewRequest {
  plan: Plan;
  requestedBy: string;
  channel: string;
  thread: string | null;
  ttlMs: number;
  approvalsNeeded: 1 | 2;
  selfApproval: boolean;
  diagnosis: DiagnosisNote | null;
}

/** A decision's result: the request as it now is, or why the click changed nothing (already audited). */
export type Decided =
  | { ok: true; request: ApprovalRequest; event: AuditEventName }
  | { ok: false; refusal: Refusal; request: ApprovalRequest | null; expired?: boolean };

/** How a run ended, as the worker reports it. */
export interface RunResult {
  code: string | null;
  message: string;
  fingerprintAfter: string | null;
  /** What the re-diagnosis found (for the timeline). */
  after: DiagnosisNote | null;
}

/** A move's result: the request after it, or the code the script stopped on (and its detail). */
export type Moved =
  | { ok: true; request: ApprovalRequest }
  | { ok: false; code: ApprovalErrorCode; detail: string; request: ApprovalRequest | null };
