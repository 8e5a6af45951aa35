/**
 * The remediation contract: what a plan is (plain JSON: steps with exact commands, preconditions, risks,
 * the expected end state and the fingerprint it was computed from), what a planner takes, and what an
 * executor reports. Pure types; no I/O. A plan never holds a password.
 */
import type { ClusterModel } from '../cluster/model-types.ts';
import type { ClusterSnapshot, NodeObservation, SlotRange } from '../cluster/types.ts';
import type {
  ActionName,
  ActionParams,
  DangerousOption,
  Diagnosis,
  RecommendedAction,
  RootCauseCode,
} from '../diagnose/types.ts';
import type { ActionErrorCode } from './errors.ts';

export type { ActionName, ActionParams, DangerousOption } from '../diagnose/types.ts';

/** A node a step talks to: its id when it has one, and its announced "ip:port" (natMap is applied at run time). */
export interface NodeRef {
  id: string | null;
  address: string;
}

/** Something the executor can check against a node's own answers; used to wait, and to skip done work. */
export type Condition =
  /** The node reports itself in this role (INFO replication / its myself line); `of` = its master's id. */
  | { kind: 'role'; node: NodeRef; role: 'master' | 'replica'; of?: string }
  /** Every reachable node lists `node` as a master owning `slots` (all of them when omitted). */
  | { kind: 'agreed-master'; node: NodeRef; slots?: SlotRange[] }
  /** Every reachable node lists `node` at its address without handshake/noaddr, and `node` lists every one of them. */
  | { kind: 'known-by-all'; node: NodeRef }
  /**
   * The replica's master_link_status is up and it is not syncing. With `orMaster`, a node that reports
   * itself master holds too (a node that may or may not have turned replica: wait out its sync, if any).
   */
  | { kind: 'replica-synced'; node: NodeRef; orMaster?: boolean }
  /** Every reachable node agrees `node` owns no slot. */
  | { kind: 'owns-none'; node: NodeRef }
  /** No reachable node lists the id any more. */
  | { kind: 'forgotten'; id: string; except?: NodeRef[] }
  /** Every reachable node agrees on one owner for each of `slots`, and no node has them open. */
  | { kind: 'slots-settled'; slots: SlotRange[] };

interface StepBase {
  /** Stable within the plan: "s1", "s2", ... */
  id: string;
  /** What the step does, in words. */
  title: string;
  /**
   * What an operator would type to do it by hand, redis-cli syntax, one command per line (with
   * REDISCLI_AUTH="$VAR" and --user when the cluster has credentials; never the password itself).
   */
  display: string[];
  /** What the step waits for before the next one starts, in words (shown under the command). */
  waitsFor?: string;
}

/** One command on one node. `skipIf` already holding means the work is done: skipped with a note. */
export interface CommandStep extends StepBase {
  kind: 'command';
  node: NodeRef;
  argv: string[];
  skipIf?: Condition;
}

/** The same command on several nodes, all started together and finished within `withinMs`. */
export interface FanoutStep extends StepBase {
  kind: 'fanout';
  nodes: NodeRef[];
  argv: string[];
  withinMs: number;
  /** Replies (error text prefixes) that count as "already done" for a node, e.g. "ERR Unknown node". */
  alreadyDone?: string[];
}

/** Polls until `until` holds, or fails the plan after `timeoutMs`. */
export interface WaitStep extends StepBase {
  kind: 'wait';
  until: Condition;
  timeoutMs: number;
  /** Poll interval (default 250 ms). */
  everyMs?: number;
}

/**
 * CLUSTER ADDSLOTSRANGE on `node` (per-slot ADDSLOTS on servers before Redis 7). With `replacing`, the
 * slots still belong to that failed node in the cluster's view: they are taken over in one transaction on
 * `node` (MULTI, DELSLOTSRANGE, ADDSLOTSRANGE, BUMPEPOCH, EXEC), so its claim wins by epoch; only ever
 * planned with the discard-dead-owner-data option.
 */
export interface AssignSlotsStep extends StepBase {
  kind: 'assign-slots';
  node: NodeRef;
  ranges: SlotRange[];
  replacing?: NodeRef;
}

/**
 * Moves `slots` from `source` to `target` with their keys: IMPORTING on the target, MIGRATING on the source
 * (skipped for a slot already open that way), pipelined GETKEYSINSLOT + MIGRATE ... KEYS, then SETSLOT NODE
 * on the target first, the source next, then `otherMasters`. REPLACE only when `replace` is true (an
 * option the user turned on by name).
 */
export interface MoveSlotsStep extends StepBase {
  kind: 'move-slots';
  source: NodeRef;
  target: NodeRef;
  slots: SlotRange[];
  otherMasters: NodeRef[];
  /** Keys per GETKEYSINSLOT/MIGRATE batch. */
  pipeline: number;
  /** MIGRATE timeout, ms. */
  migrateTimeoutMs: number;
  /** Slots migrated concurrently. */
  parallel: number;
  replace: boolean;
}

/**
 * add-node: copies the cluster's Redis 7 function libraries to the new master before it joins, as
 * `redis-cli --cluster add-node` does: FUNCTION LIST on both, FUNCTION DUMP on `source`, FUNCTION RESTORE
 * (never REPLACE or FLUSH) on `target`. Skipped with a note when the source has none, or when the target
 * already holds exactly the same libraries; fails, changing nothing, when the target holds others.
 */
export interface CopyFunctionsStep extends StepBase {
  kind: 'copy-functions';
  source: NodeRef;
  target: NodeRef;
  /** Library names the plan's probe read on `source`; null when it could not read them. */
  libraries: string[] | null;
}

