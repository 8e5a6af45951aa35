/**
 * The one entry other rooms use: `planAction` (fresh probe, then the pure planner) and `executePlan`
 * (re-check the cluster, run the steps, diagnose again). No module-level state: everything a run needs
 * arrives in its arguments, so a queue worker can run plans for several clusters; an AbortSignal stops a
 * run at the next safe point. Results and events are plain JSON and never hold a password.
 */
import { isConfigError } from '../config/errors.ts';
import type { ClusterConfig } from '../config/schema.ts';
import type { ActionParams, Diagnosis } from '../diagnose/types.ts';
import { type ObserveOptions, observe } from './execute/observe.ts';
import { eventSink, runSteps } from './execute/run.ts';
import { missingRunners } from './execute/runners.ts';
import { type SessionOptions, SessionPool } from './execute/session.ts';
import { describeState, planInput, preflight, verifyAfter } from './execute/verify.ts';
import { refuse } from './plan/common.ts';
import { actionModule, makePlan } from './registry.ts';
import type { ExecutionListener, ExecutionResult, Plan, Refusal } from './types.ts';

/** How planAction probes (and the clock it stamps the plan with). */
export interface PlanActionOptions extends ObserveOptions {
  /** Clock for the plan's createdAt (tests). */
  now?: () => Date;
}

/** A plan or a refusal, with the diagnosis of the probe it was computed from (none for an unknown action). */
export type PlanActionResult =
  | { plan: Plan; diagnosis: Diagnosis }
  | { refusal: Refusal; diagnosis?: Diagnosis };

/** Probes `cluster` (and the new node for add-node/add-replica/meet) and plans `name`. Throws only config errors. */
export async function planAction(
  cluster: ClusterConfig,
  name: string,
  params: ActionParams,
  opts: PlanActionOptions = {},
): Promise<PlanActionResult> {
  const module = actionModule(name);
  if (!module) {
    return {
      refusal: refuse(
        { cluster: cluster.name },
        name as Plan['action'],
        'ACTION_UNKNOWN',
        [`there is no action "${name}"`],
        'Run `redis-runbook plan --help` for the actions.',
      ),
    };
  }
  const o = await observe(cluster, module, params, opts);
  const now = (opts.now ?? (() => new Date()))().toISOString();
  const result = makePlan(module.name, planInput(cluster, o, params, now));
  return 'refused' in result
    ? { refusal: result, diagnosis: o.diagnosis }
    : { plan: result, diagnosis: o.diagnosis };
}

/** How executePlan probes, reports progress, stops and waits for the cluster to settle. */
export interface ExecuteOptions extends ObserveOptions {
  /** Receives every event in order; one that throws or hangs never stops the run. */
  listener?: ExecutionListener;
  /** Aborted on shutdown: the run stops before the next step (a wait stops polling). */
  signal?: AbortSignal;
  /** Command timeouts of the run's connections. */
  sessions?: Pick<SessionOptions, 'commandMs' | 'pollMs'>;
  /** How long the re-diagnosis may wait for the cluster to settle, ms (default 15 s). */
  settleMs?: number;
  now?: () => Date;
}

/**
 * Runs an approved plan: refuses (changing nothing) when the cluster changed or the plan now differs,
 * runs the steps once each, stops at the first failure, then diagnoses again. Never throws.
 */
