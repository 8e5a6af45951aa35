/** Redundancy and placement: MASTER_WITHOUT_REPLICA, REPLICA_SAME_HOST, HOST_HOLDS_MAJORITY. */
import { normalizeRanges } from '../../cluster/slots.ts';
import { isDown, type RuleContext } from '../context.ts';
import { finding, listLabels, plural } from '../finding.ts';
import { isHealthyReplica, replicaUnfitReason } from '../replication-info.ts';
import type { Finding } from '../types.ts';

function withoutReplica(ctx: RuleContext): Finding[] {
  const { model, facts } = ctx;
  // redis-cli check's "N additional replica(s)" counts replicas whose own lines may have been cut
  const lonely = facts.owners.filter(
    (m) =>
      !isDown(m) &&
      !m.replicas.some((r) => isHealthyReplica(model.byId.get(r)!, m)) &&
      !(m.replicas.length === 0 && (m.reportedReplicas ?? 0) > 0),
  );
  if (lonely.length === 0) return [];
  const evidence = lonely.map((m) => {
    if (m.replicas.length === 0)
      return `${m.label} owns ${plural(m.slotCount, 'slot')} and no node replicates it`;
    const reasons = m.replicas.map((r) => replicaUnfitReason(model.byId.get(r)!, m) ?? `${r} link down`);
    return `${m.label} owns ${plural(m.slotCount, 'slot')}; its replicas are unfit: ${reasons.join('; ')}`;
  });
  const who =
    lonely.length === 1
      ? `Master ${lonely[0]!.label} has no healthy replica`
      : `${lonely.length} slot-owning masters have no healthy replica (${listLabels(lonely.map((m) => m.label))})`;
  return [
    finding(
      'MASTER_WITHOUT_REPLICA',
      'warning',
      `${who}: if ${lonely.length === 1 ? 'it fails' : 'one fails'}, its slots stay down until it is restarted.`,
      lonely.map((m) => m.label),
      normalizeRanges(lonely.flatMap((m) => m.slots)),
      evidence,
    ),
  ];
}

function sameHost(ctx: RuleContext): Finding[] {
  const pairs: string[] = [];
  const nodes = new Set<string>();
  for (const r of ctx.model.nodes) {
    if (r.role !== 'replica' || !r.masterId || !r.host) continue;
    const m = ctx.model.byId.get(r.masterId);
    if (!m || m.host !== r.host) continue;
    pairs.push(`replica ${r.label} and its master ${m.label} are both on host ${r.host}`);
    nodes.add(r.label);
    nodes.add(m.label);
  }
  if (pairs.length === 0) return [];
  return [
    finding(
      'REPLICA_SAME_HOST',
      'warning',
      `${plural(pairs.length, 'replica runs', 'replicas run')} on the same host as ${pairs.length === 1 ? 'its master' : 'their masters'}: losing that host loses both copies of those slots.`,
      [...nodes],
      '',
      pairs,
    ),
  ];
}

function hostMajority(ctx: RuleContext): Finding[] {
  if (ctx.facts.partial) return []; // a cut paste's owner count is a lower bound
  const { size, needed } = ctx.facts.quorum;
  if (size < 2) return [];
  const byHost = new Map<string, string[]>();
  for (const m of ctx.facts.owners) {
    if (!m.host) continue;
    byHost.set(m.host, [...(byHost.get(m.host) ?? []), m.label]);
  }
  const out: Finding[] = [];
  for (const [host, labels] of byHost) {
    if (labels.length < needed) continue;
    out.push(
      finding(
        'HOST_HOLDS_MAJORITY',
        'warning',
        `Host ${host} runs ${labels.length} of the ${size} slot-owning masters (a majority needs ${needed}): if that host goes down, the cluster loses its quorum and no failover can happen.`,
        labels,
        '',
        [`${host}: ${labels.join(', ')}`],
      ),
    );
  }
  return out;
}

/** Redundancy rule family. */
export function redundancyRule(ctx: RuleContext): Finding[] {
  return [...withoutReplica(ctx), ...sameHost(ctx), ...hostMajority(ctx)];
}
