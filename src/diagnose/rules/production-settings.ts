/**
 * Settings that cause the next outage: SETTINGS_DIFFER, REPLICA_NO_FAILOVER, REPLICA_VALIDITY_BLOCKS,
 * MIGRATION_BARRIER, COVERAGE_POLICY, NO_PERSISTENCE, EVICTION_POLICY and ANNOUNCE_UNSET. Judges only
 * nodes that answered the probe, and only settings that were read: an unknown value never raises a
 * finding (the settings report lists it as unknown). The nofailover flag of CLUSTER NODES counts as
 * cluster-replica-no-failover, so pastes get that check too.
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import type { NodeConfig } from '../../cluster/types.ts';
import { isDown, type RuleContext } from '../context.ts';
import { finding, listLabels, plural, shortRanges } from '../finding.ts';
import { replicaInfo } from '../replication-info.ts';
import { SETTINGS } from '../settings/catalogue.ts';
import { announceEvidence } from '../settings/evidence.ts';
import type { Finding } from '../types.ts';

interface Judged {
  node: ModelNode;
  cfg: NodeConfig;
}

/** Nodes that answered with their settings (a loading or unreachable node is not judged). */
function judged(ctx: RuleContext): Judged[] {
  return ctx.model.nodes.flatMap((node) =>
    node.observation?.config && !node.probeError ? [{ node, cfg: node.observation.config }] : [],
  );
}

function differ(nodes: readonly Judged[]): Finding[] {
  const out: Finding[] = [];
  for (const spec of SETTINGS) {
    if (!spec.same) continue;
    const groups = new Map<string, string[]>();
    for (const { node, cfg } of nodes) {
      const v = spec.read(cfg);
      if (v !== undefined) groups.set(v, [...(groups.get(v) ?? []), node.label]);
    }
    if (groups.size < 2) continue;
    const ordered = [...groups].sort((a, b) => b[1].length - a[1].length);
    const odd = ordered.slice(1).flatMap(([, labels]) => labels);
    const values = ordered.map(([v, labels]) => `${v} on ${listLabels(labels)}`).join('; ');
    const timeout = spec.name === 'cluster-node-timeout';
    out.push(
      finding(
        'SETTINGS_DIFFER',
        timeout ? 'warning' : 'info',
        `${spec.name} differs between nodes (${values}). ${spec.why} ` +
          (timeout
            ? 'Nodes with a shorter timeout flag peers failing and start elections sooner than the others expect. '
            : '') +
          'Set one value everywhere, with CONFIG SET and in each config file (CONFIG REWRITE).',
        odd,
        '',
        ordered.map(([v, labels]) => `${spec.name} ${v}: ${labels.join(', ')}`),
      ),
    );
  }
  return out;
}

function noFailover(ctx: RuleContext, byId: Map<string, Judged>): Finding[] {
  const out: Finding[] = [];
  for (const m of ctx.facts.owners) {
    const reps = m.replicas.flatMap((id) => ctx.model.byId.get(id) ?? []);
    if (reps.length === 0) continue;
    const off = (r: ModelNode) => r.nofailover || byId.get(r.id)?.cfg.replicaNoFailover === true;
    if (!reps.every(off)) continue;
    out.push(
      finding(
        'REPLICA_NO_FAILOVER',
        'warning',
        `Every replica of ${m.label} (slots ${shortRanges(m.slots)}) has cluster-replica-no-failover yes: if ${m.label} fails, no replica takes over and its slots stay down until someone runs CLUSTER FAILOVER FORCE or TAKEOVER on a replica. Keep it on at least one replica per master unless that is a deliberate choice.`,
        [m.label, ...reps.map((r) => r.label)],
        m.slots,
        reps.map(
          (r) => `${r.label}: ${r.nofailover ? 'nofailover flag' : 'cluster-replica-no-failover yes'}`,
        ),
      ),
    );
  }
  return out;
}

/** ms a replica's link may be down before it refuses to fail over; null when the factor is 0 or unknown. */
function validityWindowMs(cfg: NodeConfig): number | null {
  const { replicaValidityFactor: factor, nodeTimeoutMs: timeout } = cfg;
  if (factor === undefined || timeout === undefined || factor <= 0) return null;
  return timeout * factor + (cfg.replPingReplicaPeriodS ?? 10) * 1000;
}

