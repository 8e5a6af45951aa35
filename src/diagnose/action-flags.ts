/**
 * The flags that spell a set of action parameters back out, as the CLI (`redis-runbook plan|apply`,
 * src/cli/plan-run.ts) and chat (`/redis fix`, src/bot/fix-args.ts) read them. Pure.
 */
import type { ActionParams } from './types.ts';

/** Where the words are typed: `redis-runbook plan|apply` (cli) or `/redis fix` (chat). */
export type FlagStyle = 'cli' | 'chat';

/** The flags that give `p`: the CLI's spelling of each parameter, or chat's (`--allow <option>`). */
export function actionFlags(p: ActionParams, style: FlagStyle): string[] {
  const flags: string[] = [];
  if (p.node) flags.push(`--node ${p.node}`);
  if (p.master) flags.push(`--master ${p.master}`);
  if (p.from) flags.push(`--from ${p.from}`);
  if (p.to) flags.push(`--to ${p.to}`);
  if (p.slots !== undefined) flags.push(`--slots ${p.slots}`);
  if (p.slotRanges) flags.push(`--slot-ranges ${p.slotRanges}`);
  if (style === 'chat') {
    for (const a of p.allow ?? []) flags.push(`--allow ${a}`);
    return flags;
  }
  for (const [node, w] of Object.entries(p.weights ?? {})) flags.push(`--weight ${node}=${w}`);
  if (p.threshold !== undefined) flags.push(`--threshold ${p.threshold}`);
  if (p.useEmptyMasters) flags.push('--use-empty-masters');
  for (const a of p.allow ?? []) flags.push(`--${a}`);
  return flags;
}
