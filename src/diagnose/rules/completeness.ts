/** PASTE_INCOMPLETE: the paste shows fewer nodes than the cluster knows, or only one node's opinion. */
import type { RuleContext } from '../context.ts';
import { finding, plural } from '../finding.ts';
import { pasteGaps } from '../paste-gaps.ts';
import type { Finding } from '../types.ts';

/** Raises PASTE_INCOMPLETE for truncated pastes (warning) and single-view pastes (info). */
export function completenessRule(ctx: RuleContext): Finding[] {
  const { model, snapshot } = ctx;
  if (snapshot.source !== 'paste' || model.nodes.length === 0) return [];
  const full = model.views.filter((v) => v.source !== 'check');
  const gaps = pasteGaps(model);
  const reasons = [...gaps.reasons];
  const evidence = [...gaps.evidence];
  const truncated = gaps.truncated;
  if (truncated)
    reasons.push(
      'what the missing lines held is unknown: a master shown without a replica, or slots shown without an owner, may only look so because their line did not make it into the paste',
    );
  if (full.length === 0) {
    reasons.push(
      'only redis-cli check output was pasted: it leaves out nodes it cannot reach or that are flagged fail, so failed nodes are invisible',
    );
  } else if (full.length === 1 && model.nodes.length > 1) {
    reasons.push(
      `only ${full[0]!.observer}'s view was pasted: a partition cannot be told apart from dead nodes, fail? flags are one node's opinion, and each node's own slot claims are unknown`,
    );
    evidence.push(`1 of ${plural(model.nodes.length, 'node')} has its own view in the paste`);
  }
  if (reasons.length === 0) return [];
  return [
    finding(
      'PASTE_INCOMPLETE',
      truncated ? 'warning' : 'info',
      `${reasons.map((r) => r[0]!.toUpperCase() + r.slice(1)).join('. ')}.`,
      [],
      '',
      evidence,
    ),
  ];
}