function validity(ctx: RuleContext, nodes: readonly Judged[]): Finding[] {
  const out: Finding[] = [];
  const short: { node: ModelNode; ms: number }[] = [];
  for (const { node, cfg } of nodes) {
    if (node.role !== 'replica') continue;
    const ms = validityWindowMs(cfg);
    if (ms === null) continue;
    const down = replicaInfo(node)?.linkDownSeconds;
    const master = node.masterId ? ctx.model.byId.get(node.masterId) : undefined;
    if (down && down > 0 && down * 1000 > ms && master && !isDown(master)) {
      out.push(
        finding(
          'REPLICA_VALIDITY_BLOCKS',
          'warning',
          `${node.label} lost its link to ${master.label} ${down} s ago, longer than the ${Math.round(ms / 1000)} s cluster-replica-validity-factor allows: if ${master.label} fails now, ${node.label} refuses to take over.`,
          [node.label],
          '',
          [`master_link_down_since_seconds:${down} on ${node.label}`],
        ),
      );
    } else if (ms < ctx.opts.minValidityWindowMs) short.push({ node, ms });
  }
  if (short.length > 0) {
    const secs = Math.round(Math.max(...short.map((s) => s.ms)) / 1000);
    out.push(
      finding(
        'REPLICA_VALIDITY_BLOCKS',
        'info',
        `On ${plural(short.length, 'replica')} a link to the master that is down for more than ${secs} s (cluster-node-timeout x cluster-replica-validity-factor + repl-ping-replica-period) makes the replica refuse to fail over: a partition that long leaves the shard down until a human forces a failover. A larger factor, or 0 (always try, at the risk of promoting stale data), widens it.`,
        short.map((s) => s.node.label),
        '',
        short.map((s) => `${s.node.label}: validity window ${Math.round(s.ms / 1000)} s`),
      ),
    );
  }
  return out;
}

function barrier(ctx: RuleContext, nodes: readonly Judged[]): Finding[] {
  const zero = nodes.filter(({ cfg }) => cfg.migrationBarrier === 0 && cfg.allowReplicaMigration !== false);
  const out: Finding[] = [];
  if (zero.length > 0) {
    out.push(
      finding(
        'MIGRATION_BARRIER',
        'warning',
        `cluster-migration-barrier is 0 on ${listLabels(zero.map((z) => z.node.label))}: a replica may move away from its master even when that leaves the master with none. Redis documents 0 as for debugging only; 1 (the default) or more keeps every master covered.`,
        zero.map((z) => z.node.label),
        '',
        zero.map((z) => `${z.node.label}: cluster-migration-barrier 0`),
      ),
    );
  }
  const working = (m: ModelNode) =>
    m.replicas.flatMap((id) => ctx.model.byId.get(id) ?? []).filter((r) => !isDown(r));
  const orphans = ctx.facts.owners.filter((m) => !isDown(m) && working(m).length === 0);
  const donors = ctx.facts.owners.filter((m) => working(m).length >= 2);
  if (orphans.length === 0 || donors.length === 0) return out;
  const cfgOf = new Map(nodes.map((j) => [j.node.id, j.cfg]));
  const blocked = donors.filter((d) =>
    working(d).every((r) => {
      const c = cfgOf.get(r.id);
      if (!c || c.migrationBarrier === undefined) return false;
      return c.allowReplicaMigration === false || working(d).length - 1 < c.migrationBarrier;
    }),
  );
  if (blocked.length < donors.length) return out;
  out.push(
    finding(
      'MIGRATION_BARRIER',
      'info',
      `${listLabels(orphans.map((o) => o.label))} ${orphans.length === 1 ? 'has' : 'have'} no working replica, and replica migration will not give ${orphans.length === 1 ? 'it' : 'them'} one: ${listLabels(donors.map((d) => d.label))} ${donors.length === 1 ? 'has' : 'have'} spare replicas, but cluster-migration-barrier or cluster-allow-replica-migration no keeps them. Add a replica, or lower the barrier.`,
      [...orphans, ...donors].map((n) => n.label),
      '',
      donors.map((d) => `${d.label}: ${working(d).length} working replicas`),
    ),
  );
  return out;
}

