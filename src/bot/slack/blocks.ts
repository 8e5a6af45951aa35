/**
 * BotMessage -> Block Kit within Slack's limits: 3,000 chars per section text, 50 blocks, and a
 * ~12k total (we count the blocks' JSON). What does not fit is never dropped: sections marked `spill`
 * go to a file, and anything still too big is returned as continuation sections for more messages.
 */
import type { BotMessage, MessageSection, Tone } from '../message.ts';
import { escapeMrkdwn, escapeVerbatim } from './mrkdwn.ts';

export const LIMITS = {
  sectionText: 3000,
  blocks: 50,
  totalJson: 12_000,
  header: 150,
  field: 2000,
  fallback: 3000,
};
/** Chunk size for section text, leaving room for a heading and ``` fences. */
const CHUNK = 2800;

/** A Block Kit block, loosely typed (we only build the kinds below). */
export type Block = Record<string, unknown>;

export interface SlackPayload {
  text: string;
  blocks: Block[];
}

export interface Rendered {
  payload: SlackPayload;
  /** Spill sections that did not fit: attach them as a file. */
  spilled: MessageSection[];
  /** Other sections that did not fit: post them as continuation messages. */
  rest: MessageSection[];
}

const ICONS: Record<Tone, string> = {
  ok: ':white_check_mark:',
  problem: ':red_circle:',
  skipped: ':fast_forward:',
  critical: ':rotating_light:',
  warning: ':warning:',
  info: ':information_source:',
  running: ':hourglass_flowing_sand:',
};

/** Renders `msg`; `extraNote` (e.g. "the rest is attached") is added when something had to move. */
export function renderBlocks(
  input: BotMessage,
  overflowNote = 'The rest is attached in the thread.',
): Rendered {
  const msg = notesAsSection(input);
  const head = headBlocks(msg);
  const tail = tailBlocks(msg);
  const sections = (msg.sections ?? []).map((s) => ({ section: s, blocks: sectionBlocks(s) }));
  const fits = (kept: typeof sections, withNote: boolean) => {
    const blocks = [
      ...head,
      ...kept.flatMap((k) => k.blocks),
      ...tail,
      ...(withNote ? [context([overflowNote])] : []),
    ];
    return blocks.length <= LIMITS.blocks && JSON.stringify(blocks).length <= LIMITS.totalJson
      ? blocks
      : null;
  };
  const text = fallbackText(msg);
  const all = fits(sections, false);
  if (all) return { payload: { text, blocks: all }, spilled: [], rest: [] };
  let kept = [...sections];
  const spilled: MessageSection[] = [];
  for (let i = kept.length - 1; i >= 0 && !fits(kept, true); i--) {
    const k = kept[i];
    if (k?.section.spill) {
      spilled.unshift(k.section);
      kept = kept.filter((x) => x !== k);
    }
  }
  const rest: MessageSection[] = [];
  while (kept.length > 0 && !fits(kept, true)) {
    const last = kept.pop();
    if (last) rest.unshift(last.section);
  }
  const blocks = fits(kept, true) ?? [context([overflowNote])];
  return { payload: { text, blocks }, spilled, rest };
}

/**
 * Slack payloads (each within every limit) that carry `sections` in order, for continuation messages
 * or ephemeral follow-ups. `label` heads each payload's fallback text.
 */
export function continuationPayloads(sections: MessageSection[], label: string): SlackPayload[] {
  const out: SlackPayload[] = [];
  let blocks: Block[] = [];
  const flush = () => {
    if (blocks.length === 0) return;
    out.push({ text: escapeMrkdwn(`${label} (part ${out.length + 1})`), blocks });
    blocks = [];
  };
  for (const block of sections.flatMap(sectionBlocks)) {
    const next = [...blocks, block];
    if (next.length > LIMITS.blocks || JSON.stringify(next).length > LIMITS.totalJson) flush();
    blocks.push(block);
  }
  flush();
  return out;
}

/** Many or long notes would crowd out the head of the message: they become a section that may spill. */
function notesAsSection(msg: BotMessage): BotMessage {
  const notes = msg.notes ?? [];
  if (notes.length <= 10 && notes.join('\n').length <= 1500) return msg;
  return {
    ...msg,
    notes: [],
    sections: [...(msg.sections ?? []), { heading: 'Notes', lines: notes, style: 'list', spill: true }],
  };
}

/** Section text chunks for one section: each is a complete mrkdwn string under the section limit. */
export function sectionTexts(s: MessageSection): string[] {
  const heading = s.heading ? `*${escapeMrkdwn(s.heading)}*\n` : '';
  const lines =
    s.style === 'verbatim'
      ? s.lines.map(escapeVerbatim)
      : s.style === 'list'
        ? s.lines.map((l) => `• ${escapeMrkdwn(l)}`)
        : s.lines.map(escapeMrkdwn);
  const sep = s.style === 'prose' ? '\n\n' : '\n';
  const chunks = chunkLines(lines, CHUNK - heading.length, sep);
  return chunks.map((c, i) => {
    const body = s.style === 'verbatim' ? '```\n' + c + '\n```' : c;
    return (i === 0 ? heading : '') + body;
  });
}

