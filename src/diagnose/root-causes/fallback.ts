/** The two causes the resolver adds itself: 'undetermined' (honest gap) and 'healthy'. */
import { describeIssue } from '../../cluster/parse-nodes.ts';
import { formatRanges, parseRanges } from '../../cluster/slots.ts';
import type { SlotRange } from '../../cluster/types.ts';
import { plural } from '../finding.ts';
import { pasteGaps } from '../paste-gaps.ts';
import type { Finding, RootCause } from '../types.ts';
import type { CauseContext } from './types.ts';

const HINTS: Partial<Record<Finding['code'], string>> = {
  SLOTS_UNCOVERED:
    'Paste CLUSTER NODES from any reachable node: it shows whether those slots have no owner or an owner that is down.',
  NODE_UNREACHABLE:
    'Check whether the process runs (ps, systemctl), whether it is frozen (SIGSTOP, swapping), and the network path from redis-runbook.',
  NODE_LOADING:
    'A loading node serves again once its dataset is in memory; watch loading_eta_seconds in INFO persistence.',
  CLUSTER_STATE_FAIL:
    'Nodes report cluster_state:fail but the views show no unassigned or failed slot: the state may be stale (it lags by up to cluster-node-timeout) or the node sees itself in a minority. Re-run, and paste CLUSTER NODES from the nodes reporting fail.',
  SLOT_MULTIPLE_OWNERS:
    'Do not reassign anything yet: find out which master holds the current data for those slots (key counts, last writes) first.',
};

/** 'undetermined' for critical findings that no detector explains: lists them, does not guess. */
export function unexplainedCause(_ctx: CauseContext, critical: readonly Finding[]): RootCause {
  const codes = [...new Set(critical.map((f) => f.code))];
  const hints = codes.flatMap((c) => (HINTS[c] ? [HINTS[c]] : []));
  const slots: SlotRange[] = critical.flatMap((f) => parseRanges(f.slots) ?? []);
  return {
    code: 'undetermined',
    summary: `No single root cause fits ${plural(critical.length, 'critical finding')} (${codes.join(', ')}); redis-runbook will not guess.`,
    explanation: `${critical.map((f) => f.message).join(' ')} ${hints.join(' ')}`.trim(),
    nodes: [...new Set(critical.flatMap((f) => f.nodes))],
    slots: formatRanges(slots),
    actions: [],
  };
}

/** Why the first lines that looked like cluster output could not be read, for a paste nothing was read from. */
function unreadLines(ctx: CauseContext): string {
  const issues = ctx.snapshot.parseIssues;
  if (issues.length === 0) return '';
  const shown = issues.slice(0, 5).map((i) => `${describeIssue(i)}, in "${i.text.trim().slice(0, 60)}"`);
  return `Nothing in it could be read as cluster output: ${shown.join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}. `;
}

/** 'healthy' when every slot is served and we saw enough to say so; otherwise 'undetermined'. */
export function healthyOrUnknown(ctx: CauseContext): RootCause {
  const { model, snapshot } = ctx;
  const base = { nodes: [] as string[], slots: '', actions: [] };
  if (model.nodes.length === 0) {
    const anyOutput = snapshot.observations.length > 0 || snapshot.checkReports.length > 0;
    const found = [...new Set(ctx.findings.map((f) => f.code))];
    return {
      code: 'undetermined',
      summary: anyOutput
        ? found.length > 0
          ? `No cluster topology to name a cause from, but the output shows ${found.join(', ')} (see the findings).`
          : 'No node listed any cluster members: nothing to diagnose.'
        : 'No Redis Cluster output was found to diagnose.',
      explanation: anyOutput
        ? 'None of the nodes returned CLUSTER NODES output (see the findings for why), so the topology is unknown.'
        : `${unreadLines(ctx)}Paste the output of CLUSTER NODES (ideally from every node, as redis-cli prints it), CLUSTER INFO, or redis-cli --cluster check.`,
      ...base,
    };
  }
  const warnings = ctx.findings.filter((f) => f.severity === 'warning');
  const codes = [...new Set(warnings.map((f) => f.code))];
  const tail =
    warnings.length > 0
      ? `; ${plural(warnings.length, 'warning')} below ${warnings.length === 1 ? 'needs' : 'need'} attention (${codes.join(', ')})`
      : '';
  const owners = ctx.facts.owners.length;
  // A paste that provably lost lines can hide a failed node: say "among what was seen", not "healthy".
  const gaps = snapshot.source === 'paste' ? pasteGaps(model) : undefined;
  const down = model.nodes.filter(
    (n) => n.role !== 'replica' && (n.health === 'fail' || n.health === 'pfail'),
  );
  if (gaps?.truncated && down.length > 0)
    return {
      code: 'undetermined',
      summary: `${plural(down.length, 'master is', 'masters are')} flagged failing (${down.map((n) => n.label).join(', ')}), and the paste is missing lines: not healthy, cause not shown.`,
      explanation: `${gaps.reasons.join('; ')}. A failing master whose slots or replicas are not in the paste may have taken slots down with it, or may have been failed over already; this paste cannot tell which. Paste the whole CLUSTER NODES and CLUSTER INFO of one node, or run a live diagnosis.`,
      ...base,
    };
  const partial = gaps?.truncated
    ? ` This is only what the paste shows, and the paste is missing lines (${gaps.reasons.join('; ')}): a failed node or replica may be among them.`
    : '';
  if (!model.hasFullView && snapshot.checkReports.length === 0)
    return {
      code: 'undetermined',
      summary:
        'No node is flagged failing among the lines pasted, but none of them shows its slots: coverage and quorum were not judged.',
      explanation:
        'The pasted CLUSTER NODES lines lack their slot column (columns dropped, or lines cut), so which master serves which slots is unknown. Paste the whole output for a verdict.',
      ...base,
    };
  if (!model.hasFullView) {
    return {
      code: 'healthy',
      summary: `redis-cli check found every slot covered and nothing open${tail}.`,
      explanation:
        'All 16384 slots are claimed by nodes redis-cli could reach, the nodes agree on slot ownership and no slot is open. ' +
        'redis-cli check hides nodes that are failed or unreachable, so a dead replica would not show here: paste CLUSTER NODES to see every node.',
      ...base,
    };
  }
  return {
    code: 'healthy',
    summary: `${partial ? 'Nothing wrong among the lines pasted (the paste is incomplete)' : 'Healthy'}: all 16384 slots are served by ${plural(owners, 'master')} and none of them is failing${tail}.`,
    explanation:
      `Every slot has an owner that no view flags as failing, a majority of the ${owners} slot-owning masters is reachable, and no slot is open.${partial} ` +
      (warnings.length > 0
        ? 'Clients are not affected now; the warnings are risks that make the next failure worse.'
        : 'Nothing needs doing.'),
    ...base,
  };
}
