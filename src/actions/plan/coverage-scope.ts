/**
 * What fix-coverage reads before planning: which slots of the scope nobody owns, which still belong to a
 * failed owner, which are in flux, and which nodes hold keys in them (the probe's counts, and where they are
 * missing). Pure; never throws.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { parseRanges, rangesToBitmap, SLOT_COUNT } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import { isDown } from '../../diagnose/context.ts';
import type { PlanInput } from '../types.ts';

/** The slots of the scope, sorted into what fix-coverage must decide about. */
export interface CoverageScope {
  scope: SlotRange[];
  /** No view gives them to anyone. */
  unassigned: number[];
  /** Owner by consensus is down: owner id -> its slots. */
  dead: Map<string, number[]>;
  /** Views disagree about the owner. */
  disputed: number[];
  /** Some node has them MIGRATING or IMPORTING. */
  open: number[];
  /** Per slot of the above: nodes that hold keys in it, with their counts. */
  holders: Map<number, { node: ModelNode | undefined; address: string; keys: number }[]>;
  /** Slots of the above whose keys were not counted everywhere (probe limits), or null without any counts. */
  uncounted: SlotRange[] | null;
}

/** Reads the scope (`params.slotRanges`, default every slot); an error text for a bad range. */
export function readScope(input: PlanInput): CoverageScope | { error: string } {
  const text = input.params.slotRanges;
  const scope = text === undefined ? [{ start: 0, end: SLOT_COUNT - 1 }] : parseRanges(text);
  if (!scope || scope.length === 0) {
    return { error: `--slot-ranges "${text}" is not a list of slots or ranges like "0-5460,5462"` };
  }
  const m = input.model;
  const out: CoverageScope = {
    scope,
    unassigned: [],
    dead: new Map(),
    disputed: [],
    open: [],
    holders: new Map(),
    uncounted: input.snapshot.keysInSlots === undefined ? null : (input.snapshot.keysInSlotsUncounted ?? []),
  };
  const openSet = new Set(m.openSlots.map((o) => o.slot));
  const bits = rangesToBitmap(scope);
  for (let s = 0; s < SLOT_COUNT; s++) {
    if (!bits[s]) continue;
    const owner = m.nodes[m.slotOwner[s] ?? -1];
    const needs = !owner || isDown(owner);
    if (!needs) continue;
    if (openSet.has(s)) out.open.push(s);
    else if (m.slotDisputed[s]) out.disputed.push(s);
    else if (!owner) out.unassigned.push(s);
    else {
      const list = out.dead.get(owner.id);
      if (list) list.push(s);
      else out.dead.set(owner.id, [s]);
    }
  }
  for (const k of input.snapshot.keysInSlots ?? []) {
    if (k.keys <= 0 || !bits[k.slot]) continue;
    const node = (k.nodeId ? m.byId.get(k.nodeId) : undefined) ?? m.nodes.find((n) => n.label === k.address);
    const list = out.holders.get(k.slot) ?? [];
    list.push({ node, address: node?.label ?? k.address, keys: k.keys });
    out.holders.set(k.slot, list);
  }
  return out;
}

/** Sum of the keys counted in `slots`, per holder address. */
export function keysByHolder(c: CoverageScope, slots: readonly number[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of slots)
    for (const h of c.holders.get(s) ?? []) out.set(h.address, (out.get(h.address) ?? 0) + h.keys);
  return out;
}

/** "127.0.0.1:7001 (12 keys), 127.0.0.1:7002 (3 keys)". */
export function holdersText(by: Map<string, number>): string {
  return [...by].map(([a, k]) => `${a} (${k} key${k === 1 ? '' : 's'})`).join(', ');
}
