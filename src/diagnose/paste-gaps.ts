/**
 * Signs that a paste is missing lines of the cluster's CLUSTER NODES output (cut by the chat tool,
 * filtered with grep, copied from a scrolled terminal). Pure. A diagnosis must not read a missing line as
 * a missing node: slots "nobody owns" in a cut paste are usually owned by a line that did not make it.
 */
import type { ClusterModel } from '../cluster/model-types.ts';

export interface PasteGaps {
  /** True when the paste itself proves lines are missing. */
  truncated: boolean;
  /** Sentences saying why, for the finding and the cause. */
  reasons: string[];
  /** The fields or lines that prove it. */
  evidence: string[];
}

/** Replicas whose master id appears nowhere in the paste, as "replica -> master id" pairs. */
function danglingMasters(model: ClusterModel): { replica: string; masterId: string }[] {
  return model.nodes.flatMap((n) =>
    n.role === 'replica' && n.masterId && !model.byId.has(n.masterId)
      ? [{ replica: n.label, masterId: n.masterId }]
      : [],
  );
}

/** Finds the proof, in the paste itself, that node lines are missing. Empty for a complete-looking paste. */
export function pasteGaps(model: ClusterModel): PasteGaps {
  const reasons: string[] = [];
  const evidence: string[] = [];
  if (model.knownNodesReported > model.nodes.length) {
    reasons.push(
      `CLUSTER INFO says ${model.knownNodesReported} nodes are known but only ${model.nodes.length} appear: the paste looks truncated (chat tools cut long messages; attach it as a file)`,
    );
    evidence.push(
      `cluster_known_nodes:${model.knownNodesReported}`,
      `nodes in the paste: ${model.nodes.length}`,
    );
  }
  const dangling = danglingMasters(model);
  if (dangling.length > 0) {
    reasons.push(
      `${dangling.length === 1 ? 'a replica names a master' : `${dangling.length} replicas name masters`} whose line is not in the paste: lines are missing (cut off, or filtered with grep)`,
    );
    evidence.push(
      ...dangling.slice(0, 5).map((d) => `${d.replica} replicates ${d.masterId}, which is not listed`),
    );
  }
  const full = model.views.filter((v) => v.source !== 'check');
  const unread = full.filter((v) => v.unreadLines > 0);
  if (unread.length > 0) {
    const total = unread.reduce((sum, v) => sum + v.unreadLines, 0);
    reasons.push(
      `${total === 1 ? 'a node line' : `${total} node lines`} of the pasted CLUSTER NODES could not be read, so the ${total === 1 ? 'node it describes is' : 'nodes they describe are'} missing from this diagnosis (see the skipped lines)`,
    );
    evidence.push(
      ...unread.map((v) => `${v.observer}'s CLUSTER NODES: ${v.unreadLines} unreadable node line(s)`),
    );
  }
  const longest = Math.max(0, ...full.map((v) => v.lineCount));
  const short = full.filter((v) => v.lineCount < longest);
  if (short.length > 0) {
    if (reasons.length === 0)
      reasons.push('some pasted views list fewer nodes than others: one may be cut off');
    evidence.push(
      ...short.map(
        (v) => `${v.observer}'s CLUSTER NODES has ${v.lineCount} lines, another view has ${longest}`,
      ),
    );
  }
  return { truncated: reasons.length > 0, reasons, evidence };
}
