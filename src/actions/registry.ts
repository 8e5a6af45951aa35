/**
 * Action name -> its module (planner, parameters, description). A new action is one file in plan/ plus
 * one line here. `makePlan` is total: missing or unexpected parameters and a planner that throws come
 * back as refusals, never as exceptions.
 */
import type { ActionName, ActionParams } from '../diagnose/types.ts';
import { addNodeAction, addReplicaAction } from './plan/add.ts';
import { refuse } from './plan/common.ts';
import { fixCoverageAction } from './plan/coverage.ts';
import { delNodeAction } from './plan/del-node.ts';
import { failoverAction, failoverForceAction, failoverTakeoverAction } from './plan/failover.ts';
import { forgetNodeAction } from './plan/forget.ts';
import { meetAction } from './plan/meet.ts';
import { fixOpenSlotAction } from './plan/open-slot.ts';
import { rebalanceAction } from './plan/rebalance.ts';
import { reshardAction } from './plan/reshard.ts';
import { restartNodeAction } from './plan/restart.ts';
import type { ActionModule, Plan, PlanInput, Refusal } from './types.ts';

const MODULES: ActionModule[] = [
  failoverAction,
  failoverForceAction,
  failoverTakeoverAction,
  addNodeAction,
  addReplicaAction,
  forgetNodeAction,
  meetAction,
  restartNodeAction,
  fixCoverageAction,
  fixOpenSlotAction,
  reshardAction,
  rebalanceAction,
  delNodeAction,
];

/** Every action this build can plan, by name. */
export const ACTIONS: ReadonlyMap<ActionName, ActionModule> = new Map(MODULES.map((m) => [m.name, m]));

/** The module of `name`, or undefined when this build cannot plan it. */
export function actionModule(name: string): ActionModule | undefined {
  return ACTIONS.get(name as ActionName);
}

/** Every action module, in registration order. */
export function listActions(): ActionModule[] {
  return [...ACTIONS.values()];
}

const PARAM_FLAGS: Record<keyof ActionParams, string> = {
  node: '--node',
  master: '--master',
  from: '--from',
  to: '--to',
  slots: '--slots',
  slotRanges: '--slot-ranges',
  weights: '--weight',
  threshold: '--threshold',
  useEmptyMasters: '--use-empty-masters',
  allow: 'the data-losing option flags',
};

/** Plans `name` over `input`; a refusal for an unknown action, bad parameters or an internal error. */
export function makePlan(name: ActionName, input: PlanInput): Plan | Refusal {
  const module = ACTIONS.get(name);
  if (!module) {
    return refuse(
      input,
      name,
      'ACTION_UNKNOWN',
      [`this build cannot plan "${name}"`],
      `Known actions: ${[...ACTIONS.keys()].join(', ')}.`,
    );
  }
  const given = (Object.keys(input.params) as (keyof ActionParams)[]).filter(
    (k) => input.params[k] !== undefined && !(k === 'allow' && input.params.allow?.length === 0),
  );
  const missing = module.requires.filter((k) => input.params[k] === undefined);
  const unexpected = given.filter((k) => !module.requires.includes(k) && !module.accepts.includes(k));
  if (missing.length > 0 || unexpected.length > 0) {
    const reasons = [
      ...missing.map((k) => `${name} needs ${PARAM_FLAGS[k]}`),
      ...unexpected.map((k) => `${name} does not take ${PARAM_FLAGS[k]}`),
    ];
    const takes = [...module.requires, ...module.accepts].map((k) => PARAM_FLAGS[k]).join(', ');
    return refuse(input, name, 'ACTION_BAD_PARAMS', reasons, `${name} takes ${takes || 'no parameters'}.`);
  }
  try {
    return module.plan(input);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return refuse(
      input,
      name,
      'ACTION_INTERNAL',
      [`the ${name} planner failed: ${message}`],
      'Nothing was changed; please report it.',
    );
  }
}
