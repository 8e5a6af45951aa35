/**
 * The shell's read loop: commands typed at a prompt go to the bot core like `/redis` commands, other
 * lines collect into a paste (ended by a command, an empty line at a terminal, or end of input), and
 * numbers pick a button. Works with piped stdin and returns at EOF once all work is done.
 */
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { SUBCOMMANDS, tokenize } from '../commands.ts';
import type { Bot, Requester } from '../core.ts';
import { note } from '../message.ts';
import type { TerminalTransport } from './transport.ts';

export interface ShellOptions {
  bot: Bot;
  transport: TerminalTransport;
  input: Readable;
  output: Writable;
  user: string;
  /** Channel whose access rules apply; null = no channel rule applies. */
  channel: string | null;
  /** Interactive terminal: show a prompt, and an empty line ends a paste. */
  interactive: boolean;
  /** The local operator (no --as): user permission rules do not apply. */
  operator: boolean;
}

const WORDS = new Set<string>([...SUBCOMMANDS.map((s) => s.name), 'runbooks']);
const EXIT_WORDS = new Set(['exit', 'quit', '\\q']);
/** Most lines one paste may collect (a 2,000-node CLUSTER NODES is far below). */
const MAX_PASTE_LINES = 100_000;

/** "--as bob approve fx-..." -> { user: 'bob', rest: 'approve fx-...' }; null without the prefix. */
export function asPrefix(line: string): { user: string; rest: string } | null {
  const m = /^--as\s+(\S+)\s+(.+)$/.exec(line.trim());
  return m ? { user: m[1] as string, rest: m[2] as string } : null;
}

/** True when `line` is a shell command (or `/redis ...`), not part of a paste. */
export function isCommandLine(line: string): boolean {
  const t = asPrefix(line)?.rest ?? line.trim();
  if (/^\/redis\b/i.test(t) || /^\d{1,3}$/.test(t)) return true;
  const first = tokenize(t)[0]?.toLowerCase() ?? '';
  return WORDS.has(first) || EXIT_WORDS.has(first) || t === '?';
}

/**
 * True when a line that starts no paste looks like a mistyped command ("diagnoze prod"): a few plain
 * words. Redis output lines start with ids, "key:value", "M:", "[OK]" or digits, or are longer.
 */
export function looksLikeCommandAttempt(line: string): boolean {
  const words = line.trim().split(/\s+/);
  return line.length < 100 && words.length <= 4 && /^[A-Za-z][A-Za-z-]*$/.test(words[0] ?? '');
}

/** Runs the shell until EOF or `exit`. */
export async function runShell(opts: ShellOptions): Promise<void> {
  const { bot, transport, output } = opts;
  const channel = opts.channel ?? 'terminal';
  const who = { user: opts.user, channel, unbound: opts.channel === null, operator: opts.operator };
  const rl = createInterface({ input: opts.input, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  let paste: string[] = [];
  const prompt = () => {
    if (opts.interactive) output.write(paste.length > 0 ? '... ' : 'redis> ');
  };
  const flush = async () => {
    if (paste.length === 0) return;
    const text = paste.join('\n');
    paste = [];
    const answered = await bot.paste({ ...who, text, threadTs: 'paste', mentioned: true });
    if (!answered) transport.print(note('Nothing to diagnose in that text.'));
  };
  prompt();
  for await (const line of rl) {
    const t = line.trim();
    if (paste.length === 0 && t === '') {
      prompt();
      continue;
    }
    if (isCommandLine(t) || (paste.length === 0 && looksLikeCommandAttempt(t))) {
      await flush();
      const first = tokenize(t)[0]?.toLowerCase() ?? '';
      if (EXIT_WORDS.has(first)) break;
      const as = asPrefix(t);
      if (/^\d{1,3}$/.test(t)) await pick(opts, who, Number(t));
      else if (as)
        await bot.command({ ...who, user: as.user, operator: false, text: as.rest }, async (msg) =>
          transport.print(msg),
        );
      else await bot.command({ ...who, text: t }, async (msg) => transport.print(msg));
    } else if (t === '' && opts.interactive) {
      await flush();
    } else if (paste.length < MAX_PASTE_LINES) {
      paste.push(line);
    } else {
      await flush();
      paste.push(line);
    }
    prompt();
  }
  await flush();
  rl.close();
}

async function pick(opts: ShellOptions, who: Requester, n: number) {
  const found = opts.transport.choice(n);
  if (!found) {
    opts.transport.print(note(`There is no choice ${n}.`, 'warning'));
    return;
  }
  await opts.bot.action({ ...who, actionId: found.button.actionId, value: found.button.value });
}
