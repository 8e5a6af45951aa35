/**
 * Step kind -> the runner that executes it. One line per kind: a new kind of step is one file exporting
 * its StepRunner plus one line here. A plan with a step kind that has no runner is refused before
 * anything runs.
 */
import type { PlanStep, StepKind } from '../types.ts';
import { runAssignSlots } from './assign.ts';
import type { StepRunner } from './context.ts';
import { runCopyFunctions } from './functions.ts';
import { runMoveSlots } from './migrate.ts';
import { runCommand, runFanout, runWait } from './steps.ts';

/** The runner of each step kind, typed so a runner only ever receives its own kind of step. */
export type StepRunners = { [K in StepKind]?: StepRunner<Extract<PlanStep, { kind: K }>> };

/** One runner per step kind; the slot steps (assign-slots, move-slots) plug in here with one line each. */
export const STEP_RUNNERS: StepRunners = {
  command: runCommand,
  fanout: runFanout,
  wait: runWait,
  'assign-slots': runAssignSlots,
  'move-slots': runMoveSlots,
  'copy-functions': runCopyFunctions,
};

/** The runner for `step`, or undefined when no module provides its kind. */
export function runnerFor(step: PlanStep): StepRunner | undefined {
  return STEP_RUNNERS[step.kind] as StepRunner | undefined;
}

/** Step kinds of `steps` that no runner handles. */
export function missingRunners(steps: readonly PlanStep[]): StepKind[] {
  return [...new Set(steps.map((s) => s.kind))].filter((k) => !STEP_RUNNERS[k]);
}
