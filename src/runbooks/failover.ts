/**
 * A master failed: can one of its replicas take over? Replica state (link, sync, nofailover), data age
 * against cluster-replica-validity-factor, the vote quorum, which failover variant is safe, and what
 * bringing the old master back will do.
 */
import type { ModelNode } from '../cluster/model-types.ts';
import { isDown } from '../diagnose/context.ts';
import { deriveFacts, effectiveConfig } from '../diagnose/facts.ts';
import { restartOutcome } from '../diagnose/persistence.ts';
import { replicaInfo, replicaUnfitReason } from '../diagnose/replication-info.ts';
import {
  cap,
  cli,
  defineStep,
  entryAddress,
  findings,
  healthText,
  list,
  nodeName,
  ok,
  problem,
  problemIf,
  reachAddress,
  skipped,
  slotText,
  withoutView,
} from './common.ts';
import { chooseVariant } from './failover-variant.ts';
import { rootCauseStep } from './shared-steps.ts';
import type { Runbook, RunbookContext } from './types.ts';

/** Masters that own slots and are down, plus failed nodes that lost their slots in a completed failover. */
export function failedMasters(ctx: RunbookContext): ModelNode[] {
  return ctx.model.nodes.filter(
    (n) =>
      n.role !== 'replica' &&
      isDown(n) &&
      (n.slotCount > 0 || n.replicas.length > 0 || n.flags.includes('master')),
  );
}

function replicasOf(ctx: RunbookContext, m: ModelNode): ModelNode[] {
  return ctx.model.nodes.filter((n) => n.masterId === m.id && n.role === 'replica');
}

const failedStep = defineStep('failed-masters', 'Which masters failed, and what they owned', (ctx, self) => {
  const command = `${cli(ctx, entryAddress(ctx), 'cluster nodes')} | grep master`;
  const failed = failedMasters(ctx);
  const blind = withoutView(ctx, self, command);
  if (blind) return blind;
  const completed = ctx.diagnosis.rootCauses.filter((c) => c.code === 'failover-completed');
  const evidence = failed.map(
    (m) =>
      `${nodeName(m)}: ${healthText(m)}; ${m.slotCount > 0 ? `owns ${slotText(m.slots)}` : 'owns no slots now'}`,
  );
  for (const c of completed) evidence.push(`Already failed over: ${c.summary}`);
  if (failed.length === 0) {
    return ok(self, {
      command,
      evidence: cap(evidence),
      meaning: 'No master is down: a failover is not needed.',
    });
  }
  const owning = failed.filter((m) => m.slotCount > 0);
  const meaning =
    owning.length > 0
      ? `${list(owning.map((m) => m.label))} still own slots while down: those slots are unavailable until a replica takes over or the node returns.`
      : 'The failed masters no longer own slots: their replicas (or others) already took over.';
  return problemIf(owning.length > 0, self, { command, evidence: cap(evidence), meaning });
});

const replicasStep = defineStep('replicas', 'Replicas of the failed masters and their state', (ctx, self) => {
  const failed = failedMasters(ctx).filter((m) => m.slotCount > 0);
  const first = failed.flatMap((m) => replicasOf(ctx, m))[0];
  const command = first
    ? cli(ctx, reachAddress(first), 'info replication')
    : cli(ctx, entryAddress(ctx), `cluster replicas ${failed[0]?.id ?? '<master-id>'}`);
  if (failed.length === 0) {
    return skipped(
      self,
      { command, evidence: [], meaning: 'No down master owns slots.' },
      'no failed slot owner',
    );
  }
  const evidence: string[] = [];
  let anyFit = false;
  for (const m of failed) {
    const reps = replicasOf(ctx, m);
    if (reps.length === 0) evidence.push(`${m.label}: no replica at all`);
    for (const r of reps) {
      const info = replicaInfo(r);
      const unfit = replicaUnfitReason(r, m);
      const link = info
        ? `master_link_status:${info.fields.master_link_status ?? '?'} slave_repl_offset:${info.offset ?? '?'}` +
          (info.linkDownSeconds !== null ? ` master_link_down_since_seconds:${info.linkDownSeconds}` : '')
        : 'INFO replication not available';
      const nofo = r.nofailover ? '; flag nofailover (no automatic failover)' : '';
      evidence.push(
        `${m.label} → ${nodeName(r)}: ${healthText(r)}; ${link}${nofo}${unfit ? `; unfit: ${unfit}` : ''}`,
      );
      if (!unfit) anyFit = true;
    }
  }
  const meaning = anyFit
    ? 'At least one replica is up and has the data: it can be promoted.'
    : 'No replica of a failed master is fit to take over: promoting one would lose data, or there is none.';
  return anyFit
    ? ok(self, { command, evidence: cap(evidence), meaning })
    : problem(self, { command, evidence: cap(evidence), meaning });
});

