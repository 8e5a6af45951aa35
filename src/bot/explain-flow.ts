/**
 * `/redis explain <text>` and error messages pasted in a channel: recognise, explain from the catalogue
 * at once, then, when the channel is bound to exactly one cluster the asker may diagnose and an error
 * names a slot or a node (or is CLUSTERDOWN), read that cluster live and add what it says now. A pasted
 * message counts only with an error written out in full; ordinary chat is left alone. Never throws.
 */
import type { Logger } from 'pino';
import { buildModel } from '../cluster/model.ts';
import { explainErrors, wantsLiveLook } from '../diagnose/explain/explain.ts';
import type { LiveLookup } from '../diagnose/explain/live.ts';
import { recogniseErrors } from '../diagnose/explain/recognise.ts';
import type { Recognition } from '../diagnose/explain/types.ts';
import { codeOf, messageOf } from './error-text.ts';
import { readShared, type TopologyReader } from './live-read.ts';
import type { BotMessage, EphemeralTarget, MessageRef, Transport } from './message.ts';
import { explainMessage, liveFactsMessage, nothingRecognisedMessage } from './render/explain.ts';

/** What the explain flow needs: the transport, the live reader, and what the requester may read. */
export interface ExplainFlowInput {
  transport: Transport;
  logger: Logger;
  topology?: TopologyReader;
  /** Clusters usable where the request came from (a "Diagnose" button each). */
  usable: string[];
  /** The one cluster to read live, or null with the reason (none or several bound, no permission). */
  live: { cluster: string } | { cluster: null; why: string };
  deadlineMs?: number;
}

/** The cluster to read for these errors, or null (nothing to look up, nothing bound, no probe). */
function liveCluster(input: ExplainFlowInput, rec: Recognition): string | null {
  if (!input.topology || input.live.cluster === null) return null;
  return rec.errors.some(wantsLiveLook) ? input.live.cluster : null;
}

/** A note saying why no live facts come, when an error would have had some. */
function liveNote(input: ExplainFlowInput, rec: Recognition): string | undefined {
  if (!rec.errors.some(wantsLiveLook) || input.live.cluster !== null || !input.topology) return undefined;
  return `No live look at the slot or node: ${input.live.why}.`;
}

async function lookup(input: ExplainFlowInput, cluster: string): Promise<LiveLookup | string> {
  try {
    const snapshot = await readShared(input.topology!, cluster, input.deadlineMs);
    return { cluster, model: buildModel(snapshot) };
  } catch (err) {
    input.logger.warn({ event: 'explain_live_failed', cluster, code: codeOf(err) }, 'live look failed');
    return `Could not read ${cluster} live: ${messageOf(err)}`;
  }
}

function render(input: ExplainFlowInput, rec: Recognition, live?: LiveLookup, pending?: string): BotMessage {
  const note = liveNote(input, rec);
  return explainMessage(explainErrors(rec.errors, live), {
    clusters: input.usable,
    ...(pending ? { pending } : {}),
    ...(note ? { liveNote: note } : {}),
    recognition: rec,
  });
}

/** Answers `/redis explain <text>`: the explanation in the ack, live facts in a follow-up to the asker. */
export async function explainCommand(
  input: ExplainFlowInput,
  text: string,
  ack: (msg: BotMessage) => Promise<void>,
  to: EphemeralTarget,
): Promise<void> {
  const rec = recogniseErrors(text, { strict: false });
  if (rec.errors.length === 0) return ack(nothingRecognisedMessage(rec.truncatedChars));
  const cluster = liveCluster(input, rec);
  await ack(render(input, rec, undefined, cluster ?? undefined));
  if (!cluster) return;
  const live = await lookup(input, cluster);
  const msg: BotMessage =
    typeof live === 'string'
      ? { tone: 'warning', text: live, fallback: live }
      : liveFactsMessage(cluster, explainErrors(rec.errors, live));
  await input.transport.ephemeral(to, msg).catch((err: unknown) => {
    input.logger.warn({ event: 'explain_followup_failed', code: codeOf(err) }, 'live facts not delivered');
  });
}

/**
 * Answers a message that holds a Redis error, in its thread; false (nothing posted) when it holds none.
 * The reply is updated with the live facts once the cluster has been read.
 */
export async function explainPaste(
  input: ExplainFlowInput,
  text: string,
  parent: MessageRef,
): Promise<boolean> {
  const rec = recogniseErrors(text, { strict: true });
  if (rec.errors.length === 0) return false;
  const cluster = liveCluster(input, rec);
  const ref = await input.transport.reply(parent, render(input, rec, undefined, cluster ?? undefined));
  input.logger.info({ event: 'errors_explained', codes: rec.errors.map((e) => e.code) });
  if (!cluster) return true;
  const live = await lookup(input, cluster);
  const base = render(input, rec, typeof live === 'string' ? undefined : live);
  const msg = typeof live === 'string' ? { ...base, notes: [...(base.notes ?? []), live] } : base;
  await input.transport.update(ref, msg).catch((err: unknown) => {
    input.logger.warn({ event: 'explain_update_failed', code: codeOf(err) }, 'live facts not added');
  });
  return true;
}
