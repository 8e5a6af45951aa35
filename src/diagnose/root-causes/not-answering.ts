/**
 * A slot owner that does not answer our probe while its peers do not flag it yet. Never 'healthy': its
 * slots may be unserved right now. One view cannot tell "failure detection still running" (it died or
 * froze less than cluster-node-timeout ago) from "only our path to it is broken", so the cause is
 * 'undetermined', with what the peers' ping-sent / link columns show and what to check.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { formatRanges } from '../../cluster/slots.ts';
import { isDown } from '../context.ts';
import { listLabels, plural, shortRanges } from '../finding.ts';
import { clockTime, peerWatch, watchText } from '../peer-watch.ts';
import { replicaUnfitReason } from '../replication-info.ts';
import type { RootCause } from '../types.ts';
import { electionTiming } from './election.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

/** Slot owners the probe could not reach (timeout or refused) that no peer flags fail/fail? (enough). */
export function unconfirmedOwners(ctx: CauseContext): ModelNode[] {
  return ctx.facts.owners.filter((n) => {
    const kind = n.probeError?.kind;
    return (kind === 'timeout' || kind === 'refused') && !isDown(n);
  });
}

function replicaText(ctx: CauseContext, n: ModelNode): string {
  const replicas = n.replicas.flatMap((id) => ctx.model.byId.get(id) ?? []).filter((r) => !isDown(r));
  if (replicas.length === 0)
    return ' It has no live replica, so if it is really down its slots stay unserved until it is back.';
  const fit = replicas.filter((r) => replicaUnfitReason(r, n) === null && !r.nofailover);
  if (fit.length > 0) {
    const t = electionTiming(ctx, n, fit[0]!);
    return ` If it is really down, ${listLabels(fit.map((r) => r.label))} can take over once a majority of masters flags it fail: by the usual timing within about ${Math.round(t.waitMs / 1000)} s (cluster-node-timeout, failure reports, a 0.5-1 s election delay). Wait for that rather than forcing anything.`;
  }
  const r = replicas[0]!;
  const why =
    replicaUnfitReason(r, n) ?? 'it carries the nofailover flag and never starts an election itself';
  return ` Its replica ${listLabels(replicas.map((x) => x.label))} does not look fit to take over (${why}).`;
}

function causeFor(ctx: CauseContext, n: ModelNode): RootCause {
  const w = peerWatch(ctx, n);
  const refused = n.probeError?.kind === 'refused';
  const timeout = ctx.config.nodeTimeoutMs;
  const timeoutText = `${timeout.value} ms${timeout.known ? '' : ', assumed default'}`;
  const flagged =
    n.pfailBy.length > 0
      ? `only ${n.pfailBy.length} of ${n.pfailBy.length + n.okBy.length} peer views flag it fail? so far`
      : 'its peers do not flag it yet';
  const seen = watchText(w);
  const since = w.pendingSince !== null ? ` (pending ping since ${clockTime(w.pendingSince)})` : '';
  const answer = refused ? 'refuses connections (nothing listens on its data port)' : 'does not answer us';
  const verdict = w.peersLosing
    ? 'the peers cannot reach it either, so failure detection is most likely in progress'
    : 'failure detection may still be in progress, or only our path to it is broken';
  const pendingLong = w.waitingMs !== null && w.waitingMs > timeout.value;
  const check = refused
    ? 'Check whether the process still runs (ps, systemctl, the container status, dmesg for an OOM kill) and whether it listens on the port the cluster announces.'
    : 'Check the process state (ps -o stat= -p <pid>: T means stopped by SIGSTOP, resume it with kill -CONT <pid>), its log, the host load and swap, and whether the node answers redis-cli PING from the redis-runbook host.';
  const path = w.peersLosing
    ? 'Its peers are losing it too, which points at the node (or its host), not at the path from redis-runbook. '
    : 'Alternatively the node is fine and only the path from redis-runbook to it is broken (firewall, security group, NAT map, wrong address in the registry). ';
  return {
    code: 'undetermined',
    summary: `${n.label} owns slots ${shortRanges(n.slots)} and ${answer}; ${flagged}${since}: ${verdict}.`,
    explanation:
      `The probe of ${n.label} ${refused ? 'was refused' : 'timed out'} (${n.probeError?.message ?? 'no message'}), so its ${plural(n.slotCount, 'slot')} may be unserved for clients right now. ` +
      `Yet ${plural(n.okBy.length, 'peer view')} still ${n.okBy.length === 1 ? 'lists' : 'list'} it healthy${seen ? `: ${seen}` : ''}. ` +
      `Peers flag a node fail? only after a ping to it has waited cluster-node-timeout (${timeoutText}), and fail once a majority of slot-owning masters agree; ` +
      (pendingLong
        ? 'a ping has already waited longer than that, so the peers should flag it at any moment. '
        : 'so this may be the first seconds of a real failure. ') +
      path +
      `Run the diagnosis again after cluster-node-timeout: if the peers then flag it, it is down.${replicaText(ctx, n)} ${check}`,
    nodes: [n.label],
    slots: formatRanges(n.slots),
    actions: [],
  };
}

export const ownerNotAnswering: RootCauseDetector = {
  code: 'undetermined',
  rank: 90,
  explains: ['NODE_UNREACHABLE'],
  // A proven cause that already covers the node (host lost, wrong announced address, ...) says more.
  yieldsTo: ['NODE_UNREACHABLE'],
  detect: (ctx) => unconfirmedOwners(ctx).map((n) => causeFor(ctx, n)),
};
