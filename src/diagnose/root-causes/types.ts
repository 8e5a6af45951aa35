/**
 * The root-cause contract. A detector reads the findings and the model and names zero or more causes;
 * the resolver (./index.ts) ranks them, drops causes another one supersedes, and adds 'undetermined'
 * for any critical finding no remaining cause accounts for.
 */
import type { RuleContext } from '../context.ts';
import type { Finding, FindingCode, RootCause, RootCauseCode } from '../types.ts';

export interface CauseContext extends RuleContext {
  findings: readonly Finding[];
}

export interface RootCauseDetector {
  code: RootCauseCode;
  /** Lower ranks are listed first (and are the "primary" cause). */
  rank: number;
  /**
   * Finding codes a cause of this kind accounts for. A critical finding counts as explained when a named
   * cause lists its code and shares a node with it (or the finding names no node, or is cluster-wide).
   */
  explains: readonly FindingCode[];
  /** Codes this cause makes redundant when both are detected (e.g. quorum-lost over master-failed-no-replica). */
  supersedes?: readonly RootCauseCode[];
  /**
   * For hedged causes: dropped when a named (not 'undetermined') cause of another detector that explains
   * any of these finding codes shares a node with it.
   */
  yieldsTo?: readonly FindingCode[];
  /** Returns the causes found; may return causes of another code (e.g. 'undetermined' with partial evidence). */
  detect(ctx: CauseContext): RootCause[];
}
