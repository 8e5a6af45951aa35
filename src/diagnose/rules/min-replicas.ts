/**
 * MASTER_REFUSES_WRITES: a slot-owning master that answers counts fewer good replicas than its
 * min-replicas-to-write, so it refuses every write with NOREPLICAS now (reads still work). Live, from its
 * CONFIG GET and INFO replication; from a paste only when its INFO replication shows
 * min_slaves_good_slaves:0 (printed only while the setting is on, so at least 1 is demanded).
 */
import { isDown, type RuleContext } from '../context.ts';
import { finding, plural, shortRanges } from '../finding.ts';
import { goodText, minReplicasOf, refusesWrites } from '../min-replicas.ts';
import { masterInfo } from '../replication-info.ts';
import type { Finding } from '../types.ts';

/** min-replicas rule family. */
export function minReplicasRule(ctx: RuleContext): Finding[] {
  const out: Finding[] = [];
  for (const m of ctx.facts.owners) {
    if (isDown(m)) continue;
    const q = minReplicasOf(m);
    if (q.good === null || !refusesWrites(q, q.good)) continue;
    const lines = (masterInfo(m)?.replicas ?? []).map((r) => `${r.raw} on ${m.label}`);
    const lag =
      q.maxLag !== null
        ? `, last acknowledgement at most ${q.maxLag} s old`
        : ', acknowledging within min-replicas-max-lag';
    out.push(
      finding(
        'MASTER_REFUSES_WRITES',
        'critical',
        `Master ${m.label} (${plural(m.slotCount, 'slot')}: ${shortRanges(m.slots)}) refuses every write with NOREPLICAS: it runs with ${q.text} and counts ${goodText(q.good)} (online${lag}). Reads still work. ` +
          `Bring a replica back or add one (add-replica --master ${m.label}), or, if it may take writes with fewer, lower the setting (CONFIG SET min-replicas-to-write ${q.good} on it, and in its config file).`,
        [m.label],
        m.slots,
        [
          ...q.evidence,
          ...(lines.length > 0
            ? lines
            : [`connected_slaves:${masterInfo(m)?.fields['connected_slaves'] ?? '?'} on ${m.label}`]),
        ],
      ),
    );
  }
  return out;
}
