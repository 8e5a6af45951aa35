/**
 * For one open slot: who has it open which way, who owns it, who holds its keys, and the safe way to
 * close or finish it (always finalizing on the target first).
 */
import type { ModelNode } from '../cluster/model-types.ts';
import { importerDown, openSlotCase, openSlotKeys } from '../diagnose/open-slot-case.ts';
import { cli, reachAddress } from './common.ts';
import type { RunbookContext } from './types.ts';

export interface OpenSlotPlan {
  slot: number;
  /** One line: the state of the slot. */
  state: string;
  /** Which side holds the keys, when known. */
  keys: string;
  /** What to do, in order; each entry a command or an instruction. */
  steps: string[];
  /** A plain explanation of the choice. */
  why: string;
}

/** Keys in `slot` on node `n` per the probe's open-slot counts; null when not counted. */
export function keysOn(ctx: RunbookContext, n: ModelNode | undefined, slot: number): number | null {
  return openSlotKeys(ctx.snapshot, n, slot);
}

function finalize(
  ctx: RunbookContext,
  slot: number,
  target: ModelNode,
  source: ModelNode | undefined,
): string[] {
  const steps = [
    `${cli(ctx, reachAddress(target), `cluster setslot ${slot} node ${target.id}`)}   # target first`,
  ];
  if (source) steps.push(cli(ctx, reachAddress(source), `cluster setslot ${slot} node ${target.id}`));
  steps.push(`then the same "cluster setslot ${slot} node ${target.id}" on every other master`);
  return steps;
}

/** MIGRATE's own credentials for the target: the source connects to it, not redis-cli. */
function migrateAuth(ctx: RunbookContext): string {
  const pw = ctx.auth?.passwordEnv ? `"$${ctx.auth.passwordEnv}"` : undefined;
  if (!pw) return '';
  return ctx.auth?.username ? ` AUTH2 ${ctx.auth.username} ${pw}` : ` AUTH ${pw}`;
}

function moveKeys(ctx: RunbookContext, slot: number, source: ModelNode, target: ModelNode): string[] {
  const [host, port] = [target.ip || target.host, target.port];
  const migrate = `migrate ${host} ${port} "" 0 5000${migrateAuth(ctx)} KEYS <keys from the line above>`;
  return [
    `${cli(ctx, reachAddress(source), `cluster getkeysinslot ${slot} 100`)}   # repeat until empty`,
    `${cli(ctx, reachAddress(source), migrate)}   # no REPLACE: a BUSYKEY error means both sides hold that key; compare before overwriting`,
  ];
}

interface FailedOverMove {
  slot: number;
  state: string;
  src: ModelNode;
  dst: ModelNode;
  /** The live owner that replaced the down source. */
  heir: ModelNode;
  kDst: number | null;
}

/** The source of the move is down and failed over: work with its successor, never with the old source. */
function planAfterFailover(ctx: RunbookContext, p: FailedOverMove): OpenSlotPlan {
  const { slot, src, dst, heir, kDst } = p;
  const kHeir = keysOn(ctx, heir, slot);
  const keys =
    kHeir === null
      ? `keys in slot ${slot}: ${dst.label} has ${kDst ?? '?'}; ${heir.label} (the new owner) was not counted: run ${cli(ctx, reachAddress(heir), `cluster countkeysinslot ${slot}`)}`
      : `keys in slot ${slot}: ${dst.label} has ${kDst ?? '?'}, ${heir.label} (the new owner) has ${kHeir}`;
  const left = kHeir === null ? '' : ` (${kHeir} ${kHeir === 1 ? 'key' : 'keys'} left there)`;
  const lost = `${src.label}, the source of this move, is down and ${heir.label} now owns the slot (a failover); MIGRATING is not replicated, so ${heir.label} holds the keys not moved yet and knows nothing of the move. Never run these commands on ${src.label}: when it returns it becomes a replica of ${heir.label}.`;
  if (kDst === 0) {
    return {
      slot,
      state: p.state,
      keys,
      steps: [cli(ctx, reachAddress(dst), `cluster setslot ${slot} stable`)],
      why: `${lost} No key has reached ${dst.label}${kHeir ? ` (all ${kHeir} are on ${heir.label})` : ''}: close the slot there (roll back); it then accepts gossip again and follows ${heir.label} as owner.`,
    };
  }
  // The importer still names the dead source as owner: with full coverage it is down and refuses the keys.
  const down = importerDown(dst);
  const coverage = (v: 'yes' | 'no') =>
    cli(ctx, reachAddress(dst), `config set cluster-require-full-coverage ${v}`);
  return {
    slot,
    state: p.state,
    keys,
    steps: [
      ...(down ? [`${coverage('no')}   # temporary: lets ${dst.label} serve again and accept the keys`] : []),
      `${cli(ctx, reachAddress(dst), `cluster setslot ${slot} importing ${heir.id}`)}   # re-point the import at the new owner`,
      cli(ctx, reachAddress(heir), `cluster setslot ${slot} migrating ${dst.id}`),
      ...moveKeys(ctx, slot, heir, dst),
      ...finalize(ctx, slot, dst, heir),
      ...(down ? [`${coverage('yes')}   # restore the setting`] : []),
    ],
    why:
      `${lost} ${dst.label} already holds keys of the slot: roll forward from ${heir.label}${left}, then finalize on the target first.` +
      (down
        ? ` ${dst.label} reports cluster_state:fail (it still names ${src.label} as owner and requires full coverage), so it refuses the keys ("CLUSTERDOWN" on MIGRATE) until full coverage is relaxed on it for the duration.`
        : ''),
  };
}

