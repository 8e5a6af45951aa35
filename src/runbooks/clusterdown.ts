/**
 * CLUSTERDOWN / "Hash slot not served": confirm the state, find the failed or missing nodes and the slots
 * they owned, compare with what `redis-cli --cluster check` would say, point at the logs, check every
 * node's ports, and end in the root cause.
 */
import { UNASSIGNED } from '../cluster/model-slots.ts';
import { SLOT_COUNT } from '../cluster/slots.ts';
import { isDown } from '../diagnose/context.ts';
import { deriveFacts } from '../diagnose/facts.ts';
import {
  cap,
  cli,
  clusterCheck,
  defineStep,
  entryAddress,
  healthText,
  list,
  nodeName,
  nothingFound,
  ok,
  plural,
  problem,
  problemIf,
  skippedBySource,
  slotText,
  withoutFullView,
} from './common.ts';
import { keysAtStake } from './keys-text.ts';
import { logsStep, reachabilityStep, rootCauseStep } from './shared-steps.ts';
import type { Runbook } from './types.ts';

const INFO_KEYS = [
  'cluster_state',
  'cluster_slots_assigned',
  'cluster_slots_ok',
  'cluster_slots_pfail',
  'cluster_slots_fail',
  'cluster_known_nodes',
  'cluster_size',
] as const;

const stateStep = defineStep('cluster-state', 'Confirm the cluster state and slot coverage', (ctx, self) => {
  const command = cli(ctx, entryAddress(ctx), 'cluster info');
  const groups = new Map<string, string[]>();
  for (const o of ctx.snapshot.observations) {
    if (!o.clusterInfo) continue;
    const line = INFO_KEYS.filter((k) => o.clusterInfo?.[k] !== undefined)
      .map((k) => `${k}:${o.clusterInfo?.[k]}`)
      .join(' ');
    groups.set(line, [...(groups.get(line) ?? []), o.address]);
  }
  if (groups.size === 0) {
    return skippedBySource(
      ctx,
      self,
      { command, evidence: [], meaning: 'Coverage is worked out from the views in the next steps.' },
      { live: 'no node answered CLUSTER INFO', paste: 'the paste holds no CLUSTER INFO output' },
    );
  }
  const evidence = [...groups].map(([line, nodes]) => `${list(nodes, 4)}: ${line}`);
  const failing = [...groups].filter(([line]) => /cluster_state:fail/.test(line)).flatMap(([, n]) => n);
  const partial = [...groups].some(([line]) => {
    const ok = /cluster_slots_ok:(\d+)/.exec(line);
    return ok !== null && Number(ok[1]) < SLOT_COUNT;
  });
  if (failing.length === 0 && !partial) {
    return ok(self, {
      command,
      evidence: cap(evidence),
      meaning: 'Every node that answered says cluster_state:ok with all 16384 slots served.',
    });
  }
  const meaning =
    failing.length > 0
      ? `${plural(failing.length, 'node')} report cluster_state:fail: they answer every query with CLUSTERDOWN. ` +
        'cluster_slots_fail counts slots whose owner is flagged FAIL; cluster_slots_assigned below 16384 means ' +
        'some slots have no owner at all.'
      : 'The state is ok but not every slot is served: cluster-require-full-coverage is off, so only keys in ' +
        'the missing slots fail ("CLUSTERDOWN Hash slot not served").';
  return problem(self, { command, evidence: cap(evidence), meaning });
});

