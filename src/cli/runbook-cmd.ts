/**
 * Declares `redis-runbook runbook list` and `redis-runbook runbook run <name> <cluster-name|host:port>`.
 * Imports nothing but the runbook names: each action loads ./runbook.ts on demand (see ./main.ts).
 */
import type { Command } from 'commander';
import { RUNBOOK_NAMES } from '../runbooks/types.ts';
import type { RunbookRunOptions } from './runbook.ts';

/** Adds the `runbook` command group to `program`. */
export function registerRunbookCommand(program: Command): void {
  const group = program.command('runbook').description('List the runbooks, or run one against a cluster');
  group
    .command('list')
    .description('List the runbooks and when to use each')
    .action(async () => {
      const { runbookListText } = await import('./runbook.ts');
      process.stdout.write(runbookListText());
    });
  group
    .command('run')
    .description('Probe a cluster live and run the named runbook step by step')
    .argument('<name>', `runbook: ${RUNBOOK_NAMES.join(', ')}`)
    .argument('<target>', 'registered cluster name, or host:port of any node')
    .option('--json', 'print the diagnosis with its steps as JSON')
    .option('-v, --verbose', 'everything: each step in full as it completes, findings with their evidence')
    .option('-c, --config <file>', 'cluster registry (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)')
    .option('--user <name>', 'ACL user for an ad-hoc host:port')
    .option('--password-env <VAR>', 'environment variable holding the password for an ad-hoc host:port')
    .action(async (name: string, target: string, opts: RunbookRunOptions) => {
      const { runRunbook } = await import('./runbook.ts');
      process.exitCode = await runRunbook(name, target, opts);
    });
}
