/**
 * Explanations of Redis and client errors as transport-neutral messages: what each error means, its
 * likely causes, what to check next, what the cluster says now, and "Diagnose <cluster>" buttons. Pure.
 */
import { EXPLAIN_CODES, type ExplainedError, type Recognition } from '../../diagnose/explain/types.ts';
import type { BotMessage, MessageButton, MessageSection } from '../message.ts';
import { ACTION_DIAGNOSE_AGAIN } from './diagnosis.ts';

/** Errors explained in full; further ones are listed by title. */
const FULL = 4;
/** Most "Diagnose <cluster>" buttons. */
const MAX_BUTTONS = 3;

/** Buttons, pending and skipped live reads, and input limits to mention under an explanation. */
export interface ExplainRenderOptions {
  /** Clusters usable where the request came from: one "Diagnose <cluster>" button each (up to 3). */
  clusters: string[];
  /** The cluster being read live right now, when the answer will be completed with its facts. */
  pending?: string;
  /** Why no live facts are given, when that is worth saying. */
  liveNote?: string;
  recognition?: Pick<Recognition, 'truncatedChars' | 'omitted'>;
}

/** "Diagnose <cluster>" buttons for the clusters usable here. */
export function diagnoseButtons(clusters: readonly string[]): MessageButton[] {
  return clusters.slice(0, MAX_BUTTONS).map((c) => ({
    actionId: ACTION_DIAGNOSE_AGAIN,
    label: `Diagnose ${c}`,
    value: c,
  }));
}

function errorSections(e: ExplainedError, many: boolean): MessageSection[] {
  const out: MessageSection[] = [
    { heading: many ? e.title : 'What it means', lines: [e.meaning], style: 'prose' },
    { heading: 'Likely causes, most likely first', lines: e.causes, style: 'list' },
    { heading: 'What to check next', lines: e.next, style: 'list' },
  ];
  if (e.live && e.live.length > 0)
    out.push({ heading: 'Right now (read live)', lines: e.live, style: 'list' });
  return out;
}

/** The explanation of every recognised error. */
export function explainMessage(errors: readonly ExplainedError[], opts: ExplainRenderOptions): BotMessage {
  const many = errors.length > 1;
  const title = many ? `${errors.length} Redis errors recognised` : (errors[0]?.title ?? 'Redis error');
  const sections = errors.slice(0, FULL).flatMap((e) => errorSections(e, many));
  const rest = errors.slice(FULL);
  if (rest.length > 0) {
    sections.push({
      heading: `${rest.length} more (ask about one of them alone for the details)`,
      lines: rest.map((e) => e.title),
      style: 'list',
      spill: true,
    });
  }
  const notes: string[] = [];
  if (opts.pending) notes.push(`Reading ${opts.pending} live to see what it says about this now…`);
  if (opts.liveNote) notes.push(opts.liveNote);
  const r = opts.recognition;
  if (r && r.omitted > 0) notes.push(`${r.omitted} further distinct errors were not listed.`);
  if (r && r.truncatedChars > 0)
    notes.push(`Only the first 256 KiB were read; ${r.truncatedChars} characters after that were not.`);
  const buttons = diagnoseButtons(opts.clusters);
  return {
    tone: 'info',
    title,
    ...(many ? { text: errors.map((e) => e.title).join('\n') } : {}),
    sections,
    ...(buttons.length > 0 ? { buttons } : {}),
    ...(notes.length > 0 ? { notes } : {}),
    fallback: `${title}: ${errors.map((e) => e.code).join(', ')}`,
  };
}

/** The live facts alone, sent after an answer that was already shown (a command's ephemeral reply). */
export function liveFactsMessage(cluster: string, errors: readonly ExplainedError[]): BotMessage {
  const withFacts = errors.filter((e) => e.live && e.live.length > 0);
  const title = `Right now in ${cluster}`;
  if (withFacts.length === 0) {
    const text = `${cluster} was read, but it says nothing more about these errors.`;
    return { tone: 'info', text, buttons: diagnoseButtons([cluster]), fallback: text };
  }
  return {
    tone: 'info',
    title,
    sections: withFacts.map((e) => ({ heading: e.title, lines: e.live ?? [], style: 'list' as const })),
    buttons: diagnoseButtons([cluster]),
    fallback: `${title}: ${withFacts.flatMap((e) => e.live ?? []).join(' ')}`,
  };
}

/** The answer to text with no error in it. */
export function nothingRecognisedMessage(truncatedChars = 0): BotMessage {
  const text = 'Nothing I recognise as a Redis error in that text.';
  const codes = EXPLAIN_CODES.filter((c) => /^[A-Z]+$/.test(c)).join(', ');
  return {
    tone: 'info',
    text,
    sections: [
      {
        lines: [
          `I know the Redis errors ${codes}, and how Jedis, Lettuce, redis-py, ioredis, go-redis and StackExchange.Redis report them (too many redirections, failed slot-cache refresh, uncovered slots, unreachable endpoints). Paste the exact error line or the stack trace.`,
        ],
        style: 'prose',
      },
    ],
    ...(truncatedChars > 0 ? { notes: [`Only the first 256 KiB were read.`] } : {}),
    fallback: text,
  };
}
