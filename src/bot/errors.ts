/** Coded errors of the bot room: reading a paste off the main thread failed or was refused. */
import { CodedError } from '../cluster/coded-error.ts';

export type BotErrorCode = 'PASTE_TIMEOUT' | 'PASTE_OUT_OF_MEMORY' | 'PASTE_BUSY' | 'PASTE_WORKER_FAILED';

/** An error of the bot with a stable `code`; `message` is worded for the person who pasted. */
export class BotError extends CodedError<BotErrorCode> {
  override name = 'BotError';
}

/** True when `err` is a BotError (optionally with the given code). */
export function isBotError(err: unknown, code?: BotErrorCode): err is BotError {
  return err instanceof BotError && (code === undefined || err.code === code);
}