const failedNodesStep = defineStep(
  'failed-nodes',
  'Identify failed or missing nodes and the slots they owned',
  (ctx, self) => {
    const command = `${cli(ctx, entryAddress(ctx), 'cluster nodes')} | grep -E 'fail|disconnected|handshake|noaddr'`;
    const down = ctx.model.nodes.filter(
      (n) =>
        isDown(n) ||
        n.probeError !== undefined ||
        n.flags.includes('noaddr') ||
        n.flags.includes('handshake'),
    );
    if (down.length === 0)
      return nothingFound(ctx, self, command, 'No node is flagged failing and every probed node answered.');
    const evidence: string[] = [];
    for (const n of down) {
      const slots = n.slotCount > 0 ? `owns ${slotText(n.slots)}` : 'owns no slots';
      const replicas = n.role === 'master' ? `; replicas: ${replicaText(ctx.model, n.replicas)}` : '';
      evidence.push(`${nodeName(n)}: ${healthText(n)}; ${slots}${replicas}`);
      const line = n.flaggedLines[0];
      if (line) evidence.push(`  seen by ${line.observer}: ${line.raw}`);
    }
    const owning = down.filter((n) => n.slotCount > 0 && n.role !== 'replica');
    const meaning =
      owning.length > 0
        ? `${plural(owning.length, 'slot owner')} down: ${list(owning.map((n) => n.label))}. Their slots are not served ` +
          'until the node returns or a replica takes over.'
        : 'The nodes that are down own no slots, so they do not by themselves stop the cluster.';
    return problemIf(owning.length > 0 || down.some(isDown), self, {
      command,
      evidence: cap(evidence),
      meaning,
    });
  },
);

function replicaText(model: { byId: Map<string, { label: string; health: string }> }, ids: string[]): string {
  if (ids.length === 0) return 'none';
  return ids
    .map((id) => `${model.byId.get(id)?.label ?? id} (${model.byId.get(id)?.health ?? 'unknown'})`)
    .join(', ');
}

const coverageStep = defineStep(
  'coverage',
  'Coverage report (what redis-cli --cluster check would say)',
  (ctx, self) => {
    const command = clusterCheck(ctx);
    const blind = withoutFullView(
      ctx,
      self,
      command,
      'Run the command: it lists every slot that is not covered.',
      'no CLUSTER NODES view was available',
    );
    if (blind) return blind;
    const facts = deriveFacts(ctx.model);
    const evidence: string[] = [];
    let served = 0;
    for (let s = 0; s < SLOT_COUNT; s++) {
      const o = ctx.model.slotOwner[s]!;
      if (o !== UNASSIGNED && o >= 0 && !isDown(ctx.model.nodes[o]!)) served++;
    }
    evidence.push(`Slots served by a healthy master: ${served} of ${SLOT_COUNT}.`);
    if (facts.unassigned.length > 0)
      evidence.push(`Unassigned (no owner in any view): ${slotText(facts.unassigned)}.`);
    for (const n of facts.downOwners)
      evidence.push(`Owned by ${n.label}, which is down: ${slotText(n.slots)}.`);
    evidence.push(
      ctx.model.slotGroups.length <= 1
        ? 'All views agree about slot owners.'
        : `Views disagree about slot owners: ${ctx.model.slotGroups.length} different slot maps.`,
    );
    if (ctx.model.openSlots.length > 0)
      evidence.push(`Open (migrating/importing) slots: ${ctx.model.openSlots.length}.`);
    evidence.push(...keysAtStake(ctx));
    if (served === SLOT_COUNT && ctx.model.slotGroups.length <= 1) {
      return ok(self, { command, evidence, meaning: 'All 16384 slots are covered by healthy masters.' });
    }
    if (served === SLOT_COUNT) {
      return problem(self, {
        command,
        evidence,
        meaning:
          'By consensus every slot has a healthy owner, but the nodes do not agree on the owners: a client routed ' +
          'by a node in the minority view gets errors or redirects. Find out which view is stale before changing anything.',
      });
    }
    return problem(self, {
      command,
      evidence,
      meaning:
        'redis-cli --cluster check would print "[ERR] Not all 16384 slots are covered by nodes." It drops ' +
        "unreachable nodes, so a dead master's slots look uncovered even though the cluster still assigns them " +
        'to it: never let `--cluster fix` reassign those while the master or its data may come back.',
    });
  },
);

/** The clusterdown runbook. */
export const clusterdownRunbook: Runbook = {
  name: 'clusterdown',
  title: 'CLUSTERDOWN / hash slot not served',
  description: 'Clients get CLUSTERDOWN or "Hash slot not served": find which slots are down and why.',
  steps: [stateStep, failedNodesStep, coverageStep, logsStep, reachabilityStep, rootCauseStep],
};
