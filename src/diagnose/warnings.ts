/** Plain sentences about what the input did not let us check (offline limits, skipped lines, odd ids). */
import type { ClusterModel } from '../cluster/model-types.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import { plural } from './finding.ts';
import { pasteWarnings } from './paste-warnings.ts';

/** Warnings that follow from the kind of input rather than from any rule. */
export function offlineWarnings(snapshot: ClusterSnapshot, model: ClusterModel): string[] {
  const out: string[] = [];
  const issues = snapshot.parseIssues;
  // The paste reader already reports its own skipped lines in snapshot.warnings.
  if (issues.length > 0 && snapshot.source === 'live') {
    const first = issues[0]!;
    const text = first.text.length > 80 ? `${first.text.slice(0, 77)}...` : first.text;
    out.push(
      `${plural(issues.length, 'line')} of the input ${issues.length === 1 ? 'was' : 'were'} not understood and skipped (first: line ${first.line} "${text}", expected ${first.expected}).`,
    );
  }
  if (snapshot.source === 'paste') {
    out.push('A paste shows no live state (bus ports, nodes answering now); run a live diagnosis to check.');
  } else {
    const unprobed = snapshot.observations.filter((o) => !o.error && !o.busPort).length;
    if (unprobed > 0) out.push(`Bus ports were not probed on ${plural(unprobed, 'node')}.`);
  }
  if (snapshot.source === 'paste') out.push(...pasteWarnings(snapshot));
  // only hex prefixes: an opaque id ("n1", "<master>") is a name the paste chose, said in its own warning
  const partial = model.nodes.filter((n) => !n.idComplete && /^[0-9a-f]+$/.test(n.id));
  if (partial.length > 0) {
    out.push(
      `${plural(partial.length, 'node id')} appeared only abbreviated and could not be matched to a full id (${partial
        .slice(0, 3)
        .map((n) => n.id)
        .join(', ')}); facts about ${partial.length === 1 ? 'it' : 'them'} may be split.`,
    );
  }
  return out;
}