function coveragePolicy(nodes: readonly Judged[]): Finding[] {
  const partial = nodes.filter((j) => j.cfg.requireFullCoverage === false).map((j) => j.node.label);
  const reads = nodes.filter((j) => j.cfg.allowReadsWhenDown === true).map((j) => j.node.label);
  if (partial.length === 0 && reads.length === 0) return [];
  const parts = [
    partial.length > 0
      ? "cluster-require-full-coverage no: when a shard has no working master, the other slots keep serving and only that shard's keys fail"
      : '',
    reads.length > 0
      ? 'cluster-allow-reads-when-down yes: while the cluster is down, reads are still answered from whatever a node holds, possibly stale'
      : '',
  ].filter(Boolean);
  return [
    finding(
      'COVERAGE_POLICY',
      'info',
      `${parts.join('; ')}. A deliberate trade of consistency for availability: make sure clients expect partial answers during an outage.`,
      [...new Set([...partial, ...reads])],
      '',
      [
        ...partial.map((l) => `${l}: cluster-require-full-coverage no`),
        ...reads.map((l) => `${l}: cluster-allow-reads-when-down yes`),
      ],
    ),
  ];
}

function persistence(nodes: readonly Judged[]): Finding[] {
  return nodes.flatMap(({ node, cfg }) => {
    if (node.role !== 'master' || node.slotCount === 0 || cfg.appendonly !== false || cfg.save !== '')
      return [];
    const server = node.observation?.server ?? {};
    const supervised = server.process_supervised;
    const restarts =
      supervised && supervised !== 'no'
        ? ` It runs under ${supervised}, which may restart it at once.`
        : server.process_id === '1'
          ? ' It runs as PID 1, as in a container whose orchestrator restarts it.'
          : ' Whether something restarts it automatically is not visible from here.';
    const reps = node.replicas.length;
    return [
      finding(
        'NO_PERSISTENCE',
        'warning',
        `${node.label} (slots ${shortRanges(node.slots)}) has no persistence at all (appendonly no, save ""): if it is restarted before a replica takes over, it comes back empty and still master of its slots${reps > 0 ? `, and its ${plural(reps, 'replica')} copy the empty data set` : ''}, so their data is gone.${restarts} Turn on appendonly or save points on masters, or make sure a dead master is never restarted automatically.`,
        [node.label],
        node.slots,
        [`${node.label}: appendonly no, save ""${supervised ? `, process_supervised:${supervised}` : ''}`],
      ),
    ];
  });
}

function eviction(nodes: readonly Judged[]): Finding[] {
  const evicting = nodes.filter(
    ({ node, cfg }) =>
      node.role === 'master' &&
      cfg.maxmemoryPolicy !== undefined &&
      cfg.maxmemoryPolicy !== 'noeviction' &&
      (cfg.maxmemoryBytes ?? 1) > 0,
  );
  if (evicting.length === 0) return [];
  const policies = [...new Set(evicting.map((e) => e.cfg.maxmemoryPolicy))];
  return [
    finding(
      'EVICTION_POLICY',
      'info',
      `maxmemory-policy ${policies.join(', ')} on ${plural(evicting.length, 'master')}: when memory fills, Redis deletes keys to make room. Right for a cache; silent data loss if this cluster is a store of record, where noeviction (writes fail with OOM instead) is the safe choice.`,
      evicting.map((e) => e.node.label),
      '',
      evicting.map(
        (e) =>
          `${e.node.label}: maxmemory-policy ${e.cfg.maxmemoryPolicy}, maxmemory ${e.cfg.maxmemoryBytes ?? 'unknown'}`,
      ),
    ),
  ];
}

function announce(nodes: readonly Judged[]): Finding[] {
  return nodes.flatMap(({ node, cfg }) => {
    if (cfg.announceIp !== '' || (cfg.announceHostname !== undefined && cfg.announceHostname !== ''))
      return [];
    const ev = announceEvidence(node);
    if (!ev) return [];
    return [
      finding(
        'ANNOUNCE_UNSET',
        ev.strong ? 'warning' : 'info',
        `${node.label} announces its own local address (cluster-announce-ip is unset), ${ev.why}. Clients outside that network are redirected (MOVED, ASK, CLUSTER SLOTS) to ${node.label} and cannot follow. ${ev.strong ? '' : 'redis-runbook cannot see whether the clients share that network. '}If they do not, set cluster-announce-ip, -port and -bus-port to the address they use.`,
        [node.label],
        '',
        ev.evidence,
      ),
    ];
  });
}

/** The production settings rule family. */
export function productionSettingsRule(ctx: RuleContext): Finding[] {
  const nodes = judged(ctx);
  const byId = new Map(nodes.map((j) => [j.node.id, j]));
  return [
    ...differ(nodes),
    ...noFailover(ctx, byId),
    ...validity(ctx, nodes),
    ...barrier(ctx, nodes),
    ...coveragePolicy(nodes),
    ...persistence(nodes),
    ...eviction(nodes),
    ...announce(nodes),
  ];
}
