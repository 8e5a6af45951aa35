/** Reads INFO replication fields of a node into typed facts (link state, offsets, sync progress). */
import type { ModelNode } from '../cluster/model-types.ts';
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
