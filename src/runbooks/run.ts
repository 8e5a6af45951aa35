/**
 * Runs a runbook over a diagnosis (pure steps, reported one by one), and the whole live flow for one
 * cluster: probe → diagnose → select runbook → steps. The probe (and with it the Redis client) is loaded
 * only when runLive is called, so diagnosing a paste never loads it.
 */
import { buildModel } from '../cluster/model.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import type { ClusterConfig } from '../config/schema.ts';
import { boundStep } from '../diagnose/bound.ts';
import { diagnoseWithModel } from '../diagnose/diagnose.ts';
import type { ProbeOptions } from '../diagnose/probe/probe.ts';
import type { Diagnosis, StepResult } from '../diagnose/types.ts';
import { withCliAuth } from './common.ts';
import { getRunbook, selectRunbook } from './registry.ts';
import type { RunbookContext, RunbookName, RunbookStep, StepListener } from './types.ts';

export interface RunOptions {
  runbook?: RunbookName;
  onStep?: StepListener;
  /** Called once the snapshot is diagnosed and the runbook chosen, before the first step. */
  onSelected?: (runbook: RunbookName, snapshot: ClusterSnapshot, diagnosis: Diagnosis) => void;
}

export interface LiveResult {
  snapshot: ClusterSnapshot;
  diagnosis: Diagnosis;
  runbook: RunbookName;
}

/** Runs one step; a step that throws becomes a skipped step saying so. */
function runOne(step: RunbookStep, ctx: RunbookContext): StepResult {
  try {
    return boundStep(step.run(ctx));
  } catch (err) {
    return {
      id: step.id,
      title: step.title,
      command: '',
      evidence: [],
      verdict: 'skipped',
      skippedReason: `this step failed internally (${err instanceof Error ? err.message : String(err)})`,
      meaning: 'The other steps are unaffected.',
    };
  }
}

/** Runs every step of runbook `name` over `ctx` at once (pure, synchronous). */
export function runStepsSync(ctx: RunbookContext, name: RunbookName): StepResult[] {
  return (getRunbook(name)?.steps ?? []).map((step) => runOne(step, ctx));
}

/** Diagnoses a snapshot and attaches the fitting runbook's steps, building the model once. Never throws. */
export function diagnoseWithSteps(snapshot: ClusterSnapshot): Diagnosis {
  const { diagnosis, model } = diagnoseWithModel(snapshot);
  try {
    const ctx = { snapshot, model: model ?? buildModel(snapshot), diagnosis };
    diagnosis.steps = runStepsSync(ctx, selectRunbook(diagnosis));
  } catch {
    diagnosis.warnings.push(
      'The runbook steps could not be produced for this input; the diagnosis above stands.',
    );
  }
  return diagnosis;
}

/**
 * Runs the runbook's steps in order over `ctx`, awaiting `onStep` after each; a listener that throws is
 * ignored. Returns every result.
 */
export async function runSteps(
  ctx: RunbookContext,
  name: RunbookName,
  onStep?: StepListener,
): Promise<StepResult[]> {
  const steps = getRunbook(name)?.steps ?? [];
  const out: StepResult[] = [];
  for (const [i, step] of steps.entries()) {
    const result = runOne(step, ctx);
    out.push(result);
    if (onStep) {
      try {
        await onStep(result, i, steps.length);
      } catch {
        // A transport that cannot post a step must not stop the runbook.
      }
    }
  }
  return out;
}

/** Diagnoses a snapshot and runs the chosen (or fitting) runbook over it; sets `diagnosis.steps`. */
export async function diagnoseSnapshot(
  snapshot: ClusterSnapshot,
  opts: RunOptions & { auth?: RunbookContext['auth'] } = {},
): Promise<{ diagnosis: Diagnosis; runbook: RunbookName }> {
  const { diagnosis, model: built } = diagnoseWithModel(snapshot);
  const model = built ?? buildModel(snapshot);
  const runbook = opts.runbook ?? selectRunbook(diagnosis);
  opts.onSelected?.(runbook, snapshot, diagnosis);
  if (opts.auth) {
    for (const cause of diagnosis.rootCauses) {
      cause.actions = cause.actions.map((a) => ({
        ...a,
        target: withCliAuth(a.target, opts.auth),
        why: withCliAuth(a.why, opts.auth),
      }));
    }
  }
  const ctx: RunbookContext = { snapshot, model, diagnosis, ...(opts.auth ? { auth: opts.auth } : {}) };
  diagnosis.steps = await runSteps(ctx, runbook, opts.onStep);
  return { diagnosis, runbook };
}

/**
 * Probes `cluster` live, diagnoses it and runs the runbook step by step. Throws only config errors.
 * `probed`: the probe of `cluster`, already started by a caller that loads this module while it runs.
 */
export async function runLive(
  cluster: ClusterConfig,
  opts: RunOptions & { probe?: ProbeOptions; probed?: Promise<ClusterSnapshot> } = {},
): Promise<LiveResult> {
  const snapshot = await (opts.probed ??
    import('../diagnose/probe/probe.ts').then(({ probeCluster }) => probeCluster(cluster, opts.probe)));
  const auth = {
    ...(cluster.username ? { username: cluster.username } : {}),
    ...(cluster.passwordEnv ? { passwordEnv: cluster.passwordEnv } : {}),
  };
  const { diagnosis, runbook } = await diagnoseSnapshot(snapshot, { ...opts, auth });
  return { snapshot, diagnosis, runbook };
}
