/** Replication health from INFO replication: REPLICA_LINK_DOWN, REPLICA_NOT_SYNCED, REPLICATION_LAG. */
import type { ModelNode } from '../../cluster/model-types.ts';
import { isDown, type RuleContext } from '../context.ts';
import { finding } from '../finding.ts';
import {
  attachedEntry,
  type LooseReplica,
  looseReplicas,
  masterInfo,
  replicaInfo,
} from '../replication-info.ts';
import type { Finding } from '../types.ts';

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MiB` : `${bytes} bytes`;
}

function checkReplica(ctx: RuleContext, r: ModelNode): Finding[] {
  const master = r.masterId ? ctx.model.byId.get(r.masterId) : undefined;
  const masterDown = !!master && isDown(master);
  const info = replicaInfo(r);
  const entry = master ? attachedEntry(master, r) : undefined;
  const out: Finding[] = [];
  const mLabel = master?.label ?? r.masterId ?? 'its master';
  const mInfo = master ? masterInfo(master) : null;
  const masterOffset = mInfo?.offset ?? null;
  const emptyCopy = info?.offset === 0 && !!masterOffset;
  const notSynced = info?.neverSynced || (entry !== undefined && entry.state !== 'online') || emptyCopy;
  if (notSynced) {
    const ev: string[] = [];
    if (info?.syncInProgress) ev.push(`master_sync_in_progress:1 from ${r.label}`);
    if (info?.linkDownSeconds === -1) ev.push(`master_link_down_since_seconds:-1 from ${r.label}`);
    if (info && info.offset !== null) ev.push(`slave_repl_offset:${info.offset} from ${r.label}`);
    if (emptyCopy) ev.push(`master_repl_offset:${masterOffset} from ${mLabel}`);
    if (entry && entry.state !== 'online') ev.push(`${entry.raw} from ${mLabel}`);
    out.push(
      finding(
        'REPLICA_NOT_SYNCED',
        masterDown ? 'critical' : 'warning',
        `Replica ${r.label} has not completed a sync with ${mLabel}: promoting it would lose the data it never received${masterDown ? ', and its master is down' : ''}.`,
        [r.label, ...(master ? [master.label] : [])],
        master?.slots ?? [],
        ev,
      ),
    );
  }
  if (info?.linkUp === false && !notSynced) {
    const since = info.fields.master_link_down_since_seconds;
    out.push(
      finding(
        'REPLICA_LINK_DOWN',
        'warning',
        `Replica ${r.label} has lost its replication link to ${mLabel}${since ? ` for ${since} s` : ''}${masterDown ? ' (its master is down)' : ': it is falling behind and may become too stale to fail over'}.`,
        [r.label],
        '',
        [
          `master_link_status:down from ${r.label}`,
          ...(since ? [`master_link_down_since_seconds:${since}`] : []),
        ],
      ),
    );
  }
  const replicaOffset = entry?.offset ?? info?.offset ?? null;
  if (!notSynced && masterOffset !== null && replicaOffset !== null) {
    const gap = masterOffset - replicaOffset;
    if (gap > ctx.opts.replicationLagBytes) {
      out.push(
        finding(
          'REPLICATION_LAG',
          'warning',
          `Replica ${r.label} is ${mib(gap)} behind ${mLabel} (threshold ${mib(ctx.opts.replicationLagBytes)}): a failover now would lose those writes.`,
          [r.label, mLabel],
          '',
          [
            `master_repl_offset:${masterOffset} from ${mLabel}`,
            entry ? `${entry.raw} from ${mLabel}` : `slave_repl_offset:${replicaOffset} from ${r.label}`,
          ],
        ),
      );
    }
  }
  return out;
}

function looseFindings(ctx: RuleContext, r: LooseReplica): Finding[] {
  const own = r.own;
  const entry = r.entry;
  const S = r.address ? `Replica ${r.address}` : 'An unnamed replica (pasted without its prompt)';
  const M = r.masterLabel;
  const who = r.address ?? 'the unnamed replica';
  const mWho = r.master ?? 'the unnamed master';
  const nodes = [r.address, r.master].filter((a): a is string => !!a);
  const modelMaster = r.master
    ? ctx.model.nodes.find((n) => n.label === r.master || n.addressesSeen.includes(r.master!))
    : undefined;
  const masterDown = !!modelMaster && isDown(modelMaster);
  const ownEv = (keys: readonly string[]): string[] =>
    keys.flatMap((k) => {
      const v = r.ownFields?.[k];
      return v !== undefined ? [`${k}:${v} from ${who}`] : [];
    });
  const entryEv = entry
    ? [
        `${entry.raw} from ${mWho}`,
        ...(entry.masterOffset !== null ? [`master_repl_offset:${entry.masterOffset} from ${mWho}`] : []),
      ]
    : [];
  const linkDown = own?.masterLinkStatus === 'down';
  const holdsData = (own?.masterReplOffset ?? 0) > 0;
  const since = own?.masterLinkDownSinceSeconds ?? null;
  const where = [
    ...ownEv(['master_host', 'master_port']),
    ...(r.masterFields && !entry
      ? [
          `role:${r.masterFields.role}, connected_slaves:${r.masterFields.connected_slaves ?? '?'} from ${mWho}`,
        ]
      : []),
  ];
  const out: Finding[] = [];
  if (own?.masterSyncInProgress) {
    out.push(
      finding(
        'REPLICA_NOT_SYNCED',
        masterDown ? 'critical' : 'warning',
        holdsData
          ? `${S} is re-syncing from ${M} with a full sync: until it finishes it holds only the data up to replication offset ${own.masterReplOffset}${since !== null && since >= 0 ? `, from before its link dropped ${since} s ago` : ''}, and a failover to it now would lose every write since.`
          : `${S} is in its first full sync from ${M}: until it finishes it holds none of ${M}'s data, and promoting it now would lose all of it.`,
        nodes,
        '',
        [
          ...ownEv([
            'master_link_status',
            'master_sync_in_progress',
            'master_sync_read_bytes',
            'master_sync_total_bytes',
            'master_link_down_since_seconds',
            'master_repl_offset',
          ]),
          ...where,
          ...entryEv,
        ],
      ),
    );
  } else if (linkDown && since === -1 && !holdsData) {
    const severity = masterDown || (!modelMaster && !r.masterAnswered) ? 'critical' : 'warning';
    const tail = masterDown
      ? ` ${M} is down as well: its data has no live copy.`
      : severity === 'critical'
        ? ` It cannot reach ${M}: if that master is down too, its data has no live copy. Check the master first (running? frozen? refusing this replica's masterauth?).`
        : ` ${M} answered, so its data is safe there; this replica adds no redundancy until it syncs.`;
    out.push(
      finding(
        'REPLICA_NOT_SYNCED',
        severity,
        `${S} has never completed a sync with ${M}: its link has been down since it started and no sync is under way, so it holds none of ${M}'s data. Promoting it (CLUSTER FAILOVER FORCE or TAKEOVER, REPLICAOF NO ONE) would lose everything ${M} holds.${tail}`,
        nodes,
        '',
        [
          ...ownEv([
            'master_link_status',
            'master_link_down_since_seconds',
            'master_sync_in_progress',
            'slave_repl_offset',
            'master_repl_offset',
          ]),
          ...where,
        ],
      ),
    );
  } else if (linkDown) {
    out.push(
      finding(
        'REPLICA_LINK_DOWN',
        masterDown ? 'critical' : 'warning',
        since === -1
          ? `${S} has not reached ${M} since it (re)started and holds data up to replication offset ${own.masterReplOffset}, loaded from disk, of unknown age: a failover to it would lose every write ${M} took after that copy${masterDown ? `, and ${M} is down` : `. Check whether ${M} is running`}.`
          : `${S} lost its replication link to ${M}${since !== null ? ` ${since} s ago` : ''}: it holds data up to replication offset ${own.masterReplOffset ?? '?'} and falls further behind while the link is down${masterDown ? `; ${M} is down, so a failover to it loses the writes since` : `; if ${M} is down, a failover to it loses the writes since, and past cluster-node-timeout × cluster-replica-validity-factor it will not take over on its own`}.`,
        nodes,
        '',
        [
          ...ownEv([
            'master_link_status',
            'master_link_down_since_seconds',
            'master_sync_in_progress',
            'slave_repl_offset',
            'master_repl_offset',
          ]),
          ...where,
        ],
      ),
    );
  }
  if (entry && out.length === 0 && entry.state !== 'online') {
    const phase =
      entry.state === 'wait_bgsave'
        ? `waiting for ${M}'s RDB snapshot`
        : entry.state === 'send_bulk'
          ? `receiving ${M}'s RDB snapshot`
          : `in state ${entry.state}`;
    out.push(
      finding(
        'REPLICA_NOT_SYNCED',
        'warning',
        `${S} is in a full sync from ${M} (${phase}): until it finishes it does not hold ${M}'s current data, and promoting it now would lose what it has not received.`,
        nodes,
        '',
        entryEv,
      ),
    );
  }
  if (entry && out.length === 0 && entry.masterOffset !== null && entry.offset !== null) {
    const gap = entry.masterOffset - entry.offset;
    if (gap > ctx.opts.replicationLagBytes) {
      out.push(
        finding(
          'REPLICATION_LAG',
          'warning',
          `${S} is ${mib(gap)} behind ${M} (threshold ${mib(ctx.opts.replicationLagBytes)}${entry.lag !== null ? `; it last acknowledged ${entry.lag} s ago` : ''}): a failover now would lose those writes.`,
          nodes,
          '',
          entryEv,
        ),
      );
    } else if (entry.lag !== null && entry.lag >= SILENT_SECONDS) {
      ctx.warn(
        `${M}'s INFO replication says ${r.address ?? 'a replica'} last acknowledged ${entry.lag} s ago (${entry.raw}) while replicas acknowledge every second: it may be frozen or its link stalled, though its offset gap (${mib(Math.max(gap, 0))}) is under the REPLICATION_LAG threshold.`,
      );
    }
  }
  return out;
}

