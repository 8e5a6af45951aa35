/** Replication health from INFO replication: REPLICA_LINK_DOWN, REPLICA_NOT_SYNCED, REPLICATION_LAG. */
import type { ModelNode } from '../../cluster/model-types.ts';
import { isDown, type RuleContext } from '../context.ts';
import { finding } from '../finding.ts';
import { attachedEntry, masterInfo, replicaInfo } from '../replication-info.ts';
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

/** Replication rule family; notes in warnings when no replication data was available at all. */
export function replicationRule(ctx: RuleContext): Finding[] {
  const replicas = ctx.model.nodes.filter((n) => n.role === 'replica');
  if (replicas.length === 0) return [];
  const withInfo = ctx.model.nodes.filter((n) => n.observation?.replication);
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
