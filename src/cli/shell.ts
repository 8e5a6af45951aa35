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
  const bot = createBot({ ...buildBotDeps(config, { pasteWorker: false }), transport, logger });
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
  return 0;
}