/** Replicas acknowledge their offset every second; a master that heard nothing for this long is worth a note. */
const SILENT_SECONDS = 10;

/**
 * Replication rule family: replicas of the model from their own and their master's INFO replication, and
 * replicas known only from pasted INFO replication the model could not attach to a node (named by the
 * prompt, by master_host:master_port, or as an unnamed replica). Notes in warnings what was not checked.
 */
export function replicationRule(ctx: RuleContext): Finding[] {
  const looseInfo = ctx.model.orphanObservations.some((o) => o.replication?.role);
  const loose = looseReplicas(ctx.model).flatMap((r) => looseFindings(ctx, r));
  return [...modelFindings(ctx, looseInfo), ...loose];
}

function modelFindings(ctx: RuleContext, looseInfo: boolean): Finding[] {
  const replicas = ctx.model.nodes.filter((n) => n.role === 'replica');
  if (replicas.length === 0) return [];
  const withInfo = ctx.model.nodes.filter((n) => n.observation?.replication);
  if (withInfo.length === 0 && looseInfo) {
    ctx.warn(
      'The pasted INFO replication could not be tied to any node of the pasted CLUSTER NODES (paste each output behind its prompt line): it was read on its own, so the replicas the CLUSTER NODES list were not checked against it.',
    );
    return [];
  }
  if (withInfo.length === 0) {
    ctx.warn(
      'No INFO replication output was available, so replication links, offsets and lag were not checked; a replica that looks fine here may be unable to take over.',
    );
    return [];
  }
  if (withInfo.length < ctx.model.nodes.length) {
    ctx.warn(
      `INFO replication was available for ${withInfo.length} of ${ctx.model.nodes.length} nodes; replication of the others was not checked.`,
    );
  }
  return replicas.flatMap((r) => checkReplica(ctx, r));
}
