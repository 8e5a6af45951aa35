/**
 * The offline analysis of one chat paste: detection, snapshot, diagnosis with the fitting runbook's
 * steps, and the reply to post. Pure and synchronous; the paste is read once. Runs in the paste worker
 * thread (paste-worker.ts), so a hostile paste never holds up the event loop that acknowledges Slack;
 * only the bounded reply crosses back.
 */
import { looksLikeClusterOutput } from '../cluster/paste.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import { readPaste } from '../diagnose/diagnose.ts';
import type { Diagnosis } from '../diagnose/types.ts';
import { diagnoseWithSteps } from '../runbooks/run.ts';
import type { BotMessage } from './message.ts';
import { withPasteNames } from './render/names.ts';
import { pasteReplyMessage } from './render/paste.ts';

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

/** The reply to a paste (bounded whatever the paste) and the state it found, for the log. */
export interface PasteReply {
  message: BotMessage;
  state: Diagnosis['state'];
}

/**
 * Null when `text` is not cluster output; otherwise the reply to post. Without `keepDiagnosis` the reply
 * leaves out the full Diagnosis object (a text transport prints it whole; chat shows the sections).
 */
export function replyToPaste(text: string, keepDiagnosis: boolean): PasteReply | null {
  const analysis = analyzePasteText(text);
  if (!analysis) return null;
  const named = withPasteNames(analysis.diagnosis, analysis.snapshot);
  const { diagnosis, ...lean } = pasteReplyMessage(named, analysis.snapshot);
  return {
    message: keepDiagnosis && diagnosis ? { ...lean, diagnosis } : lean,
    state: analysis.diagnosis.state,
  };
}

/** What the main thread sends the paste worker: one paste to read. */
export interface PasteJob {
  id: number;
  text: string;
}

/** What the paste worker answers: it is ready, a job's reply, or that a job failed. */
export type PasteWorkerMessage =
  | { kind: 'ready' }
  | { kind: 'done'; id: number; result: PasteReply | null }
  | { kind: 'failed'; id: number };
