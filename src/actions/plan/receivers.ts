/**
 * Checks on the masters that receive keys in a plan's move-slots steps (reshard, rebalance, del-node,
 * fix-open-slot), from what the probe read. Memory: the bytes each receiver takes are ESTIMATED (the
 * source's used_memory_dataset per key times the keys moved: counted for open slots, else the source's
 * keys times its share of slots moved) and set against the receiver's headroom under maxmemory (INFO
 * memory). Too little headroom is refused: under noeviction MIGRATE fails part-way with OOM, under an
 * evicting policy the receiver drops keys. `ignore-memory-headroom`, given by name, plans it anyway. A
 * receiver without maxmemory: the host's memory is not checked, and the plan says so. Functions: a
 * receiver lacking a library its source holds is named as a risk. A source or receiver that refuses
 * writes now (min-replicas-to-write not met) is refused: MIGRATE is a write on both. Pure; never throws.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { countSlots } from '../../cluster/slots.ts';
import type { MoveSlotsStep, Plan, PlanInput, Refusal, Risk } from '../types.ts';
import { bytes, refuse } from './common.ts';
import { functionMoveRisks } from './functions.ts';
import { refuseRefusingMovers } from './min-replicas.ts';

/** The data-losing option that plans a move past the estimated headroom. */
export const IGNORE_HEADROOM = 'ignore-memory-headroom' as const;

const num = (v: string | undefined): number | null => {
  const n = v === undefined || v.trim() === '' ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : null;
};

/** Estimated bytes one move carries, with how it was estimated; null bytes when it cannot be. */
function estimate(
  input: PlanInput,
  step: MoveSlotsStep,
  source: ModelNode,
): { bytes: number | null; how: string } {
  const keys = source.observation?.dbsize;
  const dataset = num(source.observation?.memory?.['used_memory_dataset']);
  const n = countSlots(step.slots);
  const inSlot = (s: number) => step.slots.some((r) => s >= r.start && s <= r.end);
  const counted = (input.snapshot.openSlotKeys ?? []).filter(
    (k) => (k.nodeId === source.id || k.address === source.label) && inSlot(k.slot),
  );
  let moved: number | null = null;
  let basis = '';
  if (counted.length > 0 && counted.length >= n) {
    moved = counted.reduce((a, k) => a + k.keys, 0);
    basis = `${moved} keys counted in the slots`;
  } else if (keys !== undefined && source.slotCount > 0) {
    moved = Math.round((keys * Math.min(n, source.slotCount)) / source.slotCount);
    basis = `its ${keys} keys × ${n}/${source.slotCount} slots`;
  }
  if (moved === null || keys === undefined || dataset === null)
    return { bytes: null, how: `${source.label}'s keys or used_memory_dataset were not read` };
  const perKey = keys > 0 ? dataset / keys : 0;
  return {
    bytes: Math.round(moved * perKey),
    how: `${source.label}: ${basis} × ${bytes(Math.round(perKey))} per key on average (used_memory_dataset ${bytes(dataset)} over ${keys} keys; big keys in these slots make it more)`,
  };
}

