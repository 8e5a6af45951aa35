/** Test helpers: a planner's input from a recorded scenario (test/fixtures/<name>/), with optional edits; plan or refusal. */
import { isRefusal, type Plan, type PlanInput, type Refusal } from '../../src/actions/types.ts';
import { buildModel } from '../../src/cluster/model.ts';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import type { ActionParams } from '../../src/diagnose/types.ts';
import { fixtureSnapshot } from '../runbooks/fixture-snapshot.ts';

/** PlanInput for `params` over the recorded `scenario`; `edit` may change the snapshot first. */
export function fixtureInput(
  scenario: string,
  params: ActionParams = {},
  edit?: (s: ClusterSnapshot) => void,
): PlanInput {
  const snapshot = fixtureSnapshot(scenario);
  edit?.(snapshot);
  return {
    cluster: scenario,
    snapshot,
    model: buildModel(snapshot),
    diagnosis: diagnose(snapshot),
    params,
    now: '2026-12-05T00:00:00.000Z',
  };
}

/** The plan; throws with the reasons when it is a refusal. */
export function asPlan(p: Plan | Refusal): Plan {
  if (isRefusal(p)) throw new Error(`refused: ${p.reasons.join('; ')}`);
  return p;
}

/** The refusal; throws with the summary when it is a plan. */
export function asRefusal(p: Plan | Refusal): Refusal {
  if (!isRefusal(p)) throw new Error(`planned: ${p.summary}`);
  return p;
}
