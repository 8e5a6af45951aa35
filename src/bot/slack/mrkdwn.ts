/** Slack text in and out: escaping what the bot echoes, and cleaning what users paste. Pure. */

/** Escapes &, < and > so user-derived text cannot ping (<!channel>, <@U..>) or link. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escapes text for a ``` block: as escapeMrkdwn, and a ``` inside cannot close the block early. */
export function escapeVerbatim(text: string): string {
  return escapeMrkdwn(text).replace(/```/g, '`\u200b``');
}

/**
 * Removes Slack mentions and channel/special references (<@U..>, <#C..|x>, <!here>) from a message.
 * The rest (entities, auto-links, fences) is left for the paste cleaner, which undoes it once.
 */
export function stripSlackReferences(text: string): string {
  return text.replace(/<[@#!][^>\s]*>/g, '');
}
