/** CLUSTER_STATE_FAIL: an observer's CLUSTER INFO says cluster_state:fail. */
import { observerLabel } from '../../cluster/model-fold.ts';
import type { RuleContext } from '../context.ts';
import { finding, listLabels, plural } from '../finding.ts';
import type { Finding } from '../types.ts';

const DETAIL = [
  'cluster_slots_assigned',
  'cluster_slots_ok',
  'cluster_slots_pfail',
  'cluster_slots_fail',
  'cluster_size',
];

/** Raises CLUSTER_STATE_FAIL when any node reports cluster_state:fail, quoting the fields. */
export function clusterStateRule(ctx: RuleContext): Finding[] {
  const reporting = ctx.snapshot.observations.filter((o) => o.clusterInfo?.cluster_state !== undefined);
  const failing = reporting.filter((o) => o.clusterInfo?.cluster_state === 'fail');
  if (failing.length === 0) return [];
  const labels = failing.map(observerLabel);
  const evidence = failing.map((o) => {
    const info = o.clusterInfo ?? {};
    const extra = DETAIL.filter((k) => info[k] !== undefined).map((k) => `${k}:${info[k]}`);
    return `cluster_state:fail from ${observerLabel(o)}${extra.length ? ` (${extra.join(' ')})` : ''}`;
  });
  const okCount = reporting.length - failing.length;
  const who =
    reporting.length === 1
      ? `${labels[0]} reports cluster_state:fail`
      : `${failing.length} of ${reporting.length} nodes that reported CLUSTER INFO say cluster_state:fail (${listLabels(labels)})`;
  const tail =
    okCount > 0
      ? `; ${plural(okCount, 'node')} still say ok, so only clients talking to the failing ones are refused`
      : '';
  const one = failing.length === 1;
  const refuse = ctx.config.allowReadsWhenDown.value
    ? `${one ? 'it refuses' : 'they refuse'} writes with CLUSTERDOWN (reads are still served: cluster-allow-reads-when-down yes)`
    : `${one ? 'it answers' : 'they answer'} every query with CLUSTERDOWN`;
  return [finding('CLUSTER_STATE_FAIL', 'critical', `${who}: ${refuse}${tail}.`, labels, '', evidence)];
}
