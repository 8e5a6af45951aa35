/**
 * General health check: all slots assigned and served, every master with a replica and taking writes
 * (min-replicas-to-write met), bus ports open,
 * replicas on other hosts, node timeout sane, production settings safe, and every node agreeing on the layout.
 */
import { isDown } from '../diagnose/context.ts';
import { deriveFacts, effectiveConfig } from '../diagnose/facts.ts';
import { minReplicasOf } from '../diagnose/min-replicas.ts';
import type { FindingCode } from '../diagnose/types.ts';
import {
  BUS_CHECK_ALTERNATIVES,
  busPortCheck,
  cap,
  cli,
  clusterCheck,
  defineStep,
  entryAddress,
  findings,
  ok,
  okUnless,
  plural,
  problem,
  skipped,
  slotText,
  withoutFullView,
  withoutView,
} from './common.ts';
import { settingsStep } from './settings-step.ts';
import { rootCauseStep } from './shared-steps.ts';
import type { Runbook, RunbookContext } from './types.ts';

function fromFindings(ctx: RunbookContext, codes: FindingCode[]): string[] {
  return findings(ctx, ...codes).flatMap((f) => [f.message, ...f.evidence.slice(0, 3).map((e) => `  ${e}`)]);
}

const slotsStep = defineStep('slots', 'Are all 16384 slots assigned and served?', (ctx, self) => {
  const command = clusterCheck(ctx);
  const blind = withoutFullView(
    ctx,
    self,
    command,
    'Run the command to check coverage.',
    'no CLUSTER NODES view',
  );
  if (blind) return blind;
  const facts = deriveFacts(ctx.model);
  const evidence: string[] = [];
  if (facts.unassigned.length > 0) evidence.push(`Unassigned: ${slotText(facts.unassigned)}`);
  for (const n of facts.downOwners) evidence.push(`Owner down: ${n.label} owns ${slotText(n.slots)}`);
  const silent = facts.owners.filter(
    (n) =>
      !facts.downOwners.includes(n) && (n.probeError?.kind === 'timeout' || n.probeError?.kind === 'refused'),
  );
  for (const n of silent) {
    evidence.push(
      `Owner not answering: ${n.label} owns ${slotText(n.slots)} and ${n.probeError?.kind === 'refused' ? 'refused the probe (nothing listens)' : 'did not answer the probe in time'}, ` +
        `though ${n.okBy.length} peer view(s) still list it healthy — if it stays silent, the cluster flags it ` +
        'within cluster-node-timeout: run this again.',
    );
  }
  if (evidence.length === 0) {
    return ok(self, {
      command,
      evidence: [`${facts.owners.length} masters own all 16384 slots and are up.`],
      meaning: 'Full coverage.',
    });
  }
  return problem(self, {
    command,
    evidence,
    meaning:
      silent.length > 0 && facts.downOwners.length === 0 && facts.unassigned.length === 0
        ? 'The cluster still counts every slot as served, but a slot owner does not answer: clients of its slots may be timing out right now.'
        : 'Slots without a healthy owner fail with CLUSTERDOWN.',
  });
});

const replicasStep = defineStep('replicas', 'Does every master have a replica?', (ctx, self) => {
  const command = `${cli(ctx, entryAddress(ctx), 'cluster nodes')} | grep master`;
  const blind = withoutView(ctx, self, command);
  if (blind) return blind;
  const owners = deriveFacts(ctx.model).owners;
  const bare = owners.filter((m) => !m.replicas.some((id) => !isDown(ctx.model.byId.get(id)!)));
  return okUnless(
    self,
    command,
    bare.map((m) => `${m.label} owns ${slotText(m.slots)} with no working replica`),
    {
      evidence: [`All ${plural(owners.length, 'master')} have at least one working replica.`],
      meaning: 'Any single master can fail without downtime.',
    },
    'If one of these masters dies its slots go down until it is restarted: add a replica to each.',
  );
});

const writesStep = defineStep('writes', 'Does every master accept writes?', (ctx, self) => {
  const command = `${cli(ctx, entryAddress(ctx), 'info replication')} | grep -E '^(role|connected_slaves|min_slaves_good_slaves)'`;
  const blind = withoutView(ctx, self, command);
  if (blind) return blind;
  const owners = deriveFacts(ctx.model).owners.filter((m) => !isDown(m));
  const settings = owners.map((m) => ({ m, q: minReplicasOf(m) }));
  const refusing = fromFindings(ctx, ['MASTER_REFUSES_WRITES']);
  if (refusing.length > 0)
    return problem(self, {
      command,
      evidence: cap(refusing),
      meaning:
        'These masters refuse every write with NOREPLICAS while the cluster reports ok: bring their replicas back or add one.',
    });
  const unknown = settings.filter(({ q }) => q.state === 'unknown' || (q.state === 'on' && q.good === null));
  if (owners.length > 0 && unknown.length === owners.length)
    return skipped(
      self,
      {
        command,
        evidence: [],
        meaning:
          'Run the command on each master: min_slaves_good_slaves below min-replicas-to-write means it refuses writes.',
      },
      `min-replicas-to-write was not read (${unknown[0]!.q.why ?? 'no CONFIG GET or INFO replication'})`,
    );
  const on = settings.filter(({ q }) => q.state === 'on');
  const evidence = [
    on.length === 0
      ? `No master enforces min-replicas-to-write: none refuses writes for want of replicas.`
      : `${plural(on.length, 'master')} ${on.length === 1 ? 'enforces' : 'enforce'} min-replicas-to-write and ${on.length === 1 ? 'counts' : 'count'} enough good replicas.`,
  ];
  if (unknown.length > 0)
    evidence.push(
      `Not read on ${unknown.map(({ m }) => m.label).join(', ')}: ${unknown[0]!.q.why ?? 'unknown'}.`,
    );
  return ok(self, { command, evidence, meaning: 'Writes are accepted everywhere this could be checked.' });
});

