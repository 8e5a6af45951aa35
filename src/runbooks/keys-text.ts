/** Sentences about keys in slots nobody serves (from the live probe's key counts). */
import { slotsToRanges } from '../cluster/slots.ts';
import { slotText } from './common.ts';
import type { RunbookContext } from './types.ts';

/** What the probe found about keys in unserved slots, per node; explains when it could not count. */
export function keysAtStake(ctx: RunbookContext): string[] {
  const counts = ctx.snapshot.keysInSlots;
  if (counts === undefined) {
    return ctx.snapshot.source === 'live'
      ? ['Keys in unserved slots were not counted (no node answered).']
      : ['Keys in unserved slots are unknown (a paste has no key counts).'];
  }
  if (counts.length === 0) {
    return [
      'No key of the unserved slots was found on the nodes that answered (keys held by down nodes themselves cannot be counted).',
    ];
  }
  const byNode = new Map<string, { keys: number; slots: number[] }>();
  for (const c of counts) {
    const e = byNode.get(c.address) ?? { keys: 0, slots: [] };
    e.keys += c.keys;
    e.slots.push(c.slot);
    byNode.set(c.address, e);
  }
  return [...byNode].map(
    ([addr, e]) => `${addr} holds ${e.keys} key(s) in unserved slots ${slotText(slotsToRanges(e.slots))}.`,
  );
}
