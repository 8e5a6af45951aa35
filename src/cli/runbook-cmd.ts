/** `redis-runbook runbook list` and `redis-runbook runbook run <name> <cluster-name|host:port>`. */
import type { Command } from 'commander';
import { isRunbookName, listRunbooks } from '../runbooks/registry.ts';
import { EXIT_USAGE } from './exit-codes.ts';
import { diagnoseLiveForCli } from './live.ts';

interface RunOpts {
  json?: boolean;
  config?: string;
  user?: string;
  passwordEnv?: string;
}

/** Adds the `runbook` command group to `program`. */
export function registerRunbookCommand(program: Command): void {
  const group = program.command('runbook').description('List the runbooks, or run one against a cluster');
  group
    .command('list')
    .description('List the runbooks and when to use each')
    .action(() => {
      for (const r of listRunbooks())
        process.stdout.write(`${r.name.padEnd(12)} ${r.title}\n${' '.repeat(13)}${r.description}\n`);
    });
  group
    .command('run')
    .description('Probe a cluster live and run the named runbook step by step')
    .argument(
      '<name>',
      `runbook: ${listRunbooks()
        .map((r) => r.name)
        .join(', ')}`,
    )
    .argument('<target>', 'registered cluster name, or host:port of any node')
    .option('--json', 'print the diagnosis with its steps as JSON')
    .option('-c, --config <file>', 'cluster registry (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)')
    .option('--user <name>', 'ACL user for an ad-hoc host:port')
    .option('--password-env <VAR>', 'environment variable holding the password for an ad-hoc host:port')
    .action(async (name: string, target: string, opts: RunOpts) => {
      if (!isRunbookName(name)) {
        process.stderr.write(
          `redis-runbook: unknown runbook "${name}" (known: ${listRunbooks()
            .map((r) => r.name)
            .join(', ')}) [UNKNOWN_RUNBOOK]\n`,
        );
        process.exitCode = EXIT_USAGE;
        return;
      }
      process.exitCode = await diagnoseLiveForCli(target, {
        runbook: name,
        color: process.stdout.isTTY === true && !opts.json,
        ...(opts.json ? { json: true } : {}),
        ...(opts.config ? { config: opts.config } : {}),
        ...(opts.user ? { user: opts.user } : {}),
        ...(opts.passwordEnv ? { passwordEnv: opts.passwordEnv } : {}),
      }).catch((err: unknown) => {
        process.stderr.write(
          `redis-runbook runbook run: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        return EXIT_USAGE;
      });
    });
}
