/**
 * Transport-neutral messages: what the bot says, without saying how Slack or a terminal shows it.
 * Every string here is PLAIN text (never markup); each transport escapes and formats it itself.
 */
import type { Diagnosis } from '../diagnose/types.ts';

/** How a message or step turned out; transports pick an icon or a colour for it. */
export type Tone = 'ok' | 'problem' | 'skipped' | 'critical' | 'warning' | 'info' | 'running';

/** A block of lines: prose paragraphs, a bulleted list, or verbatim text shown in monospace. */
export interface MessageSection {
  heading?: string;
  lines: string[];
  style: 'prose' | 'list' | 'verbatim';
  /** Long evidence: when the message is too big for one chat message, this section goes to a file. */
  spill?: boolean;
  /** Set on sections restating the message's `diagnosis`: a text transport that prints the diagnosis whole skips them. */
  fromDiagnosis?: boolean;
}

export interface MessageField {
  label: string;
  value: string;
  /** The value is a chat user id: Slack shows it as a mention, a terminal as the id. */
  user?: boolean;
}

/** A "are you sure?" dialog shown before a button acts (Slack's confirm; a terminal shows the question). */
export interface ButtonConfirm {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

/** A button; a terminal shows it as a numbered choice. `value` is an id, never a command to run. */
export interface MessageButton {
  actionId: string;
  label: string;
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ButtonConfirm;
}

export interface BotMessage {
  tone?: Tone;
  /** One line: a header in Slack, a title line in a terminal. */
  title?: string;
  /** A short paragraph under the title. */
  text?: string;
  fields?: MessageField[];
  sections?: MessageSection[];
  buttons?: MessageButton[];
  /** Small print under everything (what could not be seen, where the rest went). */
  notes?: string[];
  /** Chat user id of whoever asked; shown as "requested by". */
  requestedBy?: string;
  /** Plain-text summary for notifications, screen readers and clients without rich layout. */
  fallback: string;
  /** The diagnosis this message reports, so a text transport can print it with the shared renderer. */
  diagnosis?: Diagnosis;
  /**
   * Everything else there is (findings, evidence, each step in full), shown only on request: the core keeps
   * it and puts a "Details" button on the message instead (src/bot/details/).
   */
  details?: BotMessage;
}

/** Where a posted message lives: its channel and timestamp (Slack `ts`, or a terminal counter). */
export interface MessageRef {
  channel: string;
  ts: string;
}

/** Who sees an ephemeral reply; `replyUrl` is Slack's response_url when there is one (a secret). */
export interface EphemeralTarget {
  channel: string;
  user: string;
  replyUrl?: string;
  threadTs?: string;
}

/** A text file to attach in a message's thread. */
export interface FileUpload {
  filename: string;
  title: string;
  content: string;
  /** A sentence posted with the file. */
  comment?: string;
}

/**
 * What the bot core needs from a chat surface. Slack and the terminal shell implement it; the core
 * never knows which one it talks to.
 */
export interface Transport {
  /** Posts a new top-level message in `channel`. */
  post(channel: string, msg: BotMessage): Promise<MessageRef>;
  /** Posts `msg` in the thread under `parent` (which may be someone else's message). */
  reply(parent: MessageRef, msg: BotMessage): Promise<MessageRef>;
  /** Replaces the content of a message the bot posted. */
  update(ref: MessageRef, msg: BotMessage): Promise<void>;
  /** Shows `msg` to one user only. */
  ephemeral(to: EphemeralTarget, msg: BotMessage): Promise<void>;
  /** Attaches a text file in the thread under `parent`. */
  upload(parent: MessageRef, file: FileUpload): Promise<void>;
  /** Why a post failed, as one sentence for the user that names the fix (e.g. "invite me"). */
  explainFailure?(err: unknown): string;
}

/** Builds a one-line message (title only), the common case for short replies. */
export function note(text: string, tone: Tone = 'info'): BotMessage {
  return { tone, text, fallback: text };
}

/** A refusal or error for one user: what is wrong, then what would work. */
export function problem(message: string, hint: string): BotMessage {
  return {
    tone: 'warning',
    text: message,
    sections: hint ? [{ lines: [hint], style: 'prose' }] : [],
    fallback: `${message} ${hint}`.trim(),
  };
}
