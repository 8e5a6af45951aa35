/**
 * Live snapshot of a cluster: probe the seeds, discover every node from the seeds' CLUSTER NODES views
 * (starting as soon as any seed answers), probe all nodes in parallel, then count keys in slots nobody
 * serves. Produces the pure ClusterSnapshot the model and rules read. Never rejects for dead nodes.
 */

import { slotsToRanges } from '../../cluster/slots.ts';
import type { ClusterSnapshot, NodeObservation, ProbeErrorKind } from '../../cluster/types.ts';
import { naturalCompare } from '../../cluster/util.ts';
import type { ClusterConfig } from '../../config/schema.ts';
import { resolvePassword } from '../../config/target.ts';
import { recheckGuessedBusPorts } from './bus.ts';
import { type ConnectSettings, closeNodeClient, connectSettings } from './connect.ts';
import {
  countKeysInOpenSlots,
  countKeysInUnservedSlots,
  DEFAULT_KEY_COUNT_LIMITS,
  type KeyCountLimits,
} from './keys.ts';
import { joinAddress, natTarget, splitAddress } from './nat.ts';
import { type NodeProbe, type NodeTarget, probeNode } from './node.ts';

export interface ProbeOptions {
  /** Password to use instead of reading the cluster's passwordEnv (tests, ad-hoc terminal use). */
  password?: string;
  /** Hosts the probe may connect to; others discovered in views are reported, not contacted. */
  allowHost?: (host: string) => boolean;
  /** Most nodes to probe (default 1000). */
  maxNodes?: number;
  keyCount?: Partial<KeyCountLimits>;
  /** Clock for `takenAt` (tests). */
  now?: () => Date;
  /** Told each node's outcome as its probe ends: 'ok', or its error kind (metrics; must not throw). */
  onNodeProbed?: (outcome: 'ok' | ProbeErrorKind) => void;
}

/** Probes the cluster live and returns a snapshot with source 'live'. Throws only for config errors. */
export async function probeCluster(
  cluster: ClusterConfig,
  opts: ProbeOptions = {},
): Promise<ClusterSnapshot> {
  const password = opts.password ?? resolvePassword(cluster);
  const settings = connectSettings(cluster, password);
  const takenAt = (opts.now ?? (() => new Date()))().toISOString();
  const { probes, warnings } = await discoverAndProbe(cluster, settings, opts);
  try {
    await recheckGuessedBusPorts(probes, settings.connectMs, cluster.natMap);
    const limits = { ...DEFAULT_KEY_COUNT_LIMITS, ...opts.keyCount };
    const keys = probes.some((p) => p.client) ? await countKeysInUnservedSlots(probes, limits) : null;
    if (keys) warnings.push(...keys.warnings);
    const observations = dedupe(probes.map((p) => p.observation));
    for (const p of probes) warnings.push(...p.notes);
    if (!probes.some((p) => p.client)) {
      warnings.push(
        `No node answered: tried ${cluster.seeds.join(', ')}. Nothing below comes from the cluster itself.`,
      );
    }
    const snapshot: ClusterSnapshot = {
      source: 'live',
      cluster: cluster.name,
      takenAt,
      observations,
      checkReports: [],
      parseIssues: [],
      warnings,
    };
    if (keys) snapshot.keysInSlots = keys.counts;
    if (keys && keys.uncounted.length > 0) snapshot.keysInSlotsUncounted = slotsToRanges(keys.uncounted);
    const open = await countKeysInOpenSlots(probes, limits);
    if (open.length > 0) snapshot.openSlotKeys = open;
    return snapshot;
  } finally {
    for (const p of probes) if (p.client) closeNodeClient(p.client);
  }
}

