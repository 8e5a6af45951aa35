/** Turns ClusterOptions into a concrete per-node layout (addresses, ports, slots, roles). Pure. */
import { SLOT_COUNT } from '../cluster/slots.ts';
import type { SlotRange } from '../cluster/types.ts';
import { DevClusterError } from './errors.ts';
import type { ConfigLine } from './node.ts';
import type { ClusterOptions, NodeSpec } from './types.ts';

/** A node spec with every field resolved. */
export interface PlannedNode {
  role: 'master' | 'replica';
  of: number | null;
  slots: SlotRange[];
  hostIndex: number;
  port: number;
  cport: number;
  config: ConfigLine[];
}

/**
 * 3 masters and 3 replicas where the first master's replica is a backup copy that never fails over by
 * itself (cluster-replica-no-failover yes): kill that master and the cluster stays down until a person
 * promotes the copy.
 */
export function backupReplicaLayout(): NodeSpec[] {
  return [
    { role: 'master' },
    { role: 'master' },
    { role: 'master' },
    { role: 'replica', of: 0, config: [['cluster-replica-no-failover', 'yes']] },
    { role: 'replica', of: 1 },
    { role: 'replica', of: 2 },
  ];
}

/** Even split of 16384 slots over `n` masters, the way `redis-cli --cluster create` does it. */
export function evenSlots(n: number): SlotRange[][] {
  const out: SlotRange[][] = [];
  const per = SLOT_COUNT / n;
  let first = 0;
  let cursor = 0;
  for (let i = 0; i < n; i++) {
    let last = Math.round(cursor + per - 1);
    if (last > SLOT_COUNT - 1 || i === n - 1) last = SLOT_COUNT - 1;
    if (last < first) last = first;
    out.push([{ start: first, end: last }]);
    first = last + 1;
    cursor += per;
  }
  return out;
}

function defaultSpecs(opts: ClusterOptions): NodeSpec[] {
  const m = opts.masters ?? 3;
  const r = opts.replicasPerMaster ?? 0;
  const specs: NodeSpec[] = [];
  for (let i = 0; i < m; i++) specs.push({ role: 'master', hostIndex: i + 1 });
  for (let k = 0; k < r; k++) {
    for (let i = 0; i < m; i++) {
      specs.push(
        opts.replicasOnMasterHost
          ? { role: 'replica', of: i, hostIndex: i + 1, port: (opts.basePort ?? 7000) + 1 + k }
          : { role: 'replica', of: i, hostIndex: m * (k + 1) + i + 1 },
      );
    }
  }
  return specs;
}

/** Resolves options into planned nodes; throws DEVCLUSTER_BAD_OPTIONS on an inconsistent layout. */
export function planNodes(opts: ClusterOptions): PlannedNode[] {
  const specs = opts.nodes ?? defaultSpecs(opts);
  const basePort = opts.basePort ?? 7000;
  const masterIdx = specs.flatMap((s, i) => (s.role === 'master' ? [i] : []));
  if (masterIdx.length === 0)
    throw new DevClusterError('DEVCLUSTER_BAD_OPTIONS', 'at least one master is needed');
  // Masters without explicit `slots` share the even split (or take `assignSlots` in order).
  const auto = masterIdx.filter((i) => specs[i]?.slots === undefined);
  const even = auto.length > 0 ? evenSlots(auto.length) : [];
  const split = opts.assignSlots === false ? auto.map(() => []) : (opts.assignSlots ?? even);
  const planned = specs.map((s, i): PlannedNode => {
    const port = s.port ?? basePort;
    const mi = auto.indexOf(i);
    if (s.role === 'replica' && (s.of === undefined || specs[s.of]?.role !== 'master')) {
      throw new DevClusterError('DEVCLUSTER_BAD_OPTIONS', `replica #${i} must name a master index in 'of'`);
    }
    return {
      role: s.role,
      of: s.role === 'replica' ? (s.of ?? null) : null,
      slots: s.role === 'master' ? (s.slots ?? split[mi] ?? []) : [],
      hostIndex: s.hostIndex ?? i + 1,
      port,
      cport: s.cport ?? port + 10000,
      config: s.config ?? [],
    };
  });
  const seen = new Set<string>();
  for (const p of planned) {
    if (p.hostIndex < 1 || p.hostIndex > 254) {
      throw new DevClusterError('DEVCLUSTER_BAD_OPTIONS', `hostIndex ${p.hostIndex} outside 1..254`);
    }
    for (const port of [p.port, p.cport]) {
      const key = `${p.hostIndex}:${port}`;
      if (seen.has(key)) throw new DevClusterError('DEVCLUSTER_BAD_OPTIONS', `two nodes use .${key}`);
      seen.add(key);
    }
  }
  return planned;
}
