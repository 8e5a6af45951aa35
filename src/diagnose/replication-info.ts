/** Reads INFO replication fields of a node into typed facts (link state, offsets, sync progress). */
import type { ClusterModel, ModelNode } from '../cluster/model-types.ts';
import { type ReplicationInfo, readReplication } from '../cluster/parse-info.ts';
import type { NodeObservation } from '../cluster/types.ts';
import { isDown } from './context.ts';

export interface ReplicaInfo {
  linkUp: boolean | null;
  syncInProgress: boolean;
  /** slave_repl_offset (falls back to master_repl_offset), null when absent. */
  offset: number | null;
  /** master_link_down_since_seconds when the link is down; -1 means it was never up. */
  linkDownSeconds: number | null;
  /** Never completed a sync since it started (sync in progress, or link down "since ever"). */
  neverSynced: boolean;
  fields: Record<string, string>;
}

export interface AttachedReplica {
  ip: string;
  port: number;
  state: string;
  offset: number | null;
  lag: number | null;
  raw: string;
  key: string;
}

export interface MasterInfo {
  offset: number | null;
  replicas: AttachedReplica[];
  fields: Record<string, string>;
}

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** The replica side of INFO replication, or null when the node is not a replica or it was not read. */
export function replicaInfo(n: ModelNode): ReplicaInfo | null {
  const f = n.observation?.replication;
  if (!f || (f.role !== 'slave' && f.role !== 'replica')) return null;
  const status = f.master_link_status;
  const linkUp = status === undefined ? null : status === 'up';
  const syncInProgress = f.master_sync_in_progress === '1';
  const offset = num(f.slave_repl_offset) ?? num(f.master_repl_offset);
  const linkDownSeconds = linkUp === false ? num(f.master_link_down_since_seconds) : null;
  // Offset 0 alone proves nothing (an idle master sends no bytes); -1 means "down since startup".
  const neverSynced = syncInProgress || linkDownSeconds === -1;
  return { linkUp, syncInProgress, offset, linkDownSeconds, neverSynced, fields: f };
}

/** The master side of INFO replication: its offset and each attached replica ("slaveN:" lines). */
export function masterInfo(n: ModelNode): MasterInfo | null {
  const f = n.observation?.replication;
  if (f?.role !== 'master') return null;
  const replicas: AttachedReplica[] = [];
  for (const [key, value] of Object.entries(f)) {
    if (!/^slave\d+$/.test(key)) continue;
    const kv = new Map(value.split(',').map((p) => p.split('=', 2) as [string, string]));
    replicas.push({
      ip: kv.get('ip') ?? '',
      port: Number(kv.get('port') ?? 0),
      state: kv.get('state') ?? '',
      offset: num(kv.get('offset')),
      lag: num(kv.get('lag')),
      raw: `${key}:${value}`,
      key,
    });
  }
  return { offset: num(f.master_repl_offset), replicas, fields: f };
}

/** The master's "slaveN" entry for `replica`, matched by address. */
export function attachedEntry(master: ModelNode, replica: ModelNode): AttachedReplica | undefined {
  return masterInfo(master)?.replicas.find(
    (r) =>
      r.port === replica.port && (r.ip === replica.ip || replica.addressesSeen.includes(`${r.ip}:${r.port}`)),
  );
}

/** Why a replica cannot safely take over, or null when nothing we saw speaks against it. */
export function replicaUnfitReason(replica: ModelNode, master: ModelNode | undefined): string | null {
  if (isDown(replica)) return `${replica.label} is down itself`;
  const info = replicaInfo(replica);
  if (info?.neverSynced)
    return `${replica.label} never completed a sync with its master (${info.syncInProgress ? 'master_sync_in_progress:1' : `master_link_down_since_seconds:${info.linkDownSeconds ?? '?'}, offset ${info.offset ?? '?'}`})`;
  const entry = master ? attachedEntry(master, replica) : undefined;
  if (entry && entry.state !== 'online') return `${replica.label} is still syncing (${entry.raw})`;
  const masterOffset = master ? masterInfo(master)?.offset : null;
  if (info?.offset === 0 && masterOffset)
    return `${replica.label} has replicated nothing (slave_repl_offset:0 while its master is at ${masterOffset})`;
  return null;
}

/** A replica that is up and, as far as we can see, synced. */
export function isHealthyReplica(replica: ModelNode, master: ModelNode | undefined): boolean {
  if (replicaUnfitReason(replica, master)) return false;
  return replicaInfo(replica)?.linkUp !== false || !master || isDown(master);
}

