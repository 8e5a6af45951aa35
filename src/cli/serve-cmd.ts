/**
 * Declares `redis-runbook serve`: the Slack bot (HTTP on $PORT at /slack/events, or Socket Mode). The
 * action loads ./serve.ts (Bolt, ioredis, pino) on demand (see ./main.ts).
 */
import type { Command } from 'commander';

/** Adds the `serve` subcommand to `program`. */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Run the Slack bot: HTTP on $PORT at /slack/events, or Socket Mode when SLACK_APP_TOKEN is set',
    )
    .option('-c, --config <file>', 'cluster registry (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)')
    .option('--host <address>', 'address to listen on in HTTP mode (default: all interfaces)')
    .action(async (opts: { config?: string; host?: string }) => {
      const { serve } = await import('./serve.ts');
      process.exitCode = await serve(opts);
    });
}
