/** Reads the words out of Slack messages the fake recorded: every `text` in a Block Kit tree. Test-only. */

/** Every text string in a block tree, depth first. */
export function texts(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(texts);
  if (node && typeof node === 'object') {
    const o = node as Record<string, unknown>;
    return [...(typeof o.text === 'string' ? [o.text] : []), ...Object.values(o).flatMap(texts)];
  }
  return [];
}

/** A posted message's fallback text and every text in its blocks, one per line. */
export function allText(call: { args: Record<string, unknown> }): string {
  return [String(call.args.text ?? ''), ...texts(call.args.blocks)].join('\n');
}