/** Probes the seeds and, as each seed's view arrives, every node that view lists. */
async function discoverAndProbe(
  cluster: ClusterConfig,
  settings: ConnectSettings,
  opts: ProbeOptions,
): Promise<{ probes: NodeProbe[]; warnings: string[] }> {
  const allow = opts.allowHost ?? (() => true);
  const maxNodes = opts.maxNodes ?? 1000;
  const warnings: string[] = [];
  const launched = new Set<string>();
  const firstFor = new Map<string, string>();
  const running: Promise<void>[] = [];
  const probes: NodeProbe[] = [];
  const seenIds = new Set<string>();
  const notProbed = { outside: [] as string[], overLimit: [] as string[] };

  const launch = (target: NodeTarget, fromSeed: boolean): void => {
    const key = joinAddress(target.host, target.port);
    if (launched.has(key)) {
      const first = firstFor.get(key);
      if (first !== undefined && first !== target.address && !fromSeed) {
        warnings.push(
          `${target.address} was not probed: it maps to ${key}, already probed for ${first} (check the natMap).`,
        );
      }
      return;
    }
    firstFor.set(key, target.address);
    if (!allow(target.host)) {
      notProbed.outside.push(target.address);
      launched.add(key);
      return;
    }
    if (launched.size >= maxNodes) {
      notProbed.overLimit.push(target.address);
      launched.add(key);
      return;
    }
    launched.add(key);
    const run = probeNode(target, settings).then((probe) => {
      probes.push(probe);
      opts.onNodeProbed?.(probe.observation.error?.kind ?? 'ok');
      if (probe.observation.nodeId) seenIds.add(probe.observation.nodeId);
      if (fromSeed) followView(probe);
    });
    running.push(run);
  };

  const followView = (probe: NodeProbe): void => {
    for (const line of probe.observation.nodes?.nodes ?? []) {
      if (line.flags.includes('myself') || seenIds.has(line.id)) continue;
      if (!line.ip || !line.port || line.flags.includes('noaddr')) continue;
      const announced = joinAddress(line.ip, line.port);
      const reach = splitAddress(natTarget(announced, cluster.natMap));
      if (!reach) continue;
      launch(
        {
          address: announced,
          host: reach.host,
          port: reach.port,
          cportHint: line.cport,
          expectedId: line.id,
        },
        false,
      );
    }
  };

  for (const seed of cluster.seeds) {
    const reach = splitAddress(natTarget(seed, cluster.natMap));
    if (!reach) {
      warnings.push(`Seed "${seed}" is not a host:port; skipped.`);
      continue;
    }
    launch({ address: seed, host: reach.host, port: reach.port }, true);
  }
  // Probes launched while waiting are appended to `running`; wait until no new ones appear.
  for (let done = 0; done < running.length; ) {
    const batch = running.slice(done);
    await Promise.all(batch);
    done += batch.length;
  }
  summarize(notProbed.outside, 'outside the allowed addresses', warnings);
  summarize(notProbed.overLimit, `beyond the limit of ${maxNodes} nodes`, warnings);
  return { probes, warnings };
}

/** One warning per skipped node while few, one summary line when many. */
function summarize(addresses: string[], why: string, warnings: string[]): void {
  if (addresses.length <= 5) {
    for (const a of addresses) warnings.push(`${a} was not probed: ${why}.`);
  } else {
    warnings.push(
      `${addresses.length} nodes were not probed (${why}): ${addresses.slice(0, 5).join(', ')} and ${addresses.length - 5} more.`,
    );
  }
}

/** One observation per node id (a seed given by hostname and its announced address are the same node). */
function dedupe(observations: NodeObservation[]): NodeObservation[] {
  const byId = new Map<string, NodeObservation>();
  const out: NodeObservation[] = [];
  for (const o of observations) {
    if (!o.nodeId) {
      out.push(o);
      continue;
    }
    const prev = byId.get(o.nodeId);
    if (prev) continue;
    byId.set(o.nodeId, o);
    out.push(o);
  }
  return out.sort((a, b) => naturalCompare(a.address, b.address));
}
