/** Settings read with CONFIG GET: NODE_TIMEOUT_LOW, and notes when settings differ or are unknown. */
import type { RuleContext } from '../context.ts';
import { finding, listLabels } from '../finding.ts';
import type { Finding } from '../types.ts';

/** Settings rule family. */
export function settingsRule(ctx: RuleContext): Finding[] {
  const low: { address: string; ms: number }[] = [];
  for (const obs of ctx.snapshot.observations) {
    const ms = obs.config?.nodeTimeoutMs;
    if (ms !== undefined && ms < ctx.opts.minNodeTimeoutMs) low.push({ address: obs.address, ms });
  }
  const c = ctx.config;
  const unknown = [
    c.nodeTimeoutMs.known ? '' : 'cluster-node-timeout (15000 ms)',
    c.replicaValidityFactor.known ? '' : 'cluster-replica-validity-factor (10)',
    c.requireFullCoverage.known ? '' : 'cluster-require-full-coverage (yes)',
  ].filter(Boolean);
  if (unknown.length > 0) {
    const anyConfig = ctx.snapshot.observations.some((o) => o.config);
    ctx.warn(
      `${anyConfig ? 'Some settings could not be read' : 'Cluster settings were not read (CONFIG GET)'}, so Redis defaults are assumed: ${unknown.join(', ')}.`,
    );
  }
  if (c.requireFullCoverage.evidence)
    ctx.warn(`cluster-require-full-coverage no was ${c.requireFullCoverage.evidence}.`);
  if (c.requireFullCoverage.disagreeing?.length)
    ctx.warn(
      `Nodes disagree on cluster-require-full-coverage (${listLabels(c.requireFullCoverage.disagreeing)} differ); the diagnosis assumes yes.`,
    );
  if (low.length === 0) return [];
  return [
    finding(
      'NODE_TIMEOUT_LOW',
      'info',
      `cluster-node-timeout is below ${ctx.opts.minNodeTimeoutMs} ms on ${listLabels(low.map((l) => l.address))}: a short pause (fork, swap, network blip) can mark a healthy master failed and trigger a needless failover.`,
      low.map((l) => l.address),
      '',
      low.map((l) => `cluster-node-timeout ${l.ms} from ${l.address}`),
    ),
  ];
}
