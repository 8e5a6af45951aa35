/**
 * Slot coverage: SLOTS_UNASSIGNED, SLOTS_UNCOVERED (check-only pastes), SLOTS_OWNER_DOWN, and whether
 * that takes the whole cluster down (FULL_COVERAGE_REQUIRED) or only those slots (PARTIAL_COVERAGE).
 */
import type { ModelNode } from '../../cluster/model-types.ts';
import { countSlots, formatRanges, normalizeRanges } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import type { RuleContext } from '../context.ts';
import { finding, lineEvidence, plural, shortRanges } from '../finding.ts';
import type { Finding } from '../types.ts';

function unassignedFinding(ctx: RuleContext, slots: SlotRange[]): Finding {
  const evidence: string[] = [];
  for (const v of ctx.model.views) {
    if (v.source !== 'check')
      evidence.push(`no line in ${v.observer}'s CLUSTER NODES claims slots ${shortRanges(slots)}`);
  }
  for (const obs of ctx.snapshot.observations) {
    const assigned = obs.clusterInfo?.cluster_slots_assigned;
    if (assigned !== undefined && assigned !== '16384')
      evidence.push(`cluster_slots_assigned:${assigned} from ${obs.address}`);
  }
  for (const r of ctx.snapshot.checkReports) {
    for (const m of r.messages) if (m.includes('Not all 16384 slots are covered')) evidence.push(m);
  }
  const n = countSlots(slots);
  return finding(
    'SLOTS_UNASSIGNED',
    'critical',
    `${plural(n, 'slot is', 'slots are')} assigned to no node (${shortRanges(slots)}): commands on keys in ${n === 1 ? 'it' : 'them'} fail with "CLUSTERDOWN Hash slot not served".`,
    [],
    slots,
    evidence,
  );
}

function uncoveredFinding(ctx: RuleContext, slots: SlotRange[]): Finding {
  const evidence = ctx.snapshot.checkReports.flatMap((r) =>
    r.messages.filter((m) => m.includes('Not all 16384 slots are covered')),
  );
  evidence.push(...ctx.model.checkErrors.map((e) => e.line));
  const n = countSlots(slots);
  return finding(
    'SLOTS_UNCOVERED',
    'critical',
    `redis-cli check found ${plural(n, 'slot')} (${shortRanges(slots)}) that no node it could load claims. ` +
      'It silently skips nodes it cannot reach or that are flagged fail, so these slots are either unassigned or ' +
      'owned by a node that is down; paste CLUSTER NODES from any node to tell which.',
    ctx.model.checkErrors.map((e) => e.address),
    slots,
    evidence,
  );
}

function ownerDownFinding(ctx: RuleContext, n: ModelNode): Finding {
  const evidence = lineEvidence(n.flaggedLines.filter((l) => /\bfail\??|\bnoaddr\b/.test(l.raw)).slice(0, 3));
  if (n.probeError) evidence.push(`probe of ${n.label}: ${n.probeError.kind}: ${n.probeError.message}`);
  const count = plural(n.slotCount, 'slot');
  let how: string;
  if (n.health === 'fail') how = `is flagged fail (confirmed by a majority of masters)`;
  else if (n.health === 'pfail')
    how = `is flagged fail? (suspected by ${n.pfailBy.length} of ${n.pfailBy.length + n.okBy.length} views, not yet confirmed as fail)`;
  else if (!n.probeError && n.noaddrBy.length > 0)
    how = `has no address in ${plural(n.noaddrBy.length, 'peer view')} (noaddr: whatever answered at its old address had another id), so nobody can reach it, and no view lists it healthy`;
  else how = `does not answer (${n.probeError?.kind ?? 'no answer'}) and no peer view vouches for it`;
  const full = ctx.config.requireFullCoverage.value;
  const consequence =
    n.health === 'pfail' && full
      ? 'clients of these slots time out now, and the whole cluster goes down once a majority marks it fail'
      : 'clients of these slots get errors or time out';
  return finding(
    'SLOTS_OWNER_DOWN',
    'critical',
    `Master ${n.label}, owner of ${count} (${shortRanges(n.slots)}), ${how}: ${consequence}.`,
    [n.label],
    n.slots,
    evidence,
  );
}

