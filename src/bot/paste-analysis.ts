/**
 * The offline analysis of one chat paste: detection, snapshot, diagnosis with the fitting runbook's
 * steps. Pure and synchronous; the paste is read once. Runs in the paste worker thread (paste-worker.ts)
 * so a hostile paste never holds up the event loop that acknowledges Slack.
 */
import { looksLikeClusterOutput } from '../cluster/paste.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import { readPaste } from '../diagnose/diagnose.ts';
import type { Diagnosis } from '../diagnose/types.ts';
import { diagnoseWithSteps } from '../runbooks/run.ts';

/** A paste read and diagnosed. */
export interface PasteAnalysis {
  snapshot: ClusterSnapshot;
  diagnosis: Diagnosis;
}

/** Null when `text` is not cluster output; otherwise its snapshot and diagnosis. Never throws. */
export function analyzePasteText(text: string): PasteAnalysis | null {
  if (!looksLikeClusterOutput(text)) return null;
  const snapshot = readPaste(text);
  return { snapshot, diagnosis: diagnoseWithSteps(snapshot) };
}

/** What the main thread sends the paste worker: one paste to read. */
export interface PasteJob {
  id: number;
  text: string;
}

/** What the paste worker answers: it is ready, a job's result, or why a job failed. */
export type PasteWorkerMessage =
  | { kind: 'ready' }
  | { kind: 'done'; id: number; result: PasteAnalysis | null }
  | { kind: 'failed'; id: number; message: string };
