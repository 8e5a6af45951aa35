/**
 * The exact command that turns a recommended action into a plan, in a terminal or in chat, with a
 * placeholder for each required parameter only the operator can know. Pure; never loads the planners.
 */
import { actionFlags, type FlagStyle } from '../../diagnose/action-flags.ts';
import type { ActionName, ActionParams, RecommendedAction } from '../../diagnose/types.ts';

/** Where a command is typed: a terminal (`redis-runbook plan`) or chat (`/redis fix`). */
export type CommandStyle = FlagStyle;

/**
 * The parameters each action's planner requires (src/actions/plan/*: `requires`; a test keeps the two in
 * step). A recommendation that cannot know one (the new node of add-replica is the operator's to name)
 * gets a placeholder in its command. Kept here so rendering a diagnosis never loads the planners.
 */
const REQUIRED: Partial<Record<ActionName, readonly ('node' | 'from' | 'to' | 'slots')[]>> = {
  'add-node': ['node'],
  'add-replica': ['node'],
  'del-node': ['node'],
  failover: ['node'],
  'failover-force': ['node'],
  'failover-takeover': ['node'],
  'forget-node': ['node'],
  meet: ['node'],
  'restart-node': ['node'],
  reshard: ['from', 'to', 'slots'],
};

/** The placeholder for a required parameter the recommendation leaves to the operator. */
function placeholder(action: ActionName, key: 'node' | 'from' | 'to' | 'slots'): string | number {
  if (key === 'node')
    return action === 'add-node' || action === 'add-replica' ? '<new-node-host:port>' : '<node>';
  return key === 'slots' ? '<count>' : `<${key}-master>`;
}

/** The parameters the planner of `action` requires. */
export function requiredParams(action: ActionName): readonly ('node' | 'from' | 'to' | 'slots')[] {
  return REQUIRED[action] ?? [];
}

/**
 * The exact command that plans `a` on `target` (a cluster name, or "<cluster>" for a paste), or null for
 * advice that has no plan: `redis-runbook plan ...` (prints the plan; `apply` with the same words runs it
 * after a confirmation), or in chat `/redis fix ...` (plans it and posts the approval card).
 */
export function planCommandText(
  a: RecommendedAction,
  target: string,
  style: CommandStyle = 'cli',
): string | null {
  // restart-node plans no step (redis-runbook cannot start a process): chat has no approval card for it.
  if (!a.params || (style === 'chat' && a.action === 'restart-node')) return null;
  const filled: ActionParams = { ...a.params };
  for (const key of requiredParams(a.action)) {
    if (filled[key] === undefined) Object.assign(filled, { [key]: placeholder(a.action, key) });
  }
  const verb = style === 'chat' ? '/redis fix' : 'redis-runbook plan';
  return (style === 'chat' ? [verb, target, a.action] : [verb, a.action, target])
    .concat(actionFlags(filled, style))
    .join(' ');
}
