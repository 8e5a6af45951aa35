/** EPOCH_COLLISION: two slot-owning masters share a configEpoch. */
import type { RuleContext } from '../context.ts';
import { finding, listLabels } from '../finding.ts';
import type { Finding } from '../types.ts';

/** Raises EPOCH_COLLISION per shared configEpoch among slot-owning masters. */
export function epochRule(ctx: RuleContext): Finding[] {
  const byEpoch = new Map<number, string[]>();
  for (const m of ctx.facts.owners.filter((o) => o.epochKnown))
    byEpoch.set(m.configEpoch, [...(byEpoch.get(m.configEpoch) ?? []), m.label]);
  const out: Finding[] = [];
  for (const [epoch, labels] of byEpoch) {
    if (labels.length < 2) continue;
    out.push(
      finding(
        'EPOCH_COLLISION',
        'warning',
        `${listLabels(labels)} share configEpoch ${epoch}. Redis normally separates colliding epochs within seconds; if it persists they cannot hear each other, and a conflicting slot claim between them could not be settled.`,
        labels,
        '',
        labels.map((l) => `${l} config-epoch ${epoch}`),
      ),
    );
  }
  return out;
}
