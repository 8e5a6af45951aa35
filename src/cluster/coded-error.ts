/**
 * The base of every room's coded error (src/<room>/errors.ts and the transports' own): a stable string
 * `code` callers branch on without matching message text, an optional cause, and the subclass's `name`.
 * In the lowest room, so any room may build on it without an arrow pointing up.
 */
export abstract class CodedError<C extends string> extends Error {
  readonly code: C;

  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
