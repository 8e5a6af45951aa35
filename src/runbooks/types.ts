/**
 * The contract between the runbooks and whoever shows them (terminal, Slack): what a runbook is,
 * and the service a transport calls to diagnose a named cluster or a paste.
 */
import type { ClusterModel } from '../cluster/model-types.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import type { Diagnosis, StepResult } from '../diagnose/types.ts';

/** Every runbook's name, in the registry's order (a plain list, so the CLI can show it without loading any runbook). */
export const RUNBOOK_NAMES = ['clusterdown', 'failover', 'resharding', 'health'] as const;

export type RunbookName = (typeof RUNBOOK_NAMES)[number];

export interface RunbookInfo {
  name: RunbookName;
  title: string;
  /** When to use it, in one sentence. */
  description: string;
}

/** Called as each step completes, so a transport can post it at once. */
export type StepListener = (step: StepResult, index: number, total: number) => void | Promise<void>;

export interface DiagnosisService {
  /** Runbooks this build knows. */
  listRunbooks(): RunbookInfo[];
  /** Names of the clusters in the registry. */
  clusterNames(): string[];
  /**
   * Probes the named cluster live and runs `runbook` (or the one that fits the findings when omitted),
   * calling `onStep` after each step. Never throws for an unreachable cluster: that is a diagnosis.
   * Throws a coded error for an unknown cluster name.
   */
  diagnoseCluster(name: string, opts?: { runbook?: RunbookName; onStep?: StepListener }): Promise<Diagnosis>;
  /** Diagnoses pasted text offline. Never throws. */
  diagnosePaste(text: string): Diagnosis;
}

/** What every runbook step reads. Pure data: steps do no I/O. */
export interface RunbookContext {
  snapshot: ClusterSnapshot;
  model: ClusterModel;
  diagnosis: Diagnosis;
  /** How an operator authenticates redis-cli, for the commands shown (names only, never a password). */
  auth?: { username?: string; passwordEnv?: string };
}

/** One step: a pure function of the context that returns what it found. */
export interface RunbookStep {
  id: string;
  title: string;
  run: (ctx: RunbookContext) => StepResult;
}

/** A runbook: its description plus its steps, in order. */
export interface Runbook extends RunbookInfo {
  steps: RunbookStep[];
}
