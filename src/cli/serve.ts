/**
 * The Slack bot process behind `redis-runbook serve`, loaded only when that command runs (and with it
 * prom-client). It owns the process: it checks every setting before starting (one readable message and
 * a non-zero exit, never a stack), serves /healthz, /readyz and /metrics on $PORT in both Slack modes,
 * and stops gracefully on SIGTERM/SIGINT. It exits when stopped, even if a library left a handle open.
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import { buildBotDeps } from '../bot/deps.ts';
import { redisDetails } from '../bot/details/redis.ts';
import { createSlackBot } from '../bot/slack/app.ts';
import { readSlackEnv, type SlackEnv } from '../bot/slack/env.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { type OpsEnv, readOpsEnv } from '../ops/env.ts';
import { connectQueueRedis, type QueueRedis } from '../ops/health/queue-redis.ts';
import { Readiness } from '../ops/health/readiness.ts';
import { opsRoutes } from '../ops/http/routes.ts';
import { type OpsServer, startOpsServer } from '../ops/http/server.ts';
import { Drain } from '../ops/lifecycle/drain.ts';
import { firstSignal, gracefulStop } from '../ops/lifecycle/shutdown.ts';
import { createLogger } from '../ops/logger.ts';
import { createPrometheusMetrics } from '../ops/metrics/prometheus.ts';
import { openFixes } from './fixes.ts';
import { METRIC_LABELS } from './metric-labels.ts';

/** How long start-up waits for the queue Redis to answer before giving up. */
const QUEUE_START_WAIT_MS = 5000;

interface Setup {
  slack: SlackEnv;
  ops: OpsEnv;
  config: Config;
}

/** Runs the bot until a signal stops it; resolves with the exit code (2 bad settings, 1 cannot start). */
export async function serve(opts: { config?: string; host?: string }, env = process.env): Promise<number> {
  const setup = readSetup(opts.config, env);
  if (typeof setup === 'string') {
    process.stderr.write(`redis-runbook serve: cannot start: ${setup}\n`);
    return 2;
  }
  const logger = createLogger(setup.ops.logLevel);
  process.on('uncaughtException', (err) => {
    logger.fatal({ event: 'uncaught_exception', err }, 'uncaught exception: exiting');
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    logger.error({ event: 'unhandled_rejection', err }, 'unhandled promise rejection');
  });
  const queue = connectQueueRedis(setup.ops.redisUrl, logger);
  const reach = await queue.waitUntilReachable(QUEUE_START_WAIT_MS);
  if (!reach.ok) {
    await queue.close();
    process.stderr.write(
      `redis-runbook serve: cannot start: ${reach.detail}. Start it, or set REDIS_URL to the queue Redis.\n`,
    );
    return exitSoon(1);
  }
  return run(setup, opts.host, logger, queue);
}

/** Every setting, or one message naming every problem. */
function readSetup(configPath: string | undefined, env: NodeJS.ProcessEnv): Setup | string {
  const slack = readSlackEnv(env);
  const ops = readOpsEnv(env);
  const problems = [...(slack.ok ? [] : slack.problems), ...(ops.ok ? [] : ops.problems)];
  if (!slack.ok || !ops.ok) return `\n${problems.map((p) => `  - ${p}`).join('\n')}`;
  try {
    return { slack: slack.env, ops: ops.env, config: loadConfig(configPath, env) };
  } catch (err) {
    return (err as Error).message;
  }
}