const dataAgeStep = defineStep(
  'data-age',
  'Is the replica data recent enough for an automatic failover?',
  (ctx, self) => {
    const cfg = effectiveConfig(ctx.snapshot);
    const failed = failedMasters(ctx).filter((m) => m.slotCount > 0);
    const reps = failed.flatMap((m) => replicasOf(ctx, m));
    const command = reps[0]
      ? cli(ctx, reachAddress(reps[0]), 'config get cluster-replica-validity-factor')
      : cli(ctx, entryAddress(ctx), 'config get cluster-replica-validity-factor');
    const factor = cfg.replicaValidityFactor;
    const timeout = cfg.nodeTimeoutMs;
    const known = (s: { known: boolean }) => (s.known ? '' : ' (assumed: not readable)');
    const evidence = [
      `cluster-node-timeout ${timeout.value} ms${known(timeout)}, cluster-replica-validity-factor ${factor.value}${known(factor)}`,
    ];
    if (reps.length === 0) {
      return skipped(
        self,
        { command, evidence, meaning: 'No replica of a failed master to check.' },
        'no candidate replica',
      );
    }
    // Automatic failover refuses when the data is older than node_timeout * factor + repl-ping-replica-period.
    const limitS = factor.value === 0 ? Number.POSITIVE_INFINITY : (timeout.value * factor.value) / 1000 + 10;
    let stale = false;
    let never = false;
    for (const r of reps) {
      const info = replicaInfo(r);
      const down = info?.linkDownSeconds ?? null;
      if (info?.neverSynced) {
        never = true;
        evidence.push(
          `${r.label}: never completed a sync with its master: it holds none of the master's data`,
        );
        continue;
      }
      if (down === null || down < 0) {
        evidence.push(`${r.label}: link down time not reported`);
        continue;
      }
      const tooOld = down > limitS;
      stale ||= tooOld;
      evidence.push(
        `${r.label}: link down for ${down} s; limit ${Number.isFinite(limitS) ? `${limitS} s` : 'none (factor 0)'}` +
          (tooOld
            ? ' → too old: the replica will log "Currently unable to failover: Disconnected from master for longer than allowed"'
            : ''),
      );
    }
    const meaning = never
      ? 'A replica that never synced has no data to offer: its age does not matter, it must not be promoted.'
      : stale
        ? 'Automatic failover is refused for data this old; a manual CLUSTER FAILOVER FORCE still works but promotes the old data.'
        : 'Data age does not block an automatic failover.';
    return problemIf(stale || never, self, { command, evidence, meaning });
  },
);

