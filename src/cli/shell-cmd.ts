/**
 * Declares `redis-runbook shell`: the Slack bot's commands and paste handling at a terminal prompt. The
 * action loads ./shell.ts (the bot core, pino) on demand (see ./main.ts).
 */
import type { Command } from 'commander';
import type { ShellCommandOptions } from './shell.ts';

/** Adds the `shell` subcommand to `program`. */
export function registerShellCommand(program: Command): void {
  program
    .command('shell')
    .description(
      'Type the Slack commands (diagnose <cluster>, nodes, help, ...) or paste CLUSTER NODES output',
    )
    .option('--as <user>', 'act as this Slack user id, so the access rules for that user apply')
    .option('--channel <id>', 'act in this Slack channel id, so its cluster bindings apply')
    .option('-c, --config <file>', 'cluster registry (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)')
    .action(async (opts: ShellCommandOptions) => {
      const { shell } = await import('./shell.ts');
      process.exitCode = await shell(opts);
    });
}