export async function executePlan(
  cluster: ClusterConfig,
  plan: Plan,
  opts: ExecuteOptions = {},
): Promise<ExecutionResult> {
  const started = Date.now();
  const emit = eventSink(opts.listener);
  const signal = opts.signal ?? new AbortController().signal;
  const base = { stepsDone: 0, stepsTotal: plan.steps.length, fingerprintBefore: plan.fingerprint };
  const refused = (code: ExecutionResult['code'], message: string): ExecutionResult => ({
    outcome: 'refused',
    ...(code ? { code } : {}),
    message,
    ...base,
    elapsedMs: Date.now() - started,
  });
  if (plan.cluster !== cluster.name)
    return refused(
      'ACTION_BAD_PARAMS',
      `this plan is for cluster "${plan.cluster}", not "${cluster.name}": nothing was run`,
    );
  const module = actionModule(plan.action);
  if (!module) return refused('ACTION_UNKNOWN', `this build cannot run "${plan.action}": nothing was run`);
  if (!plan.mutates || plan.steps.length === 0) {
    return refused(
      'ACTION_ADVICE_ONLY',
      `${plan.action} is advice only: there is nothing to execute. ${plan.advice?.[0] ?? ''}`.trim(),
    );
  }
  const missing = missingRunners(plan.steps);
  if (missing.length > 0)
    return refused('ACTION_INTERNAL', `no runner for step kind ${missing.join(', ')}: nothing was run`);
  let pool: SessionPool;
  try {
    pool = new SessionPool(cluster, {
      ...opts.sessions,
      ...(opts.env ? { env: opts.env } : {}),
      ...(opts.probe?.allowHost ? { allowHost: opts.probe.allowHost } : {}),
    });
  } catch (err) {
    if (!isConfigError(err))
      return refused(
        'ACTION_INTERNAL',
        `cannot set up the connections: ${(err as Error)?.message ?? String(err)}. Nothing was run.`,
      );
    return refused('ACTION_NOPERM', `no remediation credentials: ${err.message}. Nothing was run.`);
  }
  let stepsStarted = false;
  try {
    const now = (opts.now ?? (() => new Date()))().toISOString();
    const pre = await preflight(cluster, plan, (input) => makePlan(plan.action, input), {
      ...opts,
      probesNewNode: module.probesNewNode ?? false,
      now,
    });
    await emit({
      type: 'preflight',
      fingerprint: pre.observation?.diagnosis.fingerprint ?? plan.fingerprint,
      matches: pre.ok,
      detail: pre.ok ? pre.detail : pre.message,
    });
    if (!pre.ok) return refused(pre.code, pre.message);
    pool.know(
      pre.observation.model.nodes.flatMap((n) =>
        n.ip && n.port > 0 && !n.flags.includes('noaddr') ? [n.label] : [],
      ),
    );
    stepsStarted = true;
    const run = await runSteps(plan, pool, emit, signal);
    if (run.error) {
      const state = await describeState(cluster, opts);
      return {
        outcome: 'failed',
        code: run.error.code,
        message: `Step ${(run.failedStep ?? 0) + 1} of ${plan.steps.length} failed: ${run.error.message}. The steps after it did not run.`,
        ...base,
        stepsDone: run.stepsDone,
        ...(run.failedStep !== undefined ? { failedStep: run.failedStep } : {}),
        clusterState: state,
        elapsedMs: Date.now() - started,
      };
    }
    const after = await verifyAfter(cluster, plan, pool, {
      ...opts,
      settleMs: opts.settleMs ?? 15_000,
      signal,
    });
    await emit({ type: 'verified', after });
    const skipped = run.outcomes.filter((o) => o.outcome === 'skipped').length;
    const done = `${plan.steps.length} step${plan.steps.length === 1 ? '' : 's'} done${skipped > 0 ? ` (${skipped} skipped: already done)` : ''}`;
    const confirmed = after.causeGone && after.expectedHolds;
    return {
      outcome: confirmed ? 'succeeded' : 'not-confirmed',
      ...(confirmed ? {} : { code: 'ACTION_NOT_CONFIRMED' as const }),
      message: confirmed
        ? `${done}; the re-diagnosis confirms it (cluster_state ${after.state}${plan.fixes.length > 0 ? `; ${plan.fixes.join(', ')} gone` : ''}).`
        : `${done}, but the re-diagnosis does not confirm the fix: ${after.remaining.slice(0, 4).join('; ')}`,
      ...base,
      stepsDone: run.stepsDone,
      fingerprintAfter: after.fingerprint,
      after,
      ...(confirmed ? {} : { clusterState: `cluster_state ${after.state}; ${after.remaining.join(' | ')}` }),
      elapsedMs: Date.now() - started,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (!stepsStarted)
      return refused(isConfigError(err) ? 'ACTION_NOPERM' : 'ACTION_INTERNAL', `${message}: nothing was run`);
    return {
      outcome: 'failed',
      code: 'ACTION_INTERNAL',
      message: `unexpected error after the steps started: ${message}`,
      ...base,
      elapsedMs: Date.now() - started,
    };
  } finally {
    pool.close();
  }
}
