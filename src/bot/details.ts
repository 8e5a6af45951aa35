/**
 * The "Details" button: a message's detailed view is kept here, in memory, and shown to whoever clicks.
 * Bounded (the last `max` messages; older ones and everything after a restart are gone, and the click says
 * so). The button carries a random id, never the details or a command.
 */
import { randomBytes } from 'node:crypto';
import type { BotMessage } from './message.ts';

/** Action id of the Details button. */
export const ACTION_SHOW_DETAILS = 'show_details';

/** A kept detailed view, and the cluster it is about (null for a paste), so a click can be access-checked. */
export interface KeptDetails {
  details: BotMessage;
  cluster: string | null;
}

export interface DetailsStore {
  /** `msg` without its `details`, which are kept, and with a Details button pointing at them. */
  attach(msg: BotMessage, cluster: string | null): BotMessage;
  /** The details behind a button's value, if still kept. */
  get(id: string): KeptDetails | undefined;
}

/** How many detailed views a bot keeps. */
export const KEPT_DETAILS = 100;

/** A store of the last `max` detailed views. */
export function createDetailsStore(max = KEPT_DETAILS): DetailsStore {
  const kept = new Map<string, KeptDetails>();
  return {
    attach(msg, cluster) {
      const { details, ...rest } = msg;
      if (!details) return msg;
      const id = randomBytes(9).toString('base64url');
      kept.set(id, { details, cluster });
      for (const old of kept.keys()) {
        if (kept.size <= max) break;
        kept.delete(old);
      }
      return {
        ...rest,
        buttons: [...(rest.buttons ?? []), { actionId: ACTION_SHOW_DETAILS, label: 'Details', value: id }],
      };
    },
    get: (id) => kept.get(id),
  };
}

/** What a click on a Details button that is no longer kept shows. */
export const DETAILS_GONE = `These details are no longer kept (the bot keeps the last ${KEPT_DETAILS} diagnoses, and none across a restart): run the diagnosis again.`;
