/**
 * master-loading: slot owners that answer LOADING because they are reading their dataset back into memory
 * after a restart. Their slots are unavailable until the load ends, and the two obvious fixes are the
 * wrong ones: a restart starts the load over, and reassigning their slots throws away the data being
 * loaded. Supersedes the "owner is down" causes for the same nodes.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { formatRanges } from '../../cluster/slots.ts';
import { isDown, isLoading } from '../context.ts';
import { listLabels, plural, shortRanges } from '../finding.ts';
import { replicaUnfitReason } from '../replication-info.ts';
import type { RootCause } from '../types.ts';
import { OWNER_DOWN_CODES } from './shards.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

function replicaNote(ctx: CauseContext, m: ModelNode): string {
  const fit = m.replicas
    .flatMap((id) => ctx.model.byId.get(id) ?? [])
    .filter((r) => !isDown(r) && !isLoading(r) && replicaUnfitReason(r, m) === null);
  if (fit.length === 0)
    return `${m.label} has no replica ready to take over, so its slots wait for the load.`;
  return `If the load outlasts cluster-node-timeout, ${listLabels(fit.map((r) => r.label))} may be promoted by the usual election; ${m.label} then rejoins as its replica once loaded.`;
}

function detect(ctx: CauseContext): RootCause[] {
  const loading = ctx.facts.owners.filter(isLoading);
  if (loading.length === 0) return [];
  const slots = loading.flatMap((m) => m.slots);
  const count = loading.reduce((sum, m) => sum + m.slotCount, 0);
  const who = listLabels(loading.map((m) => m.label));
  const one = loading.length === 1;
  const progress = loading.map((m) => `${m.label}: ${m.probeError?.message ?? 'LOADING'}`).join('; ');
  return [
    {
      code: 'master-loading',
      summary: `${one ? 'Master' : 'Masters'} ${who} ${one ? 'is' : 'are'} loading ${one ? 'its' : 'their'} dataset after a restart: ${plural(count, 'slot')} (${shortRanges(slots)}) are unavailable until the load ends.`,
      explanation:
        `A Redis node reads its RDB or AOF back into memory when it starts and answers LOADING to every command until it has finished (${progress}). ` +
        `While it loads, clients get LOADING for keys in its slots${ctx.config.requireFullCoverage.value ? ', and once its peers flag it fail, with cluster-require-full-coverage yes every node refuses every query' : ''}. ` +
        `${loading.map((m) => replicaNote(ctx, m)).join(' ')} ` +
        'Wait for "DB loaded from disk" and "Ready to accept connections" in its log; the time grows with the dataset and the disk. ' +
        'Do not restart it (the load starts over), do not reassign its slots or forget it (the data it is loading would be thrown away), and do not force a failover onto a replica that is not in sync.',
      nodes: loading.map((m) => m.label),
      slots: formatRanges(slots),
      actions: [],
    },
  ];
}

export const masterLoading: RootCauseDetector = {
  code: 'master-loading',
  rank: 25,
  explains: ['NODE_LOADING', ...OWNER_DOWN_CODES],
  supersedes: ['master-failed-no-replica', 'failover-blocked'],
  detect,
};
