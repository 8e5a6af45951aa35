/**
 * writes-refused: a slot-owning master counts fewer good replicas than its min-replicas-to-write demands,
 * so it refuses every write with NOREPLICAS while reads still work. Named from MASTER_REFUSES_WRITES; says
 * which of its replicas are missing and why, and the ways back: its replicas back or a new one, or the
 * setting lowered, a choice to make deliberately (it is what keeps writes from living on one copy).
 */
import { isDown } from '../context.ts';
import { listLabels } from '../finding.ts';
import { minReplicasOf } from '../min-replicas.ts';
import { attachedEntry, replicaUnfitReason } from '../replication-info.ts';
import type { RecommendedAction, RootCause } from '../types.ts';
import { addReplica, restartNode } from './actions.ts';
import type { CauseContext, RootCauseDetector } from './types.ts';

function detect(ctx: CauseContext): RootCause[] {
  const out: RootCause[] = [];
  for (const f of ctx.findings) {
    if (f.code !== 'MASTER_REFUSES_WRITES') continue;
    const m = ctx.model.nodes.find((n) => n.label === f.nodes[0]);
    if (!m) continue;
    const q = minReplicasOf(m);
    const replicas = m.replicas.flatMap((id) => ctx.model.byId.get(id) ?? []);
    const why = replicas.map((r) => {
      const entry = attachedEntry(m, r);
      const unfit = replicaUnfitReason(r, m);
      return isDown(r)
        ? `${r.label} is down`
        : unfit
          ? unfit
          : entry
            ? `${r.label}: ${entry.raw}`
            : `${r.label} is not in ${m.label}'s INFO replication`;
    });
    const actions: RecommendedAction[] = [
      ...replicas
        .filter(isDown)
        .map((r) =>
          restartNode(
            ctx.model,
            r,
            `Bring back ${r.label}, a replica of ${m.label}: once it has synced, ${m.label} counts it again and takes writes.`,
          ),
        ),
      addReplica(m),
    ];
    out.push({
      code: 'writes-refused',
      summary: `${m.label} refuses every write to its slots (NOREPLICAS): it counts fewer good replicas than its min-replicas-to-write demands.`,
      explanation:
        `${m.label} runs with ${q.text} and counts ${q.good ?? 'too few'} good (online, recently acknowledging) replicas, so Redis refuses every write to its ${m.slotCount} slots with NOREPLICAS; reads still work and the cluster reports ok. ` +
        `${replicas.length > 0 ? `Its replicas by the cluster's view: ${why.join('; ')}.` : 'No node replicates it.'} ` +
        `Bring its replicas back${replicas.some(isDown) ? ` (${listLabels(replicas.filter(isDown).map((r) => r.label))})` : ''} or add one. Lowering the setting (CONFIG SET min-replicas-to-write on ${m.label}) lets it take writes with fewer copies: a choice to make deliberately, since the setting is what keeps writes from living on one copy.`,
      nodes: [m.label],
      slots: f.slots,
      actions,
    });
  }
  return out;
}

/** Detector: a master refusing writes because min-replicas-to-write is not met. */
export const writesRefused: RootCauseDetector = {
  code: 'writes-refused',
  rank: 65,
  explains: ['MASTER_REFUSES_WRITES'],
  detect,
};
