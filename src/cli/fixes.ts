/**
 * Wires fixes for an entry point (serve, shell, demo): the approvals runtime on the queue Redis, the
 * planner and the executor over the registry's clusters (remediation credentials, read at run time),
 * and the FixDeps the bot core takes. The worker is started by the caller once the bot (and so its
 * progress observer) exists.
 */

import type { Logger } from 'pino';
import { executePlan, planAction } from '../actions/service.ts';
import { type ApprovalRuntime, openApprovals } from '../approvals/open.ts';
import type { ApprovalMetrics, Executor } from '../approvals/types.ts';
import type { FixDeps } from '../bot/fix-deps.ts';
import type { Config } from '../config/schema.ts';
import { resolveTarget } from '../config/target.ts';
import type { ProbeOptions } from '../diagnose/probe/probe.ts';

/** The registry, the queue Redis and the probe settings fixes run with. */
export interface OpenFixesOptions {
  config: Config;
  url: string;
  logger: Logger;
  metrics?: ApprovalMetrics;
  probe?: ProbeOptions;
  /** Overrides config.approvals.prefix (tests). */
  prefix?: string;
}

/** The runtime, the bot's FixDeps and the executor the worker runs. */
export function openFixes(opts: OpenFixesOptions): {
  runtime: ApprovalRuntime;
  fixes: FixDeps;
  executor: Executor;
} {
  const { config } = opts;
  const cluster = (name: string) => resolveTarget(config, name, { allowAdHoc: false }).cluster;
  const probe = opts.probe ? { probe: opts.probe } : {};
  const runtime = openApprovals({
    url: opts.url,
    config,
    logger: opts.logger,
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
    ...(opts.prefix ? { prefix: opts.prefix } : {}),
  });
  return {
    runtime,
    fixes: {
      approvals: runtime.service,
      plan: (name, action, params) => planAction(cluster(name), action, params, probe),
    },
    executor: (plan, listener, signal) =>
      executePlan(cluster(plan.cluster), plan, { listener, signal, ...probe }),
  };
}