const busStep = defineStep('bus-ports', 'Are the cluster bus ports reachable?', (ctx, self) => {
  const probed = ctx.snapshot.observations.filter((o) => o.busPort);
  const closed = probed.filter((o) => o.busPort && !o.busPort.open);
  const first = closed[0] ?? probed[0];
  const command = first?.busPort
    ? busPortCheck((first.contactedAddress ?? first.address).replace(/:\d+$/, ''), first.busPort.port)
    : busPortCheck('<host>', '<port+10000>');
  if (probed.length === 0 || !probed.some((o) => o.nodes && !o.error)) {
    return skipped(
      self,
      {
        command,
        evidence: [],
        meaning: `Check each node's bus port (port + 10000 unless cluster-port is set). ${BUS_CHECK_ALTERNATIVES}`,
      },
      'bus ports can only be checked live',
    );
  }
  const evidence = closed.map(
    (o) => `${o.address}: bus port ${o.busPort!.port} closed (${o.busPort!.error ?? 'no answer'})`,
  );
  evidence.push(...fromFindings(ctx, ['BUS_PORT_UNREACHABLE']));
  return okUnless(
    self,
    command,
    evidence,
    { evidence: [`${plural(probed.length, 'bus port')} accept TCP.`], meaning: 'Nodes can gossip and vote.' },
    `A node whose bus port peers cannot reach is flagged failing by them even though clients still reach it. ${BUS_CHECK_ALTERNATIVES}`,
  );
});

const placementStep = defineStep(
  'placement',
  'Are replicas on other hosts than their masters?',
  (ctx, self) => {
    const command = `${cli(ctx, entryAddress(ctx), 'cluster nodes')} | awk '{print $2, $3, $4}'`;
    const blind = withoutView(ctx, self, command);
    if (blind) return blind;
    return okUnless(
      self,
      command,
      fromFindings(ctx, ['REPLICA_SAME_HOST', 'HOST_HOLDS_MAJORITY']),
      {
        evidence: [],
        meaning: 'No host carries a master together with its own replica, or a majority of masters.',
      },
      'Losing that one host takes out a master and the replica meant to replace it (or the vote majority).',
    );
  },
);

const timeoutStep = defineStep(
  'node-timeout',
  'Is cluster-node-timeout sane and the same everywhere?',
  (ctx, self) => {
    const command = cli(ctx, entryAddress(ctx), 'config get cluster-node-timeout');
    const cfg = effectiveConfig(ctx.snapshot);
    if (!cfg.nodeTimeoutMs.known) {
      return skipped(
        self,
        { command, evidence: [], meaning: 'Run the command on each node.' },
        'CONFIG GET was not available',
      );
    }
    const evidence = [`cluster-node-timeout: ${cfg.nodeTimeoutMs.value} ms (lowest seen)`];
    evidence.push(...fromFindings(ctx, ['NODE_TIMEOUT_LOW', 'CONFIG_DISAGREEMENT']));
    if (evidence.length === 1)
      return ok(self, { command, evidence, meaning: 'Failure detection timing is consistent.' });
    return problem(self, {
      command,
      evidence: cap(evidence),
      meaning:
        'A very low timeout makes short pauses (fork, swap, GC on the host) look like failures and triggers needless failovers.',
    });
  },
);

const agreementStep = defineStep('agreement', 'Do all nodes agree on the layout?', (ctx, self) => {
  const command = clusterCheck(ctx);
  const blind = withoutView(ctx, self, command);
  if (blind) return blind;
  const evidence = fromFindings(ctx, [
    'VIEWS_DIFFER',
    'EPOCH_COLLISION',
    'SLOT_MULTIPLE_OWNERS',
    'NODE_HANDSHAKE',
    'GHOST_NODE',
  ]);
  if (ctx.model.slotGroups.length > 1)
    evidence.unshift(`${ctx.model.slotGroups.length} different slot maps among the views.`);
  return okUnless(
    self,
    command,
    evidence,
    {
      evidence: [`${plural(ctx.model.views.length, 'view')} agree about slot owners.`],
      meaning: 'Consistent configuration.',
    },
    'Nodes that disagree route clients differently; find out why before changing anything.',
  );
});

/** The health runbook. */
export const healthRunbook: Runbook = {
  name: 'health',
  title: 'Cluster health check',
  description:
    'No incident in sight: check coverage, redundancy, writes, bus ports, placement, timeouts, settings and agreement.',
  steps: [
    slotsStep,
    replicasStep,
    writesStep,
    busStep,
    placementStep,
    timeoutStep,
    settingsStep,
    agreementStep,
    rootCauseStep,
  ],
};
