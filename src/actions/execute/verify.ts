/**
 * The checks around a run. Before: a fresh probe (diagnosis credentials), the fingerprint must equal the
 * plan's, and planning again with the same parameters must give the same steps; otherwise the run is
 * refused and nothing is changed. After: diagnose again (until it settles, bounded) and report whether the
 * root causes the plan was for are gone, whether its end state holds, and what remains.
 */
import type { ClusterConfig } from '../../config/schema.ts';
import type { ActionErrorCode } from '../errors.ts';
import {
  isRefusal,
  type Plan,
  type PlanInput,
  type PlanStep,
  type Refusal,
  type VerifyReport,
} from '../types.ts';
import { checkCondition } from './conditions.ts';
import { type Observation, type ObserveOptions, observe } from './observe.ts';
import type { RunSessions } from './run.ts';
import { remediationAuth } from './session.ts';

/** The pure input of a planner from an observation. */
export function planInput(
  cluster: ClusterConfig,
  o: Observation,
  params: Plan['params'],
  now: string,
): PlanInput {
  return {
    cluster: cluster.name,
    snapshot: o.snapshot,
    model: o.model,
    diagnosis: o.diagnosis,
    params,
    ...(o.newNode ? { newNode: o.newNode } : {}),
    ...(cluster.natMap ? { natMap: cluster.natMap } : {}),
    seeds: [...cluster.seeds],
    auth: remediationAuth(cluster),
    now,
  };
}

/** Steps without their wording: what a re-plan must reproduce exactly for the run to go ahead. */
export function stepShape(steps: readonly PlanStep[]): string {
  return JSON.stringify(steps.map(({ title: _t, display: _d, waitsFor: _w, ...rest }) => rest));
}

/** Whether a plan may run now, and the fresh observation that decided it. */
export type Preflight =
  | { ok: true; observation: Observation; detail: string }
  | { ok: false; code: ActionErrorCode; message: string; observation?: Observation };

/**
 * Re-reads the cluster and decides whether `plan` may run: same fingerprint, and the same steps when
 * planned again now. `replan` is the registry's makePlan.
 */
export async function preflight(
  cluster: ClusterConfig,
  plan: Plan,
  replan: (input: PlanInput) => Plan | Refusal,
  opts: ObserveOptions & { probesNewNode?: boolean; now: string },
): Promise<Preflight> {
  const observation = await observe(
    cluster,
    { probesNewNode: opts.probesNewNode ?? false },
    plan.params,
    opts,
  );
  const now = observation.diagnosis.fingerprint;
  if (now !== plan.fingerprint) {
    return {
      ok: false,
      code: 'ACTION_FINGERPRINT_CHANGED',
      message: `The cluster changed since the plan was made (topology fingerprint ${plan.fingerprint.slice(0, 12)} then, ${now.slice(0, 12)} now): nothing was run. Plan again and review the new plan.`,
      observation,
    };
  }
  const again = replan(planInput(cluster, observation, plan.params, opts.now));
  if (isRefusal(again)) {
    return {
      ok: false,
      code: again.code,
      message: `Planned again just now, ${plan.action} is refused: ${again.reasons.join('; ')}. Nothing was run. ${again.hint}`,
      observation,
    };
  }
  if (stepShape(again.steps) !== stepShape(plan.steps)) {
    return {
      ok: false,
      code: 'ACTION_PLAN_CHANGED',
      message: `Planned again just now, ${plan.action} gives different steps (${again.steps.map((s) => s.display[0] ?? s.title).join(' | ')}): nothing was run. Review the new plan.`,
      observation,
    };
  }
  return { ok: true, observation, detail: `fingerprint ${now.slice(0, 12)} unchanged; the plan is the same` };
}

/** Addresses and ids the plan's steps act on, to match root causes against. */
function touched(plan: Plan, o: Observation): string[] {
  const refs = plan.steps.flatMap((s) =>
    s.kind === 'command' || s.kind === 'assign-slots'
      ? [s.node]
      : s.kind === 'fanout'
        ? s.nodes
        : s.kind === 'move-slots' || s.kind === 'copy-functions'
          ? [s.source, s.target]
          : 'node' in s.until
            ? [s.until.node]
            : [],
  );
  const out = new Set<string>();
  for (const r of refs) {
    out.add(r.address);
    const n = r.id ? o.model.byId.get(r.id) : undefined;
    if (n) out.add(n.label);
  }
  if (plan.params.node) out.add(plan.params.node);
  if (plan.params.master) out.add(plan.params.master);
  return [...out];
}

/** One re-diagnosis judged against the plan. */
async function judge(plan: Plan, o: Observation, sessions: RunSessions): Promise<VerifyReport> {
  const labels = touched(plan, o);
  const still = o.diagnosis.rootCauses.filter(
    (c) => plan.fixes.includes(c.code) && (c.nodes.length === 0 || c.nodes.some((n) => labels.includes(n))),
  );
  const waits = plan.steps.flatMap((s) => (s.kind === 'wait' ? [s.until] : []));
  const checks = await Promise.all(waits.map((w) => checkCondition(w, sessions)));
  const remaining = [
    ...o.diagnosis.rootCauses.filter((c) => c.code !== 'healthy').map((c) => `${c.code}: ${c.summary}`),
    ...checks.filter((c) => !c.holds).map((c) => `end state not reached: ${c.detail}`),
  ];
  return {
    state: o.diagnosis.state,
    fingerprint: o.diagnosis.fingerprint,
    rootCauses: o.diagnosis.rootCauses.map((c) => c.code),
    causeGone: still.length === 0,
    expectedHolds: checks.every((c) => c.holds),
    remaining,
  };
}

/**
 * Diagnoses again after a run until the causes are gone, the end state holds and the cluster reports ok,
 * or `settleMs` has passed; returns the last report. Polls after 100 ms, then backs off to once a second:
 * gossip usually settles within a few hundred milliseconds, and a slow cluster is not probed in a loop.
 */
export async function verifyAfter(
  cluster: ClusterConfig,
  plan: Plan,
  sessions: RunSessions,
  opts: ObserveOptions & { settleMs: number; signal?: AbortSignal },
): Promise<VerifyReport> {
  const until = Date.now() + opts.settleMs;
  for (let pause = 100; ; pause = Math.min(pause * 2, 1000)) {
    const o = await observe(cluster, undefined, plan.params, opts);
    const report = await judge(plan, o, sessions);
    const settled = report.causeGone && report.expectedHolds && report.state === 'ok';
    if (settled || Date.now() >= until || opts.signal?.aborted) return report;
    await new Promise((r) => setTimeout(r, Math.min(pause, Math.max(0, until - Date.now()))));
  }
}

/** The cluster's state in words after a failed run: state, root causes, and what the failure left. */
export async function describeState(cluster: ClusterConfig, opts: ObserveOptions): Promise<string> {
  try {
    const o = await observe(cluster, undefined, {}, opts);
    const causes = o.diagnosis.rootCauses.map((c) => `${c.code}: ${c.summary}`);
    return `cluster_state ${o.diagnosis.state}; ${causes.join(' | ') || 'no root cause named'}`;
  } catch (err) {
    return `could not read the cluster after the failure: ${(err as Error).message}`;
  }
}
