/** A Transport that records every call (no Slack involved), for driving the bot core directly. Test-only. */
import type { BotMessage, MessageRef, Transport } from '../../../src/bot/message.ts';

export interface Sent {
  op: 'post' | 'reply' | 'update' | 'ephemeral' | 'upload';
  ref?: MessageRef;
  msg?: BotMessage;
}

/** A recording transport; `failUpdate` makes chat.update-like calls fail as Slack's can. */
export function recorder(opts: { failUpdate?: boolean } = {}) {
  const sent: Sent[] = [];
  let n = 0;
  const transport: Transport = {
    async post(channel, msg) {
      sent.push({ op: 'post', msg });
      n += 1;
      return { channel, ts: `p${n}` };
    },
    async reply(parent, msg) {
      sent.push({ op: 'reply', ref: parent, msg });
      n += 1;
      return { channel: parent.channel, ts: `r${n}` };
    },
    async update(ref, msg) {
      if (opts.failUpdate)
        throw Object.assign(new Error('cant_update_message'), { code: 'cant_update_message' });
      sent.push({ op: 'update', ref, msg });
    },
    async ephemeral(_to, msg) {
      sent.push({ op: 'ephemeral', msg });
    },
    async upload(parent) {
      sent.push({ op: 'upload', ref: parent });
    },
  };
  return { sent, transport };
}

/** Every plain string of a message (title, text, fields, sections, notes, buttons), one per line. */
export function messageText(msg: BotMessage | undefined): string {
  if (!msg) return '';
  return [
    msg.title,
    msg.text,
    ...(msg.fields ?? []).map((f) => `${f.label}: ${f.value}`),
    ...(msg.sections ?? []).flatMap((s) => [s.heading, ...s.lines]),
    ...(msg.notes ?? []),
    ...(msg.buttons ?? []).map((b) => `[${b.label}]`),
  ]
    .filter(Boolean)
    .join('\n');
}