async function run(setup: Setup, host: string | undefined, logger: Logger, queue: QueueRedis) {
  const { slack, config } = setup;
  const metrics = createPrometheusMetrics(METRIC_LABELS);
  let wired: ReturnType<typeof openFixes>;
  try {
    wired = openFixes({
      config,
      url: setup.ops.redisUrl,
      logger,
      metrics: { transition: (state) => metrics.approval(state), job: (o, s) => metrics.job(o, s) },
      probe: { onNodeProbed: (outcome) => metrics.probe(outcome) },
    });
  } catch (err) {
    await queue.close();
    process.stderr.write(`redis-runbook serve: cannot start: ${(err as Error).message}\n`);
    return exitSoon(2);
  }
  const { runtime } = wired;
  for (const warning of (await runtime.check(QUEUE_START_WAIT_MS)).warnings) {
    logger.warn({ event: 'queue_redis_settings', warning }, `queue Redis: ${warning}`);
  }
  const readiness = new Readiness();
  const drain = new Drain();
  const wrapUp = new AbortController();
  // Every diagnosis in flight listens on it (and stops listening when it ends): 50 at once are normal
  // load, not the leak Node's warning at 11 listeners assumes.
  setMaxListeners(0, wrapUp.signal);
  const routes = opsRoutes({ readiness, metrics });
  const socketMode = slack.appToken !== undefined;
  const bot = createSlackBot({
    ...buildBotDeps(config, { probe: { onNodeProbed: (outcome) => metrics.probe(outcome) } }),
    env: slack,
    logger,
    metrics,
    wrapUp: wrapUp.signal,
    inFlight: drain,
    claimEvent: async (key, ttlMs) => (await queue.client.set(key, '1', 'PX', ttlMs, 'NX')) === 'OK',
    sharedDetails: redisDetails(queue.client, config.approvals.prefix),
    fixes: wired.fixes,
    ...(socketMode ? {} : { routes }),
  });
  readiness.add('queue', queue.check);
  readiness.add('slack', bot.slackCheck);
  let opsServer: OpsServer | null = null;
  try {
    // In Socket Mode no Bolt server exists: the operations routes get their own, on the same $PORT.
    if (socketMode) opsServer = await startOpsServer(routes, slack.port, host);
    const { port } = await bot.start(slack.port, host);
    // The worker runs here, on every replica: any of them may take an approved job.
    runtime.startWorker(wired.executor, bot.bot.fixObserver);
    drain.register('fix-worker', async (budgetMs) => {
      const { finished } = await runtime.close(budgetMs);
      if (!finished)
        logger.warn(
          { event: 'fix_left_running' },
          'a fix was still running at shutdown: recorded as unknown-outcome by the next reconcile',
        );
    });
    logStarted(logger, config, port ?? opsServer?.port ?? null, socketMode);
  } catch (err) {
    await opsServer?.close(0);
    await runtime.close(0);
    await queue.close();
    process.stderr.write(`redis-runbook serve: could not start: ${startProblem(err)}\n`);
    return exitSoon((err as { code?: string }).code === 'SLACK_AUTH' ? 2 : 1);
  }
  const signal = await firstSignal(logger);
  await gracefulStop(
    {
      logger,
      readiness,
      drain,
      stopIntake: () => bot.stop(),
      forceIntake: () => bot.dropConnections(),
      wrapUp: () => wrapUp.abort(),
      closers: [() => queue.close(), ...(opsServer ? [() => opsServer.close(500)] : [])],
    },
    signal,
  );
  return exitSoon(0);
}

function logStarted(logger: Logger, config: Config, port: number | null, socketMode: boolean) {
  logger.info(
    { event: 'started', mode: socketMode ? 'socket' : 'http', port, clusters: config.clusters.length },
    socketMode
      ? `connected to Slack in Socket Mode; /healthz, /readyz, /metrics on :${port}`
      : `listening on :${port} (/slack/events, /healthz, /readyz, /metrics)`,
  );
  if (config.clusters.length === 0) {
    logger.warn({ event: 'no_clusters' }, 'no clusters registered: only help and pasted output will work');
  }
}

/** The first line of a start-up failure, with a hint for a port already in use. */
function startProblem(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'EADDRINUSE') return `the port is already in use (${e.message}); set PORT to a free one`;
  return String(e.message ?? err).split('\n')[0] ?? '';
}

/**
 * Resolves with `code`, and makes sure the process exits with it soon after even if a library (a
 * keep-alive socket, a reconnect timer) keeps the event loop alive.
 */
function exitSoon(code: number): number {
  setTimeout(() => process.exit(code), 300).unref();
  return code;
}
