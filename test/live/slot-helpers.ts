/**
 * Plan and run slot actions on a dev cluster with room for the probe's key counts: it stops counting keys
 * in unserved slots after 1 s, and this machine runs many clusters at once (a count cut short is refused,
 * as planned: see test/actions/plan-coverage.test.ts).
 */
import { type ExecuteOptions, executePlan, planAction } from '../../src/actions/service.ts';
import type { ExecutionEvent, ExecutionResult, Plan, Refusal } from '../../src/actions/types.ts';
import { type DevCluster, type DevNode, keySlot } from '../../src/devcluster/index.ts';
import { keysInRanges, ownSlots } from '../../src/devcluster/scenario-kit.ts';
import { waitPromoted, waitState } from '../../src/devcluster/scenario-waits.ts';
import { runScenario, type ScenarioName, type ScenarioResult } from '../../src/devcluster/scenarios.ts';
import type { ActionParams } from '../../src/diagnose/types.ts';
import { configOf, optsOf, waitCaughtUp } from './action-helpers.ts';

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

/**
 * A migration whose source failed over (cluster of 3 masters with a replica each): one slot of node 0
 * open towards node 1 with 10 keys, 4 of them moved, then node 0 killed and its replica node 3 promoted.
 * `auth` goes into the MIGRATE (["AUTH2", user, pw] on a cluster with credentials).
 */
export async function migrationWithFailedSource(
  c: DevCluster,
  auth: string[] = [],
): Promise<{ source: DevNode; target: DevNode; heir: DevNode; slot: number; keys: string[] }> {
  const [source, target, heir] = [c.node(0), c.node(1), c.node(3)];
  const tagged = keysInRanges('heir', await ownSlots(c, source), 1)[0]!;
  const tag = tagged.slice(tagged.indexOf('{') + 1, tagged.indexOf('}'));
  const slot = keySlot(tagged);
  const keys = Array.from({ length: 10 }, (_, i) => `item:{${tag}}:${i}`);
  for (const k of keys) await c.cli(source, 'SET', k, `value-of-${k}`);
  await c.cli(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
  await c.cli(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
  await c.cli(source, 'MIGRATE', target.host, target.port, '', 0, 5000, ...auth, 'KEYS', ...keys.slice(0, 4));
  await waitCaughtUp(c, heir, source);
  await c.kill(source);
  await waitPromoted(c, heir);
  await waitState(c, 'fail', [target]);
  return { source, target, heir, slot, keys };
}
