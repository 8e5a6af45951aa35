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

const cache = new WeakMap<ClusterModel, PasteGaps>();

/** Slots the masters of the pasted check reports claim (check-only pastes): all 16384 when the list is whole. */
function checkCoverage(model: ClusterModel): number {
  let claimed = 0;
  for (let s = 0; s < model.slotOwner.length; s++) if (model.slotOwner[s]! >= 0) claimed++;
  return claimed;
}

/** Finds the proof, in the paste itself, that node lines are missing. Empty for a complete-looking paste. */
export function pasteGaps(model: ClusterModel): PasteGaps {
  const hit = cache.get(model);
  if (hit) return hit;
  const out = findGaps(model);
  cache.set(model, out);
  return out;
}

function findGaps(model: ClusterModel): PasteGaps {
  const reasons: string[] = [];
  const evidence: string[] = [];
  for (const hint of model.gapHints) {
    reasons.push(hint);
    evidence.push(hint);
  }
  if (!model.views.some((v) => v.source !== 'check') && model.nodes.length > 0) {
    const claimed = checkCoverage(model);
    if (claimed < 16384) {
      reasons.push(
        `the masters redis-cli check listed claim ${claimed} of 16384 slots: masters it could not load (down, or flagged fail) are missing from its list, so the number of masters is unknown`,
      );
      evidence.push(`slots claimed by the listed masters: ${claimed}`);
    }
  }
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
  const hidden = full.filter((v) => (v.hiddenSlotLines ?? 0) > 0);
  if (hidden.length > 0) {
    const total = hidden.reduce((sum, v) => sum + (v.hiddenSlotLines ?? 0), 0);
    reasons.push(
      `${total === 1 ? 'a master line does' : `${total} master lines do`} not show the slot column (columns dropped or the line cut), so which slots ${total === 1 ? 'it owns' : 'they own'} is unknown`,
    );
    evidence.push(
      ...hidden.map(
        (v) => `${v.observer}'s CLUSTER NODES: ${v.hiddenSlotLines} line(s) without their slot column`,
      ),
    );
  }
  // an isolated node's list of lost peers is not a longer view of the same cluster
  const whole = full.filter((v) => !v.isolated);
  const longest = Math.max(0, ...whole.map((v) => v.lineCount));
  const short = whole.filter((v) => v.lineCount < longest);
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