/** Packs lines into chunks of at most `max` chars joined by `sep`; an over-long line is split, not cut. */
export function chunkLines(lines: string[], max: number, sep = '\n'): string[] {
  const out: string[] = [];
  let cur = '';
  const push = (piece: string) => {
    if (cur === '') cur = piece;
    else if (cur.length + sep.length + piece.length <= max) cur += sep + piece;
    else {
      out.push(cur);
      cur = piece;
    }
  };
  for (const line of lines) {
    if (line.length <= max) push(line);
    else for (let i = 0; i < line.length; i += max) push(line.slice(i, i + max));
  }
  if (cur !== '' || out.length === 0) out.push(cur);
  return out;
}

/** The plain-text version of a section, for a file attachment or a terminal. */
export function sectionPlain(s: MessageSection): string {
  const body = s.style === 'list' ? s.lines.map((l) => `- ${l}`) : s.lines;
  return [...(s.heading ? [s.heading, '-'.repeat(Math.min(s.heading.length, 80))] : []), ...body].join('\n');
}

function sectionBlocks(s: MessageSection): Block[] {
  return sectionTexts(s).map((text) => ({ type: 'section', text: { type: 'mrkdwn', text } }));
}

function headBlocks(msg: BotMessage): Block[] {
  const out: Block[] = [];
  const icon = msg.tone ? `${ICONS[msg.tone]} ` : '';
  if (msg.title) {
    const title = icon + escapeMrkdwn(msg.title);
    if (title.length <= LIMITS.header) {
      out.push({ type: 'header', text: { type: 'plain_text', text: title, emoji: true } });
    } else {
      const parts = sectionTexts({ lines: [msg.title], style: 'prose' });
      out.push(...parts.map((t, i) => mrkdwnSection((i === 0 ? icon : '') + `*${t}*`)));
    }
  }
  if (msg.requestedBy) out.push(context([`Requested by ${mention(msg.requestedBy)}`], true));
  if (msg.text) {
    const lead = msg.title ? '' : icon;
    out.push(
      ...sectionTexts({ lines: [msg.text], style: 'prose' }).map((t, i) =>
        mrkdwnSection((i === 0 ? lead : '') + t),
      ),
    );
  }
  const fields = msg.fields ?? [];
  const long = fields.filter((f) => f.label.length + f.value.length > LIMITS.field - 20);
  const short = fields.filter((f) => !long.includes(f));
  for (let i = 0; i < short.length; i += 10) {
    out.push({
      type: 'section',
      fields: short.slice(i, i + 10).map((f) => ({
        type: 'mrkdwn',
        text: `*${escapeMrkdwn(f.label)}*\n${f.user ? mention(f.value) : escapeMrkdwn(f.value)}`,
      })),
    });
  }
  for (const f of long) out.push(...sectionBlocks({ heading: f.label, lines: [f.value], style: 'prose' }));
  return out;
}

function tailBlocks(msg: BotMessage): Block[] {
  const out: Block[] = [];
  const notes = msg.notes ?? [];
  if (notes.length > 0) {
    const joined = chunkLines(notes.map(escapeMrkdwn), 1900, '\n');
    if (joined.length <= 10) out.push(context(joined, true));
    else out.push(...sectionBlocks({ lines: notes, style: 'list' }));
  }
  const buttons = msg.buttons ?? [];
  if (buttons.length > 0) {
    out.push({
      type: 'actions',
      elements: buttons.slice(0, 25).map((b) => ({
        type: 'button',
        action_id: b.actionId,
        text: { type: 'plain_text', text: b.label.slice(0, 75), emoji: true },
        value: b.value.slice(0, 2000),
        ...(b.style ? { style: b.style } : {}),
        ...(b.confirm
          ? {
              confirm: {
                title: { type: 'plain_text', text: b.confirm.title.slice(0, 100) },
                text: { type: 'plain_text', text: b.confirm.text.slice(0, 300) },
                confirm: { type: 'plain_text', text: b.confirm.confirm.slice(0, 30) },
                deny: { type: 'plain_text', text: b.confirm.deny.slice(0, 30) },
                ...(b.style === 'danger' ? { style: 'danger' } : {}),
              },
            }
          : {}),
      })),
    });
  }
  return out;
}

function mrkdwnSection(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/** A context block; `escaped` says the texts are already escaped mrkdwn. */
function context(texts: string[], escaped = false): Block {
  return {
    type: 'context',
    elements: texts.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: escaped ? t : escapeMrkdwn(t) })),
  };
}

/** A real mention for a Slack user id; anything else is shown as escaped text. */
function mention(user: string): string {
  return /^[UW][A-Z0-9]{2,30}$/.test(user) ? `<@${user}>` : escapeMrkdwn(user);
}

function fallbackText(msg: BotMessage): string {
  const icon = msg.tone ? `${ICONS[msg.tone]} ` : '';
  const text = escapeMrkdwn(msg.fallback);
  return (
    icon +
    (text.length > LIMITS.fallback
      ? `${text.slice(0, LIMITS.fallback - 40)}… (full text in the message)`
      : text)
  );
}
