/** Shared timing helpers for the diagnosis benchmarks: medians and a per-stage breakdown of diagnose(). */
import { topologyFingerprint } from '../src/cluster/fingerprint.ts';
import { buildModel } from '../src/cluster/model.ts';
import type { ClusterSnapshot } from '../src/cluster/types.ts';
import { DEFAULT_OPTIONS, type RuleContext } from '../src/diagnose/context.ts';
import { deriveFacts, effectiveConfig } from '../src/diagnose/facts.ts';
import { lineIndex } from '../src/diagnose/identity.ts';
import { DETECTORS, resolveRootCauses } from '../src/diagnose/root-causes/index.ts';
import { RULES } from '../src/diagnose/rules/index.ts';
import type { Finding } from '../src/diagnose/types.ts';
import { computeState, computeVisibility } from '../src/diagnose/visibility.ts';
import { offlineWarnings } from '../src/diagnose/warnings.ts';

/** Median of a non-empty list (upper median for even lengths); 0 for an empty one. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Runs `fn` once and returns its result with the wall time in ms. */
export function time<T>(fn: () => T): [T, number] {
  const t0 = process.hrtime.bigint();
  const out = fn();
  return [out, Number(process.hrtime.bigint() - t0) / 1e6];
}

/**
 * Times each stage of diagnose() separately over `runs` fresh models: the model, the fingerprint, each
 * rule family (in registry order, so a rule that first builds a shared per-model index pays for it), each
 * root-cause detector on its own, and the whole resolver. The line index the address rules share is timed
 * first on its own, so the rules' figures exclude it. Returns [stage, median ms], slowest first.
 */
export function stageBreakdown(snap: ClusterSnapshot, runs: number): (readonly [string, number])[] {
  const stages = new Map<string, number[]>();
  const add = (k: string, ms: number): void => {
    const list = stages.get(k) ?? [];
    list.push(ms);
    stages.set(k, list);
  };
  for (let i = 0; i < runs; i++) {
    const [model, m] = time(() => buildModel(snap));
    add('model (buildModel)', m);
    add('fingerprint', time(() => topologyFingerprint(model))[1]);
    const [config, c] = time(() => effectiveConfig(snap));
    add('settings (effectiveConfig)', c);
    const [facts, f] = time(() => deriveFacts(model));
    add('facts (deriveFacts)', f);
    const ctx: RuleContext = { snapshot: snap, model, opts: DEFAULT_OPTIONS, config, facts, warn: () => {} };
    // Shared per-model index of every line by the node it is about; timed on its own, then cached.
    add('line index (identity.ts, shared by address rules)', time(() => lineIndex(ctx))[1]);
    const findings: Finding[] = [];
    for (const rule of RULES) add(`rule: ${rule.name}`, time(() => findings.push(...rule.run(ctx)))[1]);
    const causeCtx = { ...ctx, findings };
    for (const d of DETECTORS) add(`cause: ${d.code}`, time(() => d.detect(causeCtx))[1]);
    add('root causes (whole resolver)', time(() => resolveRootCauses(causeCtx))[1]);
    add('state (computeState)', time(() => computeState(snap, model, facts, config, () => {}))[1]);
    add('visibility', time(() => computeVisibility(snap, model))[1]);
    add('warnings (offlineWarnings)', time(() => offlineWarnings(snap, model))[1]);
  }
  return [...stages.entries()].map(([k, v]) => [k, median(v)] as const).sort((a, b) => b[1] - a[1]);
}

/** Prints every stage of at least 1 ms, then how many stages were under 1 ms. */
export function printStages(ranked: readonly (readonly [string, number])[]): void {
  for (const [k, ms] of ranked.filter(([, ms]) => ms >= 1))
    console.log(`stage ${k} median: ${ms.toFixed(1)} ms`);
  console.log(`stages under 1 ms: ${ranked.filter(([, ms]) => ms < 1).length}`);
}
