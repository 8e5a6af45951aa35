/**
 * network-partition: nodes that are demonstrably alive report each other as failing. Needs at least two
 * views; a single pasted view can never prove a partition (a dead node and a cut-off node look alike).
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { listLabels } from '../finding.ts';
import type { RootCause } from '../types.ts';
import { answeredLive } from './shards.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

function detect(ctx: CauseContext): RootCause[] {
  const { model } = ctx;
  const full = model.views.filter((v) => v.source !== 'check' && v.observerId);
  if (full.length < 2) return [];
  const failingIn = new Map(full.map((v) => [v.observerId!, new Set(v.failing)]));
  const labelOf = (id: string) => model.byId.get(id)?.label ?? id;
  const mutual: string[] = [];
  const involved = new Set<string>();
  for (const [a, fails] of failingIn) {
    for (const b of fails) {
      if (a < b && failingIn.get(b)?.has(a)) {
        mutual.push(`${labelOf(a)} and ${labelOf(b)} each flag the other as failing`);
        involved.add(labelOf(a));
        involved.add(labelOf(b));
      }
    }
  }
  // One-way: a node answers redis-runbook itself while its peers flag it as failing.
  const oneWay: ModelNode[] = model.nodes.filter(
    (n) => answeredLive(n) && (n.health === 'fail' || n.health === 'pfail'),
  );
  for (const n of oneWay) involved.add(n.label);
  if (mutual.length === 0 && oneWay.length === 0) return [];
  const busClosed = ctx.findings
    .filter((f) => f.code === 'BUS_PORT_UNREACHABLE')
    .flatMap((f) => f.nodes)
    .filter((l) => involved.has(l));
  const facts = [
    ...mutual,
    ...oneWay.map(
      (n) =>
        `${n.label} answers redis-runbook but ${listLabels([...n.failBy, ...n.pfailBy])} flag it as failing`,
    ),
  ];
  const bus =
    busClosed.length > 0
      ? ` The cluster bus port of ${listLabels(busClosed)} does not accept connections, which alone explains why peers cannot reach ${busClosed.length === 1 ? 'it' : 'them'}.`
      : ' Check firewalls and routes for the cluster bus ports (data port + 10000 unless cluster-port is set) as well as the data ports.';
  return [
    {
      code: 'network-partition',
      summary: `Network partition suspected: nodes that are up cannot reach each other (${facts[0]}${facts.length > 1 ? '; …' : ''}).`,
      explanation:
        `${facts.join('; ')}. Nodes that answer for themselves are not dead, so the failures the cluster reports come from the network between them.${bus} ` +
        "The side holding a majority of slot-owning masters may fail over the other side's masters, and the minority side refuses queries. " +
        'Restore connectivity instead of failing over, reassigning slots or forgetting nodes: once the nodes hear each other again the cluster settles by configEpoch, ' +
        'and any writes a replaced minority master accepted meanwhile are dropped.',
      nodes: [...involved],
      slots: '',
      actions: [],
    },
  ];
}

export const networkPartition: RootCauseDetector = {
  code: 'network-partition',
  rank: 10,
  explains: [
    'VIEWS_DIFFER',
    'NODE_PFAIL',
    'NODE_FAIL',
    'CLUSTER_STATE_FAIL',
    'QUORUM_LOST',
    'SLOTS_OWNER_DOWN',
    'BUS_PORT_UNREACHABLE',
    'FULL_COVERAGE_REQUIRED',
    'CONFIG_DISAGREEMENT',
    'EPOCH_COLLISION',
  ],
  supersedes: ['master-failed-no-replica', 'failover-blocked'],
  detect,
};
