/**
 * Comparing observers: CONFIG_DISAGREEMENT (slot maps differ, redis-cli's "Nodes don't agree") and
 * VIEWS_DIFFER (observers disagree about who is failing).
 */
import { bitmapToRanges } from '../../cluster/slots.ts';
import type { RuleContext } from '../context.ts';
import { finding, listLabels, plural, shortRanges } from '../finding.ts';
import type { Finding } from '../types.ts';

/**
 * Disputed slots of a paste, leaving out a view's "nobody owns it" when that view has no line at all for
 * the owner other views name: a cut or partial dump, not a node that disagrees.
 */
function pasteDisputes(ctx: RuleContext): Uint8Array {
  const { model } = ctx;
  const full = model.views.filter((v) => v.source !== 'check');
  const listed = full.map((v) => new Set(v.lineNodes ?? []));
  const out = new Uint8Array(model.slotDisputed.length);
  for (let s = 0; s < model.slotDisputed.length; s++) {
    if (!model.slotDisputed[s]) continue;
    const said = full.map((v) => model.slotGroups[v.group]?.owners[s] ?? -2);
    const named = new Set(said.filter((o) => o >= 0));
    const owners = new Set<number>(named);
    said.forEach((o, i) => {
      if (o === -1 && [...named].every((n) => listed[i]!.has(n))) owners.add(-1);
    });
    if (owners.size > 1) out[s] = 1;
  }
  return out;
}

function configDisagreement(ctx: RuleContext): Finding[] {
  const { model } = ctx;
  const fullGroups = new Set(model.views.filter((v) => v.source !== 'check').map((v) => v.group));
  const cliSays = ctx.snapshot.checkReports.flatMap((r) =>
    r.agree === false ? r.messages.filter((m) => m.includes("don't agree")) : [],
  );
  if (fullGroups.size < 2 && cliSays.length === 0) return [];
  const disputed = bitmapToRanges(ctx.snapshot.source === 'paste' ? pasteDisputes(ctx) : model.slotDisputed);
  if (disputed.length === 0 && cliSays.length === 0) return [];
  const evidence = [...cliSays];
  for (const g of fullGroups) {
    const group = model.slotGroups[g];
    if (group) evidence.push(`slot map #${g + 1} held by ${listLabels(group.views, 6)}`);
  }
  for (const r of disputed.slice(0, 4)) {
    const owners = new Set<string>();
    for (const g of fullGroups) {
      const o = model.slotGroups[g]?.owners[r.start] ?? -1;
      owners.add(o >= 0 ? (model.nodes[o]?.label ?? '?') : 'nobody');
    }
    evidence.push(`slot ${r.start}: owned by ${[...owners].join(' vs ')} depending on the view`);
  }
  const slotsText = disputed.length > 0 ? ` about ${shortRanges(disputed)}` : '';
  return [
    finding(
      'CONFIG_DISAGREEMENT',
      'warning',
      `Nodes don't agree about slot ownership${slotsText}: ${plural(fullGroups.size, 'different slot map')} across the views. ` +
        'Right after a failover or resharding this settles within seconds; if it persists, a node is cut off or holds a stale configuration.',
      [],
      disputed,
      evidence,
    ),
  ];
}

function viewsDiffer(ctx: RuleContext): Finding[] {
  const full = ctx.model.views.filter((v) => v.source !== 'check');
  if (full.length < 2) return [];
  const evidence: string[] = [];
  const nodes: string[] = [];
  for (const n of ctx.model.nodes) {
    const suspicious = [...n.failBy, ...n.pfailBy];
    if (suspicious.length === 0 || n.okBy.length === 0) continue;
    nodes.push(n.label);
    evidence.push(`${n.label}: failing for ${listLabels(suspicious)}, healthy for ${listLabels(n.okBy)}`);
  }
  if (nodes.length === 0) return [];
  return [
    finding(
      'VIEWS_DIFFER',
      'warning',
      `Observers disagree about who is failing (${listLabels(nodes)}): either a failure is still propagating, or some nodes cannot reach others (partition, blocked bus port).`,
      nodes,
      '',
      evidence,
    ),
  ];
}

/** View-comparison rule family (needs two or more views to say anything). */
export function viewsRule(ctx: RuleContext): Finding[] {
  return [...configDisagreement(ctx), ...viewsDiffer(ctx)];
}
