/**
 * host-failure: several nodes went down together and they are every node of one host (same ip or
 * announced hostname), or of one availability zone when hostnames name zones. Conservative: the group
 * must be entirely down while nodes elsewhere are up, and zones count only when at least two are seen.
 */
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import { formatRanges } from '../../cluster/slots.ts';
import { isDown } from '../context.ts';
import { firstOf, listLabels, plural, shortRanges } from '../finding.ts';
import { zoneOf } from '../ip-kind.ts';
import { pasteGaps } from '../paste-gaps.ts';
import { restartOutcome } from '../persistence.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import { restartNode } from './actions.ts';
import { OWNER_DOWN_CODES } from './shards.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

export interface HostLoss {
  level: 'host' | 'zone';
  key: string;
  nodes: ModelNode[];
}

function down(n: ModelNode): boolean {
  return isDown(n) || n.health === 'unreachable';
}

function groups(model: ClusterModel, keyOf: (n: ModelNode) => string | null): Map<string, ModelNode[]> {
  const out = new Map<string, ModelNode[]>();
  for (const n of model.nodes) {
    if (n.handshakeBy.length > 0) continue;
    const k = keyOf(n);
    if (!k) continue;
    out.set(k, [...(out.get(k) ?? []), n]);
  }
  return out;
}

/**
 * Hosts that answered: the host part of every observer whose own CLUSTER NODES (live, or pasted behind a
 * `redis-cli -h H` prompt) is here, even when its myself line was filtered out of the paste.
 */
function answeringHosts(model: ClusterModel): Set<string> {
  const out = new Set<string>();
  for (const v of model.views) {
    if (v.source === 'check') continue;
    const m = /^\[?([^\]\s]+?)\]?:\d{1,5}$/.exec(v.observer);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}

/** Hosts (or zones) all of whose nodes are down while other hosts still have live nodes. */
export function hostLosses(model: ClusterModel): HostLoss[] {
  const out: HostLoss[] = [];
  const answering = answeringHosts(model);
  const levels: [HostLoss['level'], (n: ModelNode) => string | null][] = [
    ['host', (n) => n.host || null],
    ['zone', (n) => zoneOf(n.hostname)],
  ];
  for (const [level, keyOf] of levels) {
    const g = groups(model, keyOf);
    const alive = level === 'host' ? [...answering].filter((h) => !g.has(h)) : [];
    if (g.size + alive.length < 2) continue;
    for (const [key, nodes] of g) {
      if (nodes.length < 2 || !nodes.every(down)) continue;
      const elsewhereUp =
        alive.length > 0 || [...g.entries()].some(([k, ns]) => k !== key && ns.some((n) => !down(n)));
      if (!elsewhereUp) continue;
      // A zone loss that is just one host loss adds nothing.
      if (
        level === 'zone' &&
        out.some((h) => h.nodes.length === nodes.length && nodes.every((n) => h.nodes.includes(n)))
      )
        continue;
      out.push({ level, key, nodes });
    }
  }
  return out;
}

function exposure(ctx: CauseContext, h: HostLoss): { text: string[]; slots: ModelNode[] } {
  const text: string[] = [];
  const owners = h.nodes.filter((n) => n.role !== 'replica' && n.slotCount > 0);
  const stranded = owners.filter((m) =>
    m.replicas.every((id) => {
      const r = ctx.model.byId.get(id);
      return !r || h.nodes.includes(r) || down(r);
    }),
  );
  for (const m of stranded) {
    const together = m.replicas
      .flatMap((id) => ctx.model.byId.get(id) ?? [])
      .filter((r) => h.nodes.includes(r));
    text.push(
      together.length > 0
        ? `master ${m.label} and its replica ${listLabels(together.map((r) => r.label))} were both on it, so slots ${shortRanges(m.slots)} have no copy left to fail over to`
        : `master ${m.label} had no replica elsewhere, so slots ${shortRanges(m.slots)} are down`,
    );
  }
  const { size, needed } = ctx.facts.quorum;
  if (!ctx.facts.partial && size > 0 && size - owners.length < needed)
    text.push(
      `it ran ${owners.length} of the ${size} slot-owning masters, so the rest cannot form the majority of ${needed} needed to fail anything over`,
    );
  for (const f of ctx.findings) {
    if (
      (f.code === 'REPLICA_SAME_HOST' || f.code === 'HOST_HOLDS_MAJORITY') &&
      f.nodes.some((l) => h.nodes.some((n) => n.label === l))
    )
      text.push(`the layout risk was already flagged (${f.code})`);
  }
  return { text: [...new Set(text)], slots: stranded };
}

/** Exposure facts stated one by one; the rest are counted. */
const MAX_EXPOSURE = 12;

function detect(ctx: CauseContext): RootCause[] {
  return hostLosses(ctx.model).map((h) => {
    const { text, slots } = exposure(ctx, h);
    const where = h.level === 'host' ? `host ${h.key}` : `availability zone ${h.key} (from the hostnames)`;
    const actions: RecommendedAction[] = [...h.nodes]
      .sort((a, b) => Number(b.slotCount > 0) - Number(a.slotCount > 0))
      .map((n) =>
        restartNode(
          ctx.model,
          n,
          `Bring ${where} back, or start this node elsewhere with its data directory (nodes.conf, RDB/AOF) intact: it rejoins with its id, and ${restartOutcome(ctx.model, n)}`,
        ),
      );
    const cut = ctx.facts.partial
      ? ` The paste is missing lines (${pasteGaps(ctx.model).reasons[0]}), so a live node on ${where}, if any, would not show: check it.`
      : '';
    return {
      code: 'host-failure',
      summary: `${h.level === 'host' ? 'Host' : 'Zone'} failure: all ${plural(h.nodes.length, 'node')} ${cut ? 'the paste shows ' : ''}on ${where} are down together (${listLabels(h.nodes.map((n) => n.label))}).`,
      explanation:
        `Every node the ${cut ? 'paste' : 'cluster'} lists on ${where} is down while nodes elsewhere are up: one machine${h.level === 'zone' ? ' group' : ''} failed, not ${h.nodes.length} independent processes.${cut} ` +
        `${text.length > 0 ? `The exposure: ${firstOf(text, MAX_EXPOSURE)}. ` : 'No shard lost all its copies, so replicas elsewhere can take over. '}` +
        `Restore ${where} (or its nodes elsewhere with their data), then fix the placement: every master's replica on a different ${h.level}, and no ${h.level} running a majority of the slot-owning masters.`,
      nodes: h.nodes.map((n) => n.label),
      slots: formatRanges(slots.flatMap((m) => m.slots)),
      actions,
    };
  });
}

export const hostFailure: RootCauseDetector = {
  code: 'host-failure',
  rank: 7,
  explains: [...OWNER_DOWN_CODES, 'REPLICA_SAME_HOST', 'HOST_HOLDS_MAJORITY', 'MASTER_WITHOUT_REPLICA'],
  supersedes: ['master-failed-no-replica'],
  detect,
};
