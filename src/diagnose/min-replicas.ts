/**
 * min-replicas-to-write as a master enforces it: while fewer than N of its replicas are good (online, last
 * acknowledged within min-replicas-max-lag seconds) it refuses every write with NOREPLICAS; reads still
 * work. N 0 or a max-lag of 0 turns it off. N and the lag come from the node's CONFIG GET; whether it is
 * on at all also from its INFO replication, which prints min_slaves_good_slaves (a master's own count of
 * good replicas) exactly when the setting is on, on a replica too. A value not read stays unknown, never
 * a default. Pure.
 */
import type { ModelNode } from '../cluster/model-types.ts';
import { isDown } from './context.ts';
import { plural } from './finding.ts';
import { attachedEntry, masterInfo, replicaInfo } from './replication-info.ts';

/** What a master's min-replicas-to-write demands, as far as it was read. */
export interface MinReplicas {
  /** off: not enforced; on: enforced (N may still be unknown: `toWrite` null); unknown: cannot tell. */
  state: 'off' | 'on' | 'unknown';
  /** min-replicas-to-write as read, null when not read. */
  toWrite: number | null;
  /** min-replicas-max-lag in seconds as read, null when not read. */
  maxLag: number | null;
  /** Good replicas it counts now: its min_slaves_good_slaves, else its online slaveN lines within the lag. */
  good: number | null;
  /** The setting in words: "min-replicas-to-write 1 (min-replicas-max-lag 10 s)". */
  text: string;
  /** Why it is unknown, or why N is (state on without toWrite), in words. */
  why?: string;
  /** The fields that show it, verbatim ("min-replicas-to-write 1 on 10.0.0.1:6379"). */
  evidence: string[];
}

const num = (v: string | undefined): number | null => {
  const n = v === undefined || v.trim() === '' ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : null;
};

/** Why the node's settings were not read. */
function unreadWhy(m: ModelNode): string {
  if (m.probeError) return `${m.label} did not answer the probe`;
  const err = m.observation?.configError;
  if (err) return `CONFIG GET failed on ${m.label}: ${err}`;
  if (m.observation?.source === 'paste') return 'a paste does not show CONFIG GET';
  return `CONFIG GET on ${m.label} did not return it`;
}

/** min-replicas-to-write of master `m`, as far as its CONFIG GET and INFO replication show it. */
export function minReplicasOf(m: ModelNode): MinReplicas {
  const cfg = m.probeError ? undefined : m.observation?.config;
  const n = cfg?.minReplicasToWrite ?? null;
  const lag = cfg?.minReplicasMaxLag ?? null;
  const fields = m.probeError ? undefined : m.observation?.replication;
  const field = fields?.['min_slaves_good_slaves'];
  // Redis (master or replica) prints the field exactly when the setting is on: its absence says off.
  const infoSays = fields?.role ? field !== undefined : null;
  const info = masterInfo(m);
  const counted = info
    ? (num(field) ??
      info.replicas.filter((r) => r.state === 'online' && (lag === null || (r.lag ?? 0) <= lag)).length)
    : null;
  const evidence = [
    ...(n !== null ? [`min-replicas-to-write ${n} on ${m.label}`] : []),
    ...(lag !== null ? [`min-replicas-max-lag ${lag} on ${m.label}`] : []),
    ...(field !== undefined ? [`min_slaves_good_slaves:${field} on ${m.label}`] : []),
  ];
  const lagText = lag !== null ? ` (min-replicas-max-lag ${lag} s)` : '';
  const base = { toWrite: n, maxLag: lag, good: counted, evidence };
  if (n === 0 || lag === 0)
    return { ...base, state: 'off', text: n === 0 ? 'min-replicas-to-write 0' : 'min-replicas-max-lag 0' };
  if (n !== null && (lag !== null || infoSays === true))
    return { ...base, state: 'on', text: `min-replicas-to-write ${n}${lagText}` };
  if (infoSays === false)
    return {
      ...base,
      state: 'off',
      text: 'min-replicas-to-write off (INFO replication shows no min_slaves_good_slaves)',
    };
  if (infoSays === true)
    return {
      ...base,
      state: 'on',
      text: `min-replicas-to-write set (at least 1: INFO replication shows min_slaves_good_slaves:${field})`,
      why: unreadWhy(m),
    };
  const why = n !== null ? `min-replicas-max-lag was not read on ${m.label}` : unreadWhy(m);
  return { ...base, state: 'unknown', text: 'min-replicas-to-write unknown', why };
}

/**
 * Whether master `m` counts replica `r` among its good replicas now: by its slaveN line (online, lag
 * within `maxLag`) when one matches; otherwise a replica that is up and not cut off counts, so that taking
 * it away is never assumed to cost nothing.
 */
export function countsAsGood(m: ModelNode, r: ModelNode, maxLag: number | null): boolean {
  const entry = attachedEntry(m, r);
  if (entry) return entry.state === 'online' && (maxLag === null || (entry.lag ?? 0) <= maxLag);
  const own = replicaInfo(r);
  return !isDown(r) && own?.linkUp !== false && own?.syncInProgress !== true;
}

/** True when `q` proves the master refuses writes with `good` good replicas (N read, or N >= 1 and none). */
export function refusesWrites(q: MinReplicas, good: number): boolean {
  if (q.state !== 'on') return false;
  return q.toWrite !== null ? good < q.toWrite : good === 0;
}

/** "1 good replica" / "0 good replicas". */
export function goodText(n: number): string {
  return plural(n, 'good replica');
}
