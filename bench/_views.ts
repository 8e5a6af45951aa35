/**
 * A synthetic live snapshot at scale: every node of syntheticDump() answered the probe with its own full
 * CLUSTER NODES (the same cluster, the `myself` flag on its own line), CLUSTER INFO, INFO replication and
 * settings. The dump is parsed once and its lines are copied per view (parsing 1,000 dumps would take
 * half a minute); each view still holds its own line objects and its own copies of the id, address and
 * raw strings and slot ranges, as separately parsed replies would, so no string hash or flattening is
 * shared by accident. With `movedEvery: k`, every k-th master came back on a new address (10.3.x.y) with
 * its nodes.conf kept: its own view shows the new address, every other view still lists the old one as
 * `fail?` and disconnected, and its replicas' links are down (a stale-addresses incident at scale).
 */
import { parseClusterNodes } from '../src/cluster/parse-nodes.ts';
import type { ClusterSnapshot, NodeLine, NodeObservation } from '../src/cluster/types.ts';
import { syntheticDump } from './_dump.ts';

/** A copy of `s` that is a different string object (its own hash, its own flattening). */
function fresh(s: string): string {
  return `${s}\u0000`.slice(0, -1);
}

function ownLine(l: NodeLine): NodeLine {
  return {
    ...peerLine(l),
    flags: ['myself', ...l.flags],
    pingSent: 0,
    pongRecv: 0,
    raw: l.raw.replace(/^(\S+ \S+ )(\S+) (\S+) \d+ \d+ /, '$1myself,$2 $3 0 0 '),
  };
}

function peerLine(l: NodeLine): NodeLine {
  return {
    ...l,
    id: fresh(l.id),
    ip: fresh(l.ip),
    masterId: l.masterId === null ? null : fresh(l.masterId),
    flags: [...l.flags],
    slots: l.slots.map((r) => ({ start: r.start, end: r.end })),
    raw: fresh(l.raw),
  };
}

/** The line as other nodes print a moved node: old address, `fail?`, link down, a ping pending. */
function staleLine(l: NodeLine): NodeLine {
  return {
    ...peerLine(l),
    flags: [...l.flags, 'fail?'],
    pingSent: 1_699_999_990_000,
    link: 'disconnected',
    raw: l.raw.replace(
      /^(\S+ \S+ )(\S+) (\S+) \d+ (\d+ \d+) connected/,
      '$1$2,fail? $3 1699999990000 $4 disconnected',
    ),
  };
}

function movedLine(l: NodeLine): NodeLine {
  const ip = l.ip.replace(/^10\.1\./, '10.3.');
  return { ...ownLine(l), ip, raw: ownLine(l).raw.replace(` ${l.ip}:`, ` ${ip}:`) };
}

function replication(
  self: NodeLine,
  byId: Map<string, NodeLine>,
  replicasOf: Map<string, NodeLine[]>,
  moved: Set<string>,
) {
  const master = self.masterId ? byId.get(self.masterId) : undefined;
  if (master) {
    const down = moved.has(master.id);
    return {
      role: 'slave',
      master_host: master.ip,
      master_port: String(master.port),
      master_link_status: down ? 'down' : 'up',
      ...(down ? { master_link_down_since_seconds: '60' } : {}),
      master_sync_in_progress: '0',
      slave_repl_offset: '1000',
      master_repl_offset: '1000',
    };
  }
  const fields: Record<string, string> = { role: 'master', master_repl_offset: '1000' };
  const replicas = replicasOf.get(self.id) ?? [];
  fields.connected_slaves = String(replicas.length);
  replicas.forEach((r, i) => {
    fields[`slave${i}`] = `ip=${r.ip},port=${r.port},state=online,offset=1000,lag=0`;
  });
  return fields;
}

/** Live snapshot of `masters` + `replicas` nodes, each with its own full view of the whole cluster. */
export function syntheticViews(
  masters: number,
  replicas: number,
  opts: { movedEvery?: number } = {},
): ClusterSnapshot {
  const base = parseClusterNodes(syntheticDump(masters, replicas)).nodes.map((l) =>
    l.flags.includes('myself')
      ? { ...l, flags: l.flags.filter((f) => f !== 'myself'), raw: l.raw.replace('myself,', '') }
      : l,
  );
  const byId = new Map(base.map((l) => [l.id, l]));
  const replicasOf = new Map<string, NodeLine[]>();
  for (const l of base) {
    if (!l.masterId) continue;
    const list = replicasOf.get(l.masterId) ?? [];
    list.push(l);
    replicasOf.set(l.masterId, list);
  }
  const every = opts.movedEvery ?? 0;
  const moved = new Set(
    every > 0 ? base.filter((_, i) => i < masters && i % every === every - 1).map((l) => l.id) : [],
  );
  const known = String(base.length);
  const observations: NodeObservation[] = base.map((self) => ({
    address: `${moved.has(self.id) ? self.ip.replace(/^10\.1\./, '10.3.') : self.ip}:${self.port}`,
    source: 'live',
    nodeId: self.id,
    nodes: {
      observer: self.id,
      nodes: base.map((l) =>
        l === self
          ? moved.has(l.id)
            ? movedLine(l)
            : ownLine(l)
          : moved.has(l.id)
            ? staleLine(l)
            : peerLine(l),
      ),
      issues: [],
    },
    clusterInfo: {
      cluster_state: 'ok',
      cluster_slots_assigned: '16384',
      cluster_slots_ok: '16384',
      cluster_known_nodes: known,
      cluster_size: String(masters),
    },
    replication: replication(self, byId, replicasOf, moved),
    server: { redis_version: '7.2.4' },
    config: {
      requireFullCoverage: true,
      nodeTimeoutMs: 15000,
      replicaValidityFactor: 10,
      allowReadsWhenDown: false,
    },
    dbsize: 0,
    busPort: { port: self.cport ?? self.port + 10000, open: true },
  }));
  return {
    source: 'live',
    cluster: 'bench',
    takenAt: new Date(1_700_000_010_000).toISOString(),
    observations,
    checkReports: [],
    parseIssues: [],
    warnings: [],
  };
}
