/** The text of a failed call, for matching the few replies a step runner tolerates. Pure. */

/** The message of `err` (a coded step error carries the node's reply in it), or its string form. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
