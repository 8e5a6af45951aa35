/**
 * The seam between the plan runner and the step runners: what a step may use while it runs (sessions to
 * nodes with the remediation credentials, an event sink, an abort signal). Step runners never open
 * connections themselves and never retry a mutating command.
 */
import type { ActionError } from '../errors.ts';
import type { ExecutionEvent, NodeRef, PlanStep } from '../types.ts';

/** One node's connection, opened with the remediation credentials. */
export interface NodeSession {
  /** The "ip:port" this session reaches (after the natMap). */
  readonly address: string;
  /**
   * Sends one command and resolves with its reply. Rejects with an ActionError whose code classifies the
   * reply (see replies.ts). Never retries.
   */
  call(argv: readonly (string | number)[], timeoutMs?: number): Promise<unknown>;
  /**
   * Like `call`, binary-safe: arguments may be Buffers and bulk replies come back as Buffers (FUNCTION
   * DUMP's payload, which is not text). Optional: a session without it cannot run steps that need it.
   */
  callBuffer?(argv: readonly (string | number | Buffer)[], timeoutMs?: number): Promise<unknown>;
  /**
   * Sends several commands in one pipeline (one write, one round trip) and resolves with each reply or
   * its classified error, in order; rejects only when the pipeline as a whole got no answer in time (then
   * any of them may have run). Never retries. Optional: without it a runner sends the commands one by one.
   * Arguments may be Buffers (key names are bytes); `CLUSTER GETKEYSINSLOT` answers with Buffers, so a key
   * that is not UTF-8 moves byte for byte.
   */
  pipeline?(
    argvs: readonly (readonly (string | number | Buffer)[])[],
    timeoutMs?: number,
  ): Promise<PipelineReply[]>;
}

/** One reply of a pipeline: the value, or the error it got (classified like `call`'s). */
export type PipelineReply = { value: unknown } | { error: ActionError };

/** What a step runner may use. */
export interface ExecContext {
  /** A session to `node` (cached per node for the whole run). */
  session(node: NodeRef): Promise<NodeSession>;
  /** Sessions to every node of the cluster that answers now (for waits and fan-outs). */
  reachableSessions(): Promise<NodeSession[]>;
  /** Emits a progress event for this step (the runner adds nothing; pass the index from `stepIndex`). */
  emit(event: ExecutionEvent): Promise<void>;
  /** Index of the running step in the plan. */
  stepIndex: number;
  /**
   * MIGRATE's own credential arguments for the target (["AUTH2", user, pw], ["AUTH", pw] or []). Holds
   * the password: never log, display or audit it.
   */
  migrateAuth: readonly string[];
  /** Aborted when the run must stop (deadline, shutdown): stop at the next safe point. */
  signal: AbortSignal;
}

/** How a step ended when it did not throw. */
export interface StepOutcome {
  outcome: 'ok' | 'skipped';
  /** Said in the progress report and the audit: why it was skipped, what it did. */
  note?: string;
}

/** Runs one kind of step; throws an ActionError to stop the plan. */
export type StepRunner<S extends PlanStep = PlanStep> = (step: S, ctx: ExecContext) => Promise<StepOutcome>;