/** What the receiver's memory allows, in words, and whether the estimate exceeds it. */
function verdict(target: ModelNode, incoming: number, how: string[]): { risk: Risk; over?: string } {
  const mem = target.observation?.memory;
  const used = num(mem?.['used_memory']);
  const max = num(mem?.['maxmemory']) ?? target.observation?.config?.maxmemoryBytes ?? null;
  const policy = mem?.['maxmemory_policy'] ?? target.observation?.config?.maxmemoryPolicy ?? 'unknown';
  const est = `about ${bytes(incoming)} of keys arrive (an estimate: ${how.join('; ')})`;
  const t = target.label;
  if (used === null || max === null)
    return {
      risk: {
        kind: 'none',
        text: `${t}: ${est}; its memory could not be read (INFO memory), so its headroom is not checked.`,
      },
    };
  if (max === 0)
    return {
      risk: {
        kind: 'none',
        text: `${t}: ${est}; it has no maxmemory (0, it uses ${bytes(used)} now): the host's free memory is not checked.`,
      },
    };
  const uncounted = num(mem?.['mem_not_counted_for_evict']) ?? 0;
  const free = max - (used - uncounted);
  const room = `${bytes(Math.max(0, free))} free under maxmemory ${bytes(max)} (used_memory ${bytes(used)}, policy ${policy})`;
  if (incoming <= free * 0.5) return { risk: { kind: 'none', text: `${t}: ${est}; ${room}.` } };
  if (incoming <= free)
    return {
      risk: {
        kind: 'availability',
        text: `${t}: ${est}, more than half of its ${room}: little memory is left after the move.`,
      },
    };
  const evicts = policy !== 'noeviction' && policy !== 'unknown';
  const oom = `MIGRATE would fail part-way with OOM on ${t}, leaving a slot open (fix-open-slot then)`;
  const what = !evicts
    ? oom
    : policy.startsWith('volatile-')
      ? `${t} would evict keys that have a TTL to make room (maxmemory-policy ${policy}): data loss; with none left to evict, ${oom}`
      : `${t} would evict keys to make room (maxmemory-policy ${policy}): data loss`;
  return {
    risk: {
      kind: evicts ? 'data-loss' : 'availability',
      text: `${t}: ${est}, more than its ${room}: ${what}.`,
    },
    over: `${t}: ${est}, more than its ${room}: ${what}`,
  };
}

/** `plan` with the receivers' memory and function risks added, or the refusal when memory is too short. */
export function receiverChecks(input: PlanInput, plan: Plan): Plan | Refusal {
  const moves = plan.steps.flatMap((s) => {
    if (s.kind !== 'move-slots') return [];
    const source = s.source.id ? input.model.byId.get(s.source.id) : undefined;
    const target = s.target.id ? input.model.byId.get(s.target.id) : undefined;
    return source && target ? [{ step: s, source, target }] : [];
  });
  if (moves.length === 0) return plan;
  const refusing = refuseRefusingMovers(
    input,
    plan.action,
    moves.flatMap((m) => [
      { node: m.source, role: 'source' as const },
      { node: m.target, role: 'receiver' as const },
    ]),
  );
  if (refusing) return refusing;
  const byTarget = new Map<string, { target: ModelNode; total: number | null; how: string[] }>();
  for (const m of moves) {
    const e = estimate(input, m.step, m.source);
    const t = byTarget.get(m.target.id) ?? { target: m.target, total: 0, how: [] };
    t.total = t.total === null || e.bytes === null ? null : t.total + e.bytes;
    t.how.push(e.how);
    byTarget.set(m.target.id, t);
  }
  const risks: Risk[] = [];
  const over: string[] = [];
  for (const { target, total, how } of byTarget.values()) {
    if (total === null) {
      risks.push({
        kind: 'none',
        text: `${target.label}: the bytes it receives could not be estimated (${how.join('; ')}): its memory headroom is not checked.`,
      });
      continue;
    }
    const v = verdict(target, total, how);
    risks.push(v.risk);
    if (v.over) over.push(v.over);
  }
  const allowed = input.params.allow?.includes(IGNORE_HEADROOM) ?? false;
  if (over.length > 0 && !allowed)
    return refuse(
      input,
      plan.action,
      'ACTION_REFUSED',
      over,
      `Make room first (raise maxmemory on the receiver, or move fewer slots, or to another master). The figures are estimates from the slots' share of keys; if you know these slots hold less, plan again with --${IGNORE_HEADROOM} (under an evicting policy that can lose keys).`,
    );
  return {
    ...plan,
    risks: [
      ...plan.risks,
      ...risks,
      ...(over.length > 0
        ? [
            {
              kind: 'data-loss' as const,
              text: `${IGNORE_HEADROOM}: planned past the estimated headroom of ${over.length} receiver(s), as asked by name.`,
            },
          ]
        : []),
      ...functionMoveRisks(moves),
    ],
    dangerous: over.length > 0 ? [...plan.dangerous, IGNORE_HEADROOM] : plan.dangerous,
  };
}
