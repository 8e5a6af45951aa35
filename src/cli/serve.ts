/** The Slack bot process behind `redis-runbook serve`, loaded only when that command runs. */
import { buildBotDeps } from '../bot/deps.ts';
import { createSlackBot } from '../bot/slack/app.ts';
import { readSlackEnv } from '../bot/slack/env.ts';
import { createLogger } from '../bot/slack/logger.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';

/** Starts the bot; resolves with an exit code (2 for a bad environment or config) once it stops. */
export async function serve(opts: { config?: string; host?: string }, env = process.env): Promise<number> {
  const read = readSlackEnv(env);
  if (!read.ok) {
    process.stderr.write(
      `redis-runbook serve: cannot start:\n${read.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    return 2;
  }
  let config: Config;
  try {
    config = loadConfig(opts.config, env);
  } catch (err) {
    process.stderr.write(`redis-runbook serve: ${(err as Error).message}\n`);
    return 2;
  }
  const logger = createLogger(env.LOG_LEVEL ?? 'info');
  const bot = createSlackBot({ ...buildBotDeps(config), env: read.env, logger });
  try {
    const { port } = await bot.start(read.env.port, opts.host);
    logger.info(
      { event: 'started', mode: port === null ? 'socket' : 'http', port, clusters: config.clusters.length },
      port === null ? 'connected to Slack in Socket Mode' : `listening on :${port}/slack/events`,
    );
    if (config.clusters.length === 0) {
      logger.warn({ event: 'no_clusters' }, 'no clusters registered: only help and pasted output will work');
    }
  } catch (err) {
    process.stderr.write(`redis-runbook serve: could not start: ${(err as Error).message.split('\n')[0]}\n`);
    return (err as { code?: string }).code === 'SLACK_AUTH' ? 2 : 1;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ event: 'stopping', signal }, 'stopping');
      bot.stop().then(resolve, resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}
