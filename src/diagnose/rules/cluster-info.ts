/**
 * Findings from CLUSTER INFO alone (no CLUSTER NODES or check output pasted): slots unassigned in a
 * node's view, a failed owner, a node that knows only itself, no replicas anywhere, and the CLUSTERDOWN
 * replies pasted with them. Each names the reporting node; which slots or nodes is never guessed.
 */
import type { RuleContext } from '../context.ts';
import { finding, plural } from '../finding.ts';
import { infoOnly, infoViews, knowsOnlyItself, noReplicas, repliesOf } from '../info-only.ts';
import type { Finding } from '../types.ts';

/** CLUSTER INFO rule family; empty whenever the paste also shows the topology. */
export function clusterInfoRule(ctx: RuleContext): Finding[] {
  if (!infoOnly(ctx.snapshot)) return [];
  const out: Finding[] = [];
  for (const v of infoViews(ctx.snapshot)) {
    if (v.assigned !== null && v.assigned < 16384 && !knowsOnlyItself(v))
      out.push(
        finding(
          'SLOTS_UNASSIGNED',
          'critical',
          `${v.who} counts ${v.assigned} of 16384 slots assigned: in its view ${plural(16384 - v.assigned, 'slot has', 'slots have')} no owner, and commands on their keys fail with "CLUSTERDOWN Hash slot not served". Which slots is not in CLUSTER INFO: paste CLUSTER NODES.`,
          [],
          '',
          v.evidence,
        ),
      );
    if (v.fail > 0)
      out.push(
        finding(
          'SLOTS_OWNER_DOWN',
          'critical',
          `${v.who} counts ${plural(v.fail, 'slot')} whose owner is flagged fail (cluster_slots_fail:${v.fail}): no replica has taken ${v.fail === 1 ? 'it' : 'them'} over, and clients of ${v.fail === 1 ? 'it' : 'them'} get errors.`,
          [],
          '',
          v.evidence,
        ),
      );
    if (knowsOnlyItself(v))
      out.push(
        finding(
          'CONFIG_LOST',
          'warning',
          `${v.who} knows only itself (cluster_known_nodes:1): it was never joined to the cluster, or it lost its cluster config (nodes.conf). Do not assign slots to it before seeing where the rest of the cluster is.`,
          [],
          '',
          v.evidence,
        ),
      );
    else if (noReplicas(v) && v.state === 'ok')
      out.push(
        finding(
          'MASTER_WITHOUT_REPLICA',
          'warning',
          `${v.who} knows ${plural(v.known ?? 0, 'node')} and all of them are slot-owning masters (cluster_known_nodes equals cluster_size): no master has a replica, so any master that fails takes its slots down until it is restarted.`,
          [],
          '',
          v.evidence,
        ),
      );
  }
  const down = repliesOf(ctx.snapshot, 'cluster-down');
  if (down.length > 0 && !ctx.snapshot.observations.some((o) => o.clusterInfo?.cluster_state === 'fail'))
    out.push(
      finding(
        'CLUSTER_STATE_FAIL',
        'critical',
        'A pasted reply says "CLUSTERDOWN The cluster is down": the node that answered reports cluster_state:fail and refuses every query.',
        [],
        '',
        down.map((r) => `line ${r.line}: ${r.text}`),
      ),
    );
  const unserved = [...repliesOf(ctx.snapshot, 'slot-not-served'), ...repliesOf(ctx.snapshot, 'empty-slots')];
  if (unserved.length > 0 && !out.some((f) => f.code === 'SLOTS_UNASSIGNED'))
    out.push(
      finding(
        'SLOTS_UNASSIGNED',
        'critical',
        unserved.some((r) => r.kind === 'empty-slots')
          ? 'A pasted CLUSTER SLOTS reply is empty: the node that answered has no slot assigned to any node in its view (a cluster never set up, or a node that lost its config).'
          : 'A pasted reply says "CLUSTERDOWN Hash slot not served": the slot of that key has no owner in the answering node\'s view.',
        [],
        '',
        unserved.map((r) => `line ${r.line}: ${r.text}`),
      ),
    );
  return out;
}
