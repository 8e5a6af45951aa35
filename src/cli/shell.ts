/** The terminal shell behind `redis-runbook shell`, loaded only when that command runs. */
import { pino } from 'pino';
import { createBot } from '../bot/core.ts';
import { buildBotDeps } from '../bot/deps.ts';
import { runShell } from '../bot/shell/session.ts';
import { createTerminalTransport } from '../bot/shell/transport.ts';
import { renderDiagnosisText } from '../bot/text.ts';
import { loadConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import { createLogger, isLogLevel, LOG_LEVELS } from '../ops/logger.ts';

/** What `redis-runbook shell` was given. */
export interface ShellCommandOptions {
  as?: string;
  channel?: string;
  config?: string;
}

/** Runs the shell on stdin/stdout until EOF or `exit`; resolves with the exit code. */
export async function shell(opts: ShellCommandOptions): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(opts.config);
  } catch (err) {
    process.stderr.write(`redis-runbook shell: ${(err as Error).message}\n`);
    return 2;
  }
  const level = process.env.LOG_LEVEL?.trim().toLowerCase() || 'warn';
  if (!isLogLevel(level)) {
    process.stderr.write(`redis-runbook shell: LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}.\n`);
    return 2;
  }
  const logger = createLogger(level, pino.destination({ fd: 2, sync: true }));
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
  const transport = createTerminalTransport(process.stdout, {
    diagnosisText: (d) => renderDiagnosisText(d, { color, moreHint: 'the Details choice' }),
  });
  // The operator's own terminal acks no chat: pastes are read here, and printed as a whole diagnosis.
  // Fixes in the terminal need a queue Redis named explicitly: a laptop shell stays read-only otherwise.
  const url = process.env.REDIS_URL;
  const wired = url ? (await import('./fixes.ts')).openFixes({ config, url, logger }) : null;
  if (wired && !(await wired.runtime.check(3000)).up) {
    process.stderr.write(
      'redis-runbook shell: the queue Redis (REDIS_URL) does not answer yet; fixes will fail until it does.\n',
    );
  }
  const bot = createBot({
    ...buildBotDeps(config, { pasteWorker: false }),
    transport,
    logger,
    ...(wired ? { fixes: wired.fixes } : {}),
  });
  const worker = wired ? wired.runtime.startWorker(wired.executor, bot.fixObserver) : null;
  if (wired && worker) stopFixesOnSignal(() => worker.running().length > 0, wired.runtime.close);
  const user = opts.as ?? 'local operator';
  const rules = [
    opts.as ? `user rules for ${opts.as}` : 'no user rules (use --as <user> to apply them)',
    opts.channel ? `the bindings of channel ${opts.channel}` : 'no channel bindings (use --channel <id>)',
  ];
  process.stderr.write(
    `redis-runbook shell: ${config.clusters.length} cluster(s) registered; applying ${rules.join(' and ')}.\n` +
      'Type help, a command such as "diagnose <cluster>", or paste CLUSTER NODES output (end it with an empty line).\n',
  );
  await runShell({
    bot,
    transport,
    input: process.stdin,
    output: process.stdout,
    user,
    channel: opts.channel ?? null,
    interactive: Boolean(process.stdin.isTTY),
    operator: opts.as === undefined,
  });
  if (wired) {
    if (!(await wired.runtime.idle(0)))
      process.stderr.write('redis-runbook shell: waiting for the running fix to finish…\n');
    await wired.runtime.idle(10 * 60_000);
    await wired.runtime.close();
  }
  return 0;
}

/**
 * Ctrl-C, SIGTERM or SIGHUP (a dropped SSH session) while a fix runs in this shell: the fix stops at its
 * next safe point (before its next step, or between two batches of a slot move), its outcome and the
 * slots it left open are recorded and told, then the shell exits 130. A second signal, or one with no
 * fix running, exits at once. Without this Node would die mid-step and the request would only be marked
 * of unknown outcome by the next reconcile.
 */
function stopFixesOnSignal(running: () => boolean, close: (drainMs?: number) => Promise<unknown>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping || !running()) process.exit(130);
    stopping = true;
    process.stderr.write(
      `redis-runbook shell: ${signal}: stopping the running fix at its next safe point, then exiting (${signal === 'SIGINT' ? 'Ctrl-C' : signal} again to exit at once, mid-step)…\n`,
    );
    void close(60_000).finally(() => process.exit(130));
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, onSignal);
}
