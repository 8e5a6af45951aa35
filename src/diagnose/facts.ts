/** Derives the shared facts and effective settings the rules and root causes build on. */

import { slotsOf, UNASSIGNED } from '../cluster/model-slots.ts';
import type { ClusterModel } from '../cluster/model-types.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import { type EffectiveConfig, type Facts, isDown, type Setting } from './context.ts';
import { pasteGaps } from './paste-gaps.ts';

/**
 * Computes owners, down owners, unassigned slots and quorum from the model. For a paste that provably
 * misses lines the owner count is a lower bound: quorum is marked partial and never lost.
 */
export function deriveFacts(model: ClusterModel): Facts {
  const owners = model.nodes.filter((n) => n.role !== 'replica' && n.slotCount > 0);
  const downOwners = owners.filter(isDown);
  const reachable = owners.filter((n) => !isDown(n));
  const size = owners.length;
  const needed = Math.floor(size / 2) + 1;
  const partial = model.source === 'paste' && pasteGaps(model).truncated;
  const quorum: Facts['quorum'] = {
    size,
    needed,
    reachable,
    down: downOwners,
    lost: !partial && size > 0 && reachable.length < needed,
  };
  if (partial) quorum.partial = true;
  return {
    owners,
    downOwners,
    unassigned: model.hasFullView ? slotsOf(model.slotOwner, UNASSIGNED) : [],
    quorum,
    partial,
  };
}

function setting<T>(
  snapshot: ClusterSnapshot,
  pick: (c: NonNullable<ClusterSnapshot['observations'][number]['config']>) => T | undefined,
  fallback: T,
  prefer?: T,
): Setting<T> {
  const seen = new Map<string, { value: T; nodes: string[] }>();
  for (const obs of snapshot.observations) {
    const v = obs.config ? pick(obs.config) : undefined;
    if (v === undefined) continue;
    const key = String(v);
    const entry = seen.get(key) ?? { value: v, nodes: [] };
    entry.nodes.push(obs.address);
    seen.set(key, entry);
  }
  if (seen.size === 0) return { value: fallback, known: false };
  const entries = [...seen.values()];
  // When nodes disagree, the risky value wins (e.g. any node requiring full coverage can go down).
  const chosen = (prefer !== undefined && entries.find((e) => e.value === prefer)) || entries[0]!;
  const out: Setting<T> = { value: chosen.value, known: true };
  if (entries.length > 1) out.disagreeing = entries.filter((e) => e !== chosen).flatMap((e) => e.nodes);
  return out;
}

/**
 * When CONFIG is unknown, CLUSTER INFO can still prove full coverage is off: a node that reports
 * cluster_state:ok while some slots are unassigned or owned by a failed master cannot require it.
 */
function inferCoverage(snapshot: ClusterSnapshot, s: Setting<boolean>): Setting<boolean> {
  if (s.known) return s;
  for (const obs of snapshot.observations) {
    const info = obs.clusterInfo;
    if (info?.cluster_state !== 'ok') continue;
    const failed = Number(info.cluster_slots_fail ?? 0);
    const assigned = Number(info.cluster_slots_assigned ?? 16384);
    if (failed > 0 || assigned < 16384) {
      const why = failed > 0 ? `cluster_slots_fail:${failed}` : `cluster_slots_assigned:${assigned}`;
      return {
        value: false,
        known: true,
        evidence: `inferred: ${obs.address} reports cluster_state:ok with ${why}, which only happens with cluster-require-full-coverage no`,
      };
    }
  }
  return s;
}

/** Settings in effect: read from CONFIG GET where the snapshot has it, else Redis defaults (marked unknown). */
export function effectiveConfig(snapshot: ClusterSnapshot): EffectiveConfig {
  const timeout = setting(snapshot, (c) => c.nodeTimeoutMs, 15000);
  const timeouts = snapshot.observations.flatMap((o) =>
    o.config?.nodeTimeoutMs !== undefined ? [o.config.nodeTimeoutMs] : [],
  );
  if (timeouts.length > 0) timeout.value = Math.min(...timeouts);
  return {
    requireFullCoverage: inferCoverage(
      snapshot,
      setting(snapshot, (c) => c.requireFullCoverage, true, true),
    ),
    nodeTimeoutMs: timeout,
    replicaValidityFactor: setting(snapshot, (c) => c.replicaValidityFactor, 10),
    allowReadsWhenDown: setting(snapshot, (c) => c.allowReadsWhenDown, false, false),
  };
}
