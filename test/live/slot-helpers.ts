/**
 * Plan and run slot actions on a dev cluster with room for the probe's key counts: it stops counting keys
 * in unserved slots after 1 s, and this machine runs many clusters at once (a count cut short is refused,
 * as planned: see test/actions/plan-coverage.test.ts).
 */
import { type ExecuteOptions, executePlan, planAction } from '../../src/actions/service.ts';
import type { ExecutionEvent, ExecutionResult, Plan, Refusal } from '../../src/actions/types.ts';
import type { DevCluster } from '../../src/devcluster/index.ts';
import { runScenario, type ScenarioName, type ScenarioResult } from '../../src/devcluster/scenarios.ts';
import type { ActionParams } from '../../src/diagnose/types.ts';
import { configOf, optsOf } from './action-helpers.ts';

/** Loopback-only options with the password and a roomy key-count budget. */
export function slotOpts(c: DevCluster): ExecuteOptions {
  const base = optsOf(c);
  return { ...base, probe: { ...base.probe, keyCount: { timeMs: 20_000 } } };
}

/** Plans `action`: the plan or the refusal. */
export async function planSlots(
  c: DevCluster,
  action: string,
  params: ActionParams,
): Promise<Plan | Refusal> {
  const r = await planAction(configOf(c), action, params, slotOpts(c));
  return 'plan' in r ? r.plan : r.refusal;
}

/** Plans `action`; fails the test with the reasons when it refuses. */
export async function mustPlanSlots(c: DevCluster, action: string, params: ActionParams = {}): Promise<Plan> {
  const p = await planSlots(c, action, params);
  if ('refused' in p) throw new Error(`${action} refused: ${p.reasons.join('; ')}`);
  return p;
}

/** Plans `action` and expects a refusal. */
export async function mustRefuseSlots(
  c: DevCluster,
  action: string,
  params: ActionParams = {},
): Promise<Refusal> {
  const p = await planSlots(c, action, params);
  if (!('refused' in p)) throw new Error(`${action} planned: ${p.summary}`);
  return p;
}

/** Runs a plan, collecting its events; records how long it took under `label`. */
export async function runSlots(
  c: DevCluster,
  plan: Plan,
  label: string,
  timings: Record<string, number>,
): Promise<{ result: ExecutionResult; events: ExecutionEvent[] }> {
  const events: ExecutionEvent[] = [];
  const result = await executePlan(configOf(c), plan, {
    ...slotOpts(c),
    listener: (e) => void events.push(e),
  });
  timings[label] = result.elapsedMs;
  return { result, events };
}

/** Builds and breaks scenario `name`, runs `fn` on it, and stops its cluster whatever happens. */
export async function withScenario(
  name: ScenarioName,
  fn: (s: ScenarioResult) => Promise<void>,
): Promise<void> {
  const s = await runScenario(name);
  try {
    await fn(s);
  } finally {
    await s.cluster.stop();
  }
}