const quorumStep = defineStep('quorum', 'Can the masters still vote a replica in?', (ctx, self) => {
  const command = cli(ctx, entryAddress(ctx), 'cluster info | grep -E "cluster_size|cluster_state"');
  const blind = withoutView(ctx, self, command);
  if (blind) return blind;
  const q = deriveFacts(ctx.model).quorum;
  const evidence = [
    `Masters owning slots: ${q.size}; votes needed: ${q.needed}; reachable: ${q.reachable.length} (${list(q.reachable.map((n) => n.label))})`,
  ];
  if (q.down.length > 0) evidence.push(`Down: ${list(q.down.map((n) => n.label))}`);
  for (const f of findings(ctx, 'QUORUM_LOST', 'NO_ELIGIBLE_VOTERS')) evidence.push(f.message);
  if (q.lost) {
    return problem(self, {
      command,
      evidence,
      meaning:
        'Fewer than a majority of slot-owning masters are up: no election can succeed, so neither automatic ' +
        'failover nor CLUSTER FAILOVER FORCE will work. Only CLUSTER FAILOVER TAKEOVER (no vote) can promote a replica.',
    });
  }
  return ok(self, {
    command,
    evidence,
    meaning: 'A majority of slot-owning masters can vote: an election can succeed.',
  });
});

const variantStep = defineStep('variant', 'Which failover variant is safe', (ctx, self) => {
  const failed = failedMasters(ctx).filter((m) => m.slotCount > 0);
  if (failed.length === 0) {
    return skipped(
      self,
      {
        command: cli(ctx, entryAddress(ctx), 'cluster nodes'),
        evidence: [],
        meaning: 'Nothing to fail over.',
      },
      'no failed slot owner',
    );
  }
  const choices = failed.map((m) => chooseVariant(ctx, m, replicasOf(ctx, m)));
  const evidence = choices.flatMap((c) => [
    `${c.master.label}: ${c.summary}`,
    ...c.details.map((d) => `  ${d}`),
  ]);
  const command =
    choices.find((c) => c.command)?.command ?? `# no safe failover command: ${choices[0]!.summary}`;
  const meaning = choices.map((c) => c.meaning).join(' ');
  return choices.every((c) => c.safe)
    ? ok(self, { command, evidence, meaning })
    : problem(self, { command, evidence, meaning });
});

const oldNodeStep = defineStep('old-node', 'What bringing the old master back means', (ctx, self) => {
  const failed = failedMasters(ctx);
  if (failed.length === 0) {
    return skipped(self, { command: '', evidence: [], meaning: 'No failed master.' }, 'no failed master');
  }
  const evidence: string[] = [];
  for (const m of failed) {
    const tookOver =
      m.slotCount === 0 ||
      ctx.diagnosis.rootCauses.some((c) => c.code === 'failover-completed' && c.nodes.includes(m.label));
    evidence.push(
      tookOver
        ? `${m.label}: its slots now belong to another node with a higher configEpoch; when it returns it becomes that node's replica and does a full resync — writes it took after the failover starts are discarded.`
        : m.probeError?.kind === 'timeout' && m.observation?.busPort?.open
          ? `${m.label}: still the owner of its slots; its process holds its ports but does not answer. If it was stopped (ps -o stat shows T), "kill -CONT <pid>" resumes it with its data; if it is stuck, restart it (same nodes.conf and data dir).`
          : `${m.label}: still the owner of its slots; restarting it (same nodes.conf and data dir) restores service, and ${restartOutcome(ctx.model, m)} If a replica is promoted first, it comes back as a replica instead and resyncs.`,
    );
  }
  const first = failed[0]!;
  return ok(self, {
    command: `${cli(ctx, reachAddress(first), 'ping')}   # after restarting: then ${cli(ctx, reachAddress(first), 'role')}`,
    evidence: cap(evidence),
    meaning:
      'Keep its nodes.conf: a node restarted without it gets a new id and the old id stays in every view as a failed node until forgotten.',
  });
});

/** The failover runbook. */
export const failoverRunbook: Runbook = {
  name: 'failover',
  title: 'Failed master: can a replica take over?',
  description:
    'A master is down or was failed over: check its replicas, the vote quorum and which failover is safe.',
  steps: [failedStep, replicasStep, dataAgeStep, quorumStep, variantStep, oldNodeStep, rootCauseStep],
};
