/**
 * Everything the bot core needs besides a transport and a logger, built from the registry: the
 * diagnosis service, the offline paste analyser (in a worker thread unless told otherwise), and the
 * live topology reader for `nodes`.
 */
import { looksLikeClusterOutput } from '../cluster/paste.ts';
import type { Config } from '../config/schema.ts';
import { resolveTarget } from '../config/target.ts';
import { probeCluster } from '../diagnose/probe/probe.ts';
import { createDiagnosisService, type ServiceOptions } from '../runbooks/service.ts';
import type { BotDeps } from './core.ts';
import { replyToPaste } from './paste-analysis.ts';
import { createPasteRunner, type PasteRunnerOptions } from './paste-runner.ts';

export interface BotDepsOptions extends ServiceOptions {
  /** The paste worker's limits, or false to read pastes on the calling thread (default: a worker). */
  pasteWorker?: PasteRunnerOptions | false;
}

/** Ordinary chat up to this length is recognised as "not a paste" on the calling thread, without the worker. */
const INLINE_CHECK_CHARS = 4000;

/** The bot's dependencies over `config`. Chat never resolves ad-hoc host:port targets. */
export function buildBotDeps(
  config: Config,
  opts: BotDepsOptions = {},
): Omit<BotDeps, 'transport' | 'logger'> {
  const service = createDiagnosisService(config, opts);
  const runner = opts.pasteWorker === false ? null : createPasteRunner(opts.pasteWorker ?? {});
  return {
    config,
    service,
    analyzePaste: runner
      ? (text) =>
          text.length <= INLINE_CHECK_CHARS && !looksLikeClusterOutput(text) ? null : runner.analyze(text)
      : (text) => replyToPaste(text, true),
    ...(runner ? { warm: () => runner.warm(), release: () => runner.close() } : {}),
    topology: (name) => probeCluster(resolveTarget(config, name, { allowAdHoc: false }).cluster, opts.probe),
  };
}
