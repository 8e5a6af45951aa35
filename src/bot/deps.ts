/**
 * Everything the bot core needs besides a transport and a logger, built from the registry: the
 * diagnosis service, the offline paste analyser, and the live topology reader for `nodes`.
 */
import { looksLikeClusterOutput, snapshotFromPaste } from '../cluster/paste.ts';
import type { Config } from '../config/schema.ts';
import { resolveTarget } from '../config/target.ts';
import { probeCluster } from '../diagnose/probe/probe.ts';
import { createDiagnosisService, type ServiceOptions } from '../runbooks/service.ts';
import type { BotDeps } from './core.ts';

/** The bot's dependencies over `config`. Chat never resolves ad-hoc host:port targets. */
export function buildBotDeps(
  config: Config,
  opts: ServiceOptions = {},
): Omit<BotDeps, 'transport' | 'logger'> {
  const service = createDiagnosisService(config, opts);
  return {
    config,
    service,
    analyzePaste: (text) =>
      looksLikeClusterOutput(text)
        ? { snapshot: snapshotFromPaste(text), diagnosis: service.diagnosePaste(text) }
        : null,
    topology: (name) => probeCluster(resolveTarget(config, name, { allowAdHoc: false }).cluster, opts.probe),
  };
}
