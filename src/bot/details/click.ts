/**
 * A click on a Details button: the kept view is shown in the message's thread (where evidence too long
 * for one message is attached as a file), or to the clicker alone when there is no thread or posting
 * there fails. A view about a cluster is shown only to someone who may read that cluster in that
 * channel, checked at click time; details no longer there get a sentence that says why.
 */
import type { Logger } from 'pino';
import { codeOf } from '../error-text.ts';
import { type BotMessage, type EphemeralTarget, note, type Transport } from '../message.ts';
import { DETAILS_MISSING } from './store.ts';
import type { DetailsStore } from './types.ts';

/** One click: where the store is, who clicked where, and the id the button carried. */
export interface DetailsClick {
  store: DetailsStore;
  transport: Transport;
  logger: Logger;
  /** Null when the clicker may read `cluster` here; else the refusal to show. */
  gate: (cluster: string) => BotMessage | null;
  /** The clicker, for answers only they see. */
  target: EphemeralTarget;
  channel: string;
  /** The button's value (the id of the kept view). */
  id: string;
  /** The thread of the clicked message, when the transport knows it. */
  threadTs?: string;
}

/** Answers one Details click; resolves once the answer is posted. */
export async function showDetails(c: DetailsClick): Promise<void> {
  const found = await c.store.get(c.id);
  if (!found.ok) {
    c.logger.info({ event: 'details_missing', why: found.why });
    return c.transport.ephemeral(c.target, note(DETAILS_MISSING[found.why]));
  }
  const { kept } = found;
  const refusal = kept.cluster === null ? null : c.gate(kept.cluster);
  if (refusal || !c.threadTs) return c.transport.ephemeral(c.target, refusal ?? kept.details);
  try {
    await c.transport.reply({ channel: c.channel, ts: c.threadTs }, kept.details);
  } catch (err) {
    c.logger.warn({ event: 'details_post_failed', code: codeOf(err) }, 'details sent to the clicker only');
    await c.transport.ephemeral(c.target, kept.details);
  }
}