/** Coverage rule family: unassigned, uncovered and orphaned slots, and what the coverage setting makes of them. */
export function coverageRule(ctx: RuleContext): Finding[] {
  const { model, facts, config } = ctx;
  const out: Finding[] = [];
  // A paste that provably lost lines shows slots without an owner line, not slots without an owner.
  const unassigned = facts.partial ? [] : facts.unassigned;
  if (unassigned.length > 0) out.push(unassignedFinding(ctx, unassigned));
  const reports = ctx.snapshot.checkReports;
  // redis-cli's own "[OK] All 16384 slots covered" outweighs slot lines we could not read (wrapped, cut).
  const checkSaysCovered = reports.length > 0 && reports.every((r) => r.allCovered === true);
  if (!model.hasFullView && reports.length > 0 && checkSaysCovered && model.slotOwner.some((o) => o < 0)) {
    ctx.warn(
      'The pasted redis-cli check says "[OK] All 16384 slots covered", but not every slot line of it could be read (wrapped or cut lines?): coverage is taken from its verdict, and slot owners are only partly known.',
    );
  }
  // Only redis-cli's own verdict says slots are uncovered: an excerpt without it says nothing about coverage.
  const checkSaysUncovered = reports.some((r) => r.allCovered === false);
  if (!model.hasFullView && reports.length > 0 && !checkSaysCovered && !checkSaysUncovered) {
    ctx.warn(
      'The pasted redis-cli check output has no coverage verdict ("[OK] All 16384 slots covered" or "[ERR] Not all 16384 slots are covered"): slot coverage was not judged from it.',
    );
  }
  if (!model.hasFullView && reports.length > 0 && checkSaysUncovered) {
    const uncovered: SlotRange[] = [];
    let start = -1;
    for (let s = 0; s <= model.slotOwner.length; s++) {
      const free = s < model.slotOwner.length && model.slotOwner[s]! < 0;
      if (free && start < 0) start = s;
      else if (!free && start >= 0) {
        uncovered.push({ start, end: s - 1 });
        start = -1;
      }
    }
    if (uncovered.length > 0) out.push(uncoveredFinding(ctx, uncovered));
  }
  for (const n of facts.downOwners) out.push(ownerDownFinding(ctx, n));

  const failed = facts.downOwners.filter((n) => n.health === 'fail');
  const notServed = normalizeRanges([...unassigned, ...failed.flatMap((n) => n.slots)]);
  if (notServed.length === 0) return out;
  const count = countSlots(notServed);
  const nodes = failed.map((n) => n.label);
  if (config.requireFullCoverage.value) {
    const known = config.requireFullCoverage.known;
    if (!known && ctx.snapshot.observations.some((o) => o.config)) {
      ctx.warn(
        'cluster-require-full-coverage could not be read (offline paste or CONFIG denied); assumed yes, the Redis default.',
      );
    }
    out.push(
      finding(
        'FULL_COVERAGE_REQUIRED',
        'critical',
        `${plural(count, 'slot is', 'slots are')} not served and cluster-require-full-coverage is yes` +
          `${known ? '' : ' (assumed: the Redis default, the setting could not be read)'}: ` +
          (ctx.config.allowReadsWhenDown.value
            ? 'every node refuses every write with "CLUSTERDOWN The cluster is down and only accepts read commands", not only for those slots; reads of keys in the slots still served keep working (cluster-allow-reads-when-down yes).'
            : 'every node refuses every query with "CLUSTERDOWN The cluster is down", not only for those slots.'),
        nodes,
        notServed,
        known
          ? ['cluster-require-full-coverage yes (CONFIG GET)', `slots not served: ${formatRanges(notServed)}`]
          : [`slots not served: ${formatRanges(notServed)}`],
      ),
    );
  } else {
    out.push(
      finding(
        'PARTIAL_COVERAGE',
        'warning',
        `${plural(count, 'slot is', 'slots are')} not served, but cluster-require-full-coverage is no: ` +
          'the rest of the cluster keeps serving; only keys in those slots fail.',
        nodes,
        notServed,
        [
          `cluster-require-full-coverage no (${config.requireFullCoverage.evidence ?? 'CONFIG GET'})`,
          `slots not served: ${formatRanges(notServed)}`,
        ],
      ),
    );
  }
  return out;
}
