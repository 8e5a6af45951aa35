/** What the bot logs and shows about an error: its stable code and its first line. Pure. */

/** Slack's error string (`data.error`, e.g. not_in_channel) or the `code` of a coded error, else 'ERROR'. */
export function codeOf(err: unknown): string {
  const e = err as { code?: unknown; data?: { error?: unknown } } | null;
  const code = e?.data?.error ?? e?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

/** The first line of an error's message. */
export function messageOf(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
