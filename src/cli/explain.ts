/**
 * `redis-runbook explain <text|->`: recognises Redis and client-library errors in the text and explains
 * each; with --cluster, probes that cluster and says what it shows now about the slot or node an error
 * names. Exit 0 when something was recognised, 2 for no input, nothing recognisable or a bad --cluster.
 */

import { explainMessage, nothingRecognisedMessage } from '../bot/render/explain.ts';
import { renderText } from '../bot/shell/render.ts';
import { buildModel } from '../cluster/model.ts';
import { isConfigError } from '../config/errors.ts';
import { explainErrors, wantsLiveLook } from '../diagnose/explain/explain.ts';
import type { LiveLookup } from '../diagnose/explain/live.ts';
import { MAX_INPUT_CHARS, recogniseErrors } from '../diagnose/explain/recognise.ts';
import type { ExplainedError } from '../diagnose/explain/types.ts';
import type { ProbeOptions } from '../diagnose/probe/probe.ts';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.ts';
import { readStdinCapped, type TargetOptions } from './target-options.ts';

/** Options of `explain` (and, for tests, the probe settings and where output goes). */
export interface ExplainCliOptions extends TargetOptions {
  json?: boolean;
  cluster?: string;
  probe?: ProbeOptions;
  out?: (text: string) => void;
  err?: (text: string) => void;
  stdin?: NodeJS.ReadableStream;
}

/** One error as `explain --json` prints it: code, slot?, node?, meaning, causes, next, then extras. */
export function explainedJson(e: ExplainedError): Record<string, unknown> {
  return {
    code: e.code,
    ...(e.slot !== undefined ? { slot: e.slot } : {}),
    ...(e.node !== undefined ? { node: e.node } : {}),
    meaning: e.meaning,
    causes: e.causes,
    next: e.next,
    count: e.count,
    clients: e.clients,
    ...(e.live ? { live: e.live } : {}),
  };
}

async function lookup(target: string, opts: ExplainCliOptions): Promise<LiveLookup> {
  const { probeTarget } = await import('./live-target.ts');
  const { cluster, snapshot } = await probeTarget(target, opts);
  return { cluster: cluster.name, model: buildModel(snapshot) };
}

/** Runs `explain`; resolves with the exit code. */
export async function runExplain(words: string[], opts: ExplainCliOptions = {}): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const err = opts.err ?? ((t: string) => process.stderr.write(`${t}\n`));
  const fromStdin = words.length === 1 && words[0] === '-';
  const text = fromStdin ? await readStdinCapped(MAX_INPUT_CHARS * 2, opts.stdin) : words.join(' ');
  if (text.trim() === '') {
    err('redis-runbook explain: give the error text, or "-" to read it from stdin [EMPTY_INPUT]');
    return EXIT_USAGE;
  }
  const rec = recogniseErrors(text, { strict: false });
  if (rec.errors.length === 0) {
    if (opts.json) out(JSON.stringify({ errors: [] }, null, 2));
    else out(renderText(nothingRecognisedMessage(rec.truncatedChars)).join('\n'));
    err('redis-runbook explain: nothing I recognise as a Redis error in that text [NO_ERROR_FOUND]');
    return EXIT_USAGE;
  }
  let live: LiveLookup | undefined;
  const wants = rec.errors.some(wantsLiveLook);
  if (opts.cluster && wants) {
    try {
      live = await lookup(opts.cluster, opts);
    } catch (e) {
      if (!isConfigError(e)) throw e;
      err(`redis-runbook explain: ${e.message} [${e.code}]`);
      return EXIT_USAGE;
    }
  }
  const explained = explainErrors(rec.errors, live);
  if (opts.json) {
    out(JSON.stringify({ errors: explained.map(explainedJson) }, null, 2));
    return EXIT_OK;
  }
  const note =
    wants && !opts.cluster
      ? 'Add --cluster <name|host:port> to see what the cluster says about this slot or node right now.'
      : undefined;
  const msg = explainMessage(explained, {
    clusters: [],
    ...(note ? { liveNote: note } : {}),
    recognition: rec,
  });
  out(renderText(msg).join('\n'));
  return EXIT_OK;
}