/** Plans how to close or finish `slot`. */
export function planOpenSlot(ctx: RunbookContext, slot: number): OpenSlotPlan {
  const m = ctx.model;
  const c = openSlotCase(m, ctx.snapshot, slot);
  const { migrating: migr, importing: imp, source: src, target: dst, owner } = c;
  const node = (id: string | undefined) => (id ? m.byId.get(id) : undefined);
  const name = (n: ModelNode | undefined, fallback: string | undefined) => n?.label ?? fallback ?? '?';
  const parts = [
    ...migr.map((o) => `${name(node(o.node), o.node)} MIGRATING to ${name(node(o.peer), o.peer)}`),
    ...imp.map((o) => `${name(node(o.node), o.node)} IMPORTING from ${name(node(o.peer), o.peer)}`),
  ];
  const state = `slot ${slot}: ${parts.join('; ')}; owner by consensus: ${owner?.label ?? 'nobody'}`;
  const kSrc = c.keysOnSource;
  const kDst = c.keysOnTarget;
  const keys =
    kSrc === null && kDst === null
      ? `key counts unknown: run ${src ? cli(ctx, reachAddress(src), `cluster countkeysinslot ${slot}`) : 'cluster countkeysinslot'} on both sides`
      : `keys in slot ${slot}: ${name(src, undefined)} has ${kSrc ?? '?'}, ${name(dst, undefined)} has ${kDst ?? '?'}`;
  if (c.kind === 'manual' || !src || !dst) {
    return {
      slot,
      state,
      keys,
      steps: ['Inspect by hand: more than two nodes are involved or one side is unknown.'],
      why: 'redis-cli --cluster fix picks an owner by key count here, not by configEpoch: do not run it blindly.',
    };
  }
  if (c.heir && (c.kind === 'repoint' || c.kind === 'rollback-after-failover')) {
    return planAfterFailover(ctx, { slot, state, src, dst, heir: c.heir, kDst });
  }
  if (c.kind === 'rollback') {
    const steps = [];
    if (imp.length > 0) steps.push(cli(ctx, reachAddress(dst), `cluster setslot ${slot} stable`));
    if (migr.length > 0) steps.push(cli(ctx, reachAddress(src), `cluster setslot ${slot} stable`));
    return {
      slot,
      state,
      keys,
      steps,
      why: `No key has reached ${dst.label} yet: closing the slot on both sides (roll back) is safe and leaves ${src.label} the owner.`,
    };
  }
  if (c.kind === 'finalize') {
    return {
      slot,
      state,
      keys,
      steps:
        kSrc !== null && kSrc > 0
          ? [...moveKeys(ctx, slot, src, dst), ...finalize(ctx, slot, dst, src)]
          : finalize(ctx, slot, dst, src),
      why: `${dst.label} already owns the slot: finish the migration on the other nodes${kSrc ? ` after moving the ${kSrc} keys left on ${src.label}` : ''}.`,
    };
  }
  const steps: string[] = [];
  if (imp.length === 0)
    steps.push(cli(ctx, reachAddress(dst), `cluster setslot ${slot} importing ${src.id}`));
  if (migr.length === 0)
    steps.push(cli(ctx, reachAddress(src), `cluster setslot ${slot} migrating ${dst.id}`));
  if (kSrc !== 0) steps.push(...moveKeys(ctx, slot, src, dst));
  steps.push(...finalize(ctx, slot, dst, src));
  return {
    slot,
    state,
    keys,
    steps,
    why:
      kDst === null
        ? `Finish the move to ${dst.label} (what redis-cli --cluster fix would do too) — or, if ${dst.label} holds no key for the slot, close it instead with "cluster setslot ${slot} stable" on both sides.`
        : `${dst.label} already holds keys of the slot: roll forward — move the rest, then finalize on the target first so the slot never has no owner.`,
  };
}