export type PlanStep =
  | CommandStep
  | FanoutStep
  | WaitStep
  | AssignSlotsStep
  | MoveSlotsStep
  | CopyFunctionsStep;
export type StepKind = PlanStep['kind'];

/** A risk in plain words with its numbers ("replica 10.0.0.34 is 1.2 MB behind: promoting it loses those writes"). */
export interface Risk {
  kind: 'data-loss' | 'availability' | 'none';
  text: string;
}

/** A plan: everything needed to show, approve, re-check and execute one action. Plain JSON, no secrets. */
export interface Plan {
  version: 1;
  action: ActionName;
  cluster: string;
  params: ActionParams;
  /** One line for a title. */
  summary: string;
  /** Ordered; empty for advice-only plans (restart-node). */
  steps: PlanStep[];
  /** What must still hold when it runs, in words; re-checked by planning again on a fresh probe. */
  preconditions: string[];
  risks: Risk[];
  /** The end state the executor verifies, in words. */
  expected: string[];
  /** Root causes this plan is meant to remove; the re-diagnosis reports whether they are gone. */
  fixes: RootCauseCode[];
  /** Topology fingerprint of the model the plan was computed from. */
  fingerprint: string;
  /** ISO time the plan was computed. */
  createdAt: string;
  /** False for advice only: nothing to execute, nothing to approve. */
  mutates: boolean;
  /** restart-node and other advice: what to do on the host, and what to verify afterwards. */
  advice?: string[];
  /** Data-losing options this plan uses because the user turned them on. */
  dangerous: DangerousOption[];
}

/** Why a planner will not plan: reasons with numbers, and what to do instead. Nothing was changed. */
export interface Refusal {
  refused: true;
  action: ActionName;
  cluster: string;
  code: ActionErrorCode;
  reasons: string[];
  hint: string;
  /** Safer actions to consider instead, when there are any. */
  alternatives?: RecommendedAction[];
}

/** True for a refusal. */
export function isRefusal(p: Plan | Refusal): p is Refusal {
  return (p as Refusal).refused === true;
}

/** Everything a planner reads. Pure data. */
export interface PlanInput {
  cluster: string;
  snapshot: ClusterSnapshot;
  model: ClusterModel;
  diagnosis: Diagnosis;
  params: ActionParams;
  /** add-node / add-replica: what a probe of the new node found (it is not in the cluster yet). */
  newNode?: NodeObservation;
  /** Announced "ip:port" -> reachable "host:port" (the registry's natMap), for displayed commands. */
  natMap?: Record<string, string>;
  /** The registry's seed addresses (how the probe reaches the cluster), when planning from a registry. */
  seeds?: string[];
  /** Credential names (never values) for displayed commands: the remediation user and env var. */
  auth?: { username?: string; passwordEnv?: string };
  /** ISO time to stamp on the plan. */
  now: string;
}

/** A pure planner: never throws, never does I/O. */
export type Planner = (input: PlanInput) => Plan | Refusal;

/** One action: its name, what it is for, which parameters it takes, and its planner. */
export interface ActionModule {
  name: ActionName;
  /** One sentence: when to use it. */
  description: string;
  /** Parameters it requires / accepts. */
  requires: (keyof ActionParams)[];
  accepts: (keyof ActionParams)[];
  /** True when the planner needs a probe of `params.node` outside the cluster (add-node, add-replica). */
  probesNewNode?: boolean;
  plan: Planner;
}

/** Progress of a running plan, for the terminal, the chat thread and the audit log. */
export type ExecutionEvent =
  | { type: 'preflight'; fingerprint: string; matches: boolean; detail: string }
  | { type: 'step-started'; index: number; total: number; id: string; title: string; display: string[] }
  | {
      type: 'step-progress';
      index: number;
      done: number;
      total: number;
      unit: 'slots' | 'nodes' | 'polls';
      keysMoved?: number;
    }
  | { type: 'step-finished'; index: number; outcome: 'ok' | 'skipped'; note?: string; elapsedMs: number }
  | { type: 'step-failed'; index: number; code: ActionErrorCode; message: string; elapsedMs: number }
  | { type: 'verified'; after: VerifyReport };

/** Receives every event in order; a listener that throws never stops the plan. */
export type ExecutionListener = (event: ExecutionEvent) => void | Promise<void>;

/** What the re-diagnosis after a run found. */
export interface VerifyReport {
  state: Diagnosis['state'];
  fingerprint: string;
  rootCauses: RootCauseCode[];
  /** Every root cause in `plan.fixes` is gone. */
  causeGone: boolean;
  /** The end state in `plan.expected` holds. */
  expectedHolds: boolean;
  /** What remains, in words (findings still critical, causes still present). */
  remaining: string[];
}

/**
 * How a run ended. succeeded: every step done and the re-diagnosis confirms the fix; refused: nothing was
 * changed (fingerprint or plan changed, preconditions failed); failed: stopped at a step; not-confirmed:
 * every step ran but the re-diagnosis does not confirm the fix.
 */
export interface ExecutionResult {
  outcome: 'succeeded' | 'refused' | 'failed' | 'not-confirmed';
  code?: ActionErrorCode;
  message: string;
  stepsDone: number;
  stepsTotal: number;
  /** Index of the step that failed. */
  failedStep?: number;
  fingerprintBefore: string;
  fingerprintAfter?: string;
  after?: VerifyReport;
  /** After a failure: the cluster's state in words, so nothing is silently half-done. */
  clusterState?: string;
  elapsedMs: number;
}