/** What a master's "slaveN:" line said about one replica, with the master's own offset beside it. */
export interface MasterSideEntry {
  raw: string;
  state: string;
  offset: number | null;
  lag: number | null;
  masterOffset: number | null;
}

/**
 * A replica known only from pasted INFO replication that the model could not file under a node: its own
 * INFO, its master's "slaveN" line, or both. Named by what the paste gives.
 */
export interface LooseReplica {
  /** "ip:port" when the paste names it (its prompt, or its master's slaveN line), else null. */
  address: string | null;
  /** How messages name it: its address, or "an unnamed replica of host:port". */
  label: string;
  /** Its master's "ip:port" (master_host:master_port, or the prompt of the master's INFO), else null. */
  master: string | null;
  /** How messages name the master. */
  masterLabel: string;
  own?: ReplicationInfo;
  /** Its own INFO replication fields, verbatim (evidence). */
  ownFields?: Record<string, string>;
  entry?: MasterSideEntry;
  /** The paste also holds INFO replication of its master (role:master): that master answered. */
  masterAnswered: boolean;
  /** That master's INFO replication fields, when it was pasted. */
  masterFields?: Record<string, string>;
}

interface LooseMaster {
  address: string | null;
  info: ReplicationInfo;
  replid: string | undefined;
  fields: Record<string, string>;
}

function named(obs: NodeObservation): string | null {
  return /^paste#\d+$/.test(obs.address) ? null : obs.address;
}

function entryOf(m: LooseMaster, e: ReplicationInfo['replicas'][number]): MasterSideEntry {
  const key = `slave${e.index}`;
  return {
    raw: `${key}:${m.fields[key] ?? ''}`,
    state: e.state,
    offset: e.offset,
    lag: e.lag,
    masterOffset: m.info.masterReplOffset,
  };
}

function replicaOf(
  obs: NodeObservation,
  own: ReplicationInfo,
  masters: readonly LooseMaster[],
): LooseReplica {
  const address = named(obs);
  const master = own.masterHost ? `${own.masterHost}:${own.masterPort ?? '?'}` : null;
  const replid = obs.replication?.master_replid;
  // its master's INFO: by the master's prompt, by a slaveN line naming it, or by a shared replication id
  // (a replica that never synced has an id of its own, so only a replica holding data matches that way)
  const m = masters.find(
    (x) =>
      (master !== null && x.address === master) ||
      (address !== null && x.info.replicas.some((e) => `${e.ip}:${e.port}` === address)) ||
      (!!replid && replid === x.replid && (own.masterReplOffset ?? 0) > 0),
  );
  const r: LooseReplica = {
    address,
    label: address ?? `an unnamed replica${master ? ` of ${master}` : ''}`,
    master: master ?? m?.address ?? null,
    masterLabel: master ?? m?.address ?? 'its master',
    own,
    ownFields: obs.replication ?? {},
    masterAnswered: !!m,
  };
  if (!m) return r;
  r.masterFields = m.fields;
  const mine = address
    ? m.info.replicas.find((e) => `${e.ip}:${e.port}` === address)
    : m.info.replicas.length === 1
      ? m.info.replicas[0]
      : undefined;
  if (mine) {
    r.entry = entryOf(m, mine);
    r.address = `${mine.ip}:${mine.port ?? '?'}`;
    r.label = r.address;
  }
  return r;
}

/**
 * Replicas described by pasted INFO replication that no node of the model owns (no CLUSTER NODES from
 * that node): each replica's own INFO, paired with its master's INFO when both were pasted, plus every
 * other "slaveN" line of a master's INFO. Replicas at addresses the model knows are left to its checks.
 */
export function looseReplicas(model: ClusterModel): LooseReplica[] {
  const loose = model.orphanObservations.filter((o) => o.replication?.role);
  const masters: LooseMaster[] = loose.flatMap((o) => {
    const info = readReplication(o.replication!);
    const fields = o.replication!;
    return info.role === 'master' ? [{ address: named(o), info, replid: fields.master_replid, fields }] : [];
  });
  const out: LooseReplica[] = [];
  for (const obs of loose) {
    const own = readReplication(obs.replication!);
    if (own.role === 'replica') out.push(replicaOf(obs, own, masters));
  }
  for (const m of masters) {
    for (const e of m.info.replicas) {
      const address = `${e.ip}:${e.port ?? '?'}`;
      if (out.some((x) => x.address === address) || model.nodes.some((n) => n.label === address)) continue;
      const master = m.address;
      out.push({
        address,
        label: address,
        master,
        masterLabel: master ?? 'its master',
        entry: entryOf(m, e),
        masterAnswered: true,
      });
    }
  }
  return out;
}
