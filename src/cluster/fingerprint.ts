/**
 * Topology fingerprint: a sha256 over the parts of the model that a fix depends on (who exists, who is
 * master of whom, who owns which slots, config epochs, open slots). Ping/pong times, link state, health
 * flags and the order lines were printed in do not enter it, so re-reading an unchanged cluster gives
 * the same hash and any ownership, role or epoch change gives a different one.
 */
import { createHash } from 'node:crypto';
import type { ClusterModel } from './model-types.ts';
import { formatRanges } from './slots.ts';

/** Returns the canonical text the fingerprint hashes (exported for tests and debugging). */
export function canonicalTopology(model: ClusterModel): string {
  const nodes = [...model.nodes].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const lines: string[] = ['v1'];
  for (const n of nodes) {
    lines.push(
      `node ${n.id} ${n.role} ${n.masterId ?? '-'} ${n.configEpoch} ${formatRanges(n.slots) || '-'}`,
    );
  }
  const open = model.openSlots
    .map((o) => `open ${o.slot} ${o.node} ${o.kind} ${o.peer || '?'}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  lines.push(...new Set(open));
  return lines.join('\n');
}

/** sha256 hex of the canonical topology: equal for the same topology, different after any change to it. */
export function topologyFingerprint(model: ClusterModel): string {
  return createHash('sha256').update(canonicalTopology(model)).digest('hex');
}
