/**
 * GHOST_NODE: entries for nodes that are gone but still listed: stuck handshakes, noaddr entries owning
 * nothing, failed masters owning nothing that no failover explains, long-failed replicas. A master that
 * still owns slots is never a ghost.
 */
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import type { RuleContext } from '../context.ts';
import { finding, lineEvidence, listLabels } from '../finding.ts';
import { pasteGaps } from '../paste-gaps.ts';
import type { Finding } from '../types.ts';

/** Down this long (ms since the last pong any peer got) counts as gone for good. */
export const LONG_GONE_MS = 30 * 60_000;

export type GhostKind = 'handshake' | 'noaddr' | 'failed-empty-master' | 'failed-replica';

export interface Ghost {
  node: ModelNode;
  kind: GhostKind;
  /** Why we call it a ghost, one clause. */
  why: string;
  evidence: string[];
}

const cache = new WeakMap<ClusterModel, Ghost[]>();

function downForMs(model: ClusterModel, n: ModelNode): number | null {
  if (model.clockMs <= 0 || n.lastPongMs <= 0 || n.lastPongMs > model.clockMs) return null;
  return model.clockMs - n.lastPongMs;
}

function ago(ms: number): string {
  return ms >= 7_200_000 ? `${Math.round(ms / 3_600_000)} h` : `${Math.round(ms / 60_000)} min`;
}

function ownsNothing(n: ModelNode): boolean {
  return n.slotCount === 0 && (n.claimed === null || n.claimed.length === 0);
}

function classify(model: ClusterModel, n: ModelNode): Ghost | null {
  const flagged = (re: RegExp) => lineEvidence(n.flaggedLines.filter((l) => re.test(l.raw)));
  if (n.handshakeBy.length > 0) {
    const clash = model.nodes.find((o) => o !== n && o.label === n.label && o.health === 'ok');
    if (clash) return null;
    return {
      node: n,
      kind: 'handshake',
      why: `${listLabels(n.handshakeBy)} ${n.handshakeBy.length === 1 ? 'is' : 'are'} stuck in a handshake with ${n.label}: a CLUSTER MEET (by a person, a script, or gossip about a node some peer still remembers) that nothing there answers`,
      evidence: flagged(/handshake/),
    };
  }
  if (!ownsNothing(n)) return null;
  const gone = downForMs(model, n);
  const long = gone !== null && gone >= LONG_GONE_MS;
  if (n.noaddrBy.length > 0) {
    return {
      node: n,
      kind: 'noaddr',
      why: `${listLabels(n.noaddrBy)} ${n.noaddrBy.length === 1 ? 'has' : 'have'} no address for it (noaddr: another node id answered at its old address, or it was never reachable) and it owns no slots`,
      evidence: flagged(/noaddr/),
    };
  }
  if (n.health !== 'fail') return null;
  const liveReplica = n.replicas.some((r) => {
    const x = model.byId.get(r);
    return x !== undefined && x.health === 'ok';
  });
  if (n.role === 'master' && !liveReplica) {
    const owners = model.nodes.filter((o) => o.role !== 'replica' && o.slotCount > 0);
    const successor = owners.some((o) => o.epochKnown && o.configEpoch > n.configEpoch);
    if (successor && !long) return null;
    // a paste that lost lines (or its slot columns) may have lost the successor, or this node's slots
    if (!long && (n.slotsUnknown || (model.source === 'paste' && pasteGaps(model).truncated))) return null;
    return {
      node: n,
      kind: 'failed-empty-master',
      why: long
        ? `a master owning no slots, flagged fail, with no pong for ${ago(gone!)}`
        : `a master owning no slots, flagged fail, and no slot owner has a newer epoch, so it is not a master that just lost a failover`,
      evidence: flagged(/fail/),
    };
  }
  if (n.role === 'replica') {
    const master = n.masterId ? model.byId.get(n.masterId) : undefined;
    const masterGone =
      master !== undefined && (master.health === 'fail' || master.noaddrBy.length > 0) && ownsNothing(master);
    if (!long && !masterGone) return null;
    return {
      node: n,
      kind: 'failed-replica',
      why: long
        ? `a replica flagged fail with no pong for ${ago(gone!)}`
        : `a failed replica of ${master?.label ?? 'an unknown master'}, which is gone too`,
      evidence: flagged(/fail/),
    };
  }
  return null;
}

/** Every ghost entry in the model; memoised per model. */
export function findGhosts(ctx: Pick<RuleContext, 'model'>): Ghost[] {
  const hit = cache.get(ctx.model);
  if (hit) return hit;
  const out = ctx.model.nodes.flatMap((n) => classify(ctx.model, n) ?? []);
  cache.set(ctx.model, out);
  return out;
}

/** GHOST_NODE rule family: one finding per ghost entry. */
export function ghostRule(ctx: RuleContext): Finding[] {
  return findGhosts(ctx).map((g) =>
    finding(
      'GHOST_NODE',
      'warning',
      g.kind === 'handshake'
        ? `Stuck handshake: ${g.why}. Redis drops it after the handshake timeout; if it keeps coming back, something keeps introducing ${g.node.label}.`
        : `${g.node.label} (${g.node.id}) looks like a ghost entry: ${g.why}. Clients are not affected, but it keeps redis-cli --cluster fix refusing ("unreachable masters") and confuses every failover count.`,
      [g.node.label],
      '',
      g.evidence,
    ),
  );
}
