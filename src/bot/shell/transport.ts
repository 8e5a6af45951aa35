/**
 * The terminal Transport: posts print as numbered messages, thread replies print indented under
 * their parent, updates print again, ephemerals are marked "only you", buttons become numbered choices.
 */
import type { Writable } from 'node:stream';
import type { Diagnosis } from '../../diagnose/types.ts';
import type { BotMessage, MessageButton, MessageRef, Transport } from '../message.ts';
import { renderText, type TextRenderOptions } from './render.ts';

export interface TerminalTransport extends Transport {
  /** The button behind choice `n` of the latest messages, if any. */
  choice(n: number): { button: MessageButton; channel: string } | undefined;
  /** Prints a reply meant for the asking user only (the ack of a command). */
  print(msg: BotMessage): void;
}

/** Builds the terminal transport writing to `out`. */
export function createTerminalTransport(
  out: Writable,
  opts: Pick<TextRenderOptions, 'diagnosisText'> = {},
): TerminalTransport {
  let counter = 0;
  const choices: { button: MessageButton; channel: string }[] = [];
  const write = (lines: string[], prefix = '') => {
    out.write(`${lines.map((l) => prefix + l).join('\n')}\n`);
  };
  const render = (msg: BotMessage, channel: string, stepsShown = false) => {
    const text = opts.diagnosisText;
    // A live verdict follows its steps, already printed one by one: do not print them twice.
    const diagnosisText = text && stepsShown ? (d: Diagnosis) => text({ ...d, steps: [] }) : text;
    const lines = renderText(msg, {
      ...(diagnosisText ? { diagnosisText } : {}),
      firstChoice: choices.length + 1,
    });
    for (const button of msg.buttons ?? []) choices.push({ button, channel });
    return lines;
  };
  const label = (ref: MessageRef) => `#${ref.ts}`;
  return {
    async post(channel, msg) {
      counter += 1;
      const ref = { channel, ts: String(counter) };
      write([`── ${label(ref)} ──`, ...render(msg, channel)]);
      return ref;
    },
    async reply(parent, msg) {
      counter += 1;
      write(render(msg, parent.channel), '  │ ');
      return { channel: parent.channel, ts: String(counter) };
    },
    async update(ref, msg) {
      write([`── ${label(ref)} updated ──`, ...render(msg, ref.channel, true)]);
    },
    async ephemeral(to, msg) {
      const [first = '', ...rest] = render(msg, to.channel);
      write([`(only you) ${first}`, ...rest]);
    },
    async upload(parent, file) {
      write([
        `── file ${file.filename} in the thread of ${label(parent)}: ${file.title} ──`,
        ...file.content.split('\n'),
      ]);
    },
    print(msg) {
      write(render(msg, ''));
    },
    choice(n) {
      return choices[n - 1];
    },
  };
}
