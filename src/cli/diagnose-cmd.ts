/**
 * Declares `redis-runbook diagnose` (a live target, or `--file` for a pasted dump). Imports nothing but
 * types: the action loads ./diagnose.ts on demand (see the start-up rule in ./main.ts).
 */
import type { Command } from 'commander';
import type { DiagnoseCliOptions } from './diagnose.ts';

/** Adds the `diagnose` subcommand to `program`. */
export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('Diagnose a cluster live (<cluster> or host:port) or offline from a pasted dump (--file)')
    .argument('[target]', 'registered cluster name, or host:port of any node')
    .option('-f, --file <path>', 'diagnose saved CLUSTER NODES / INFO / --cluster check output ("-" = stdin)')
    .option('--json', 'print the diagnosis as JSON')
    .option('--color', 'colour the text report')
    .option('-v, --verbose', 'everything: findings with their evidence, and every step in full')
    .option('--no-steps', 'offline: do not run the runbook steps over the dump')
    .option('--runbook <name>', 'live: run this runbook instead of the one the findings suggest')
    .option(
      '-c, --config <file>',
      'live: cluster registry (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)',
    )
    .option('--user <name>', 'live, host:port only: ACL user')
    .option('--password-env <VAR>', 'live, host:port only: environment variable holding the password')
    .action(async (target: string | undefined, opts: DiagnoseCliOptions) => {
      if (target !== undefined && opts.file === undefined) {
        // A live target goes straight to the live module: it never loads the paste reader.
        const { liveDiagnosis } = await import('./live.ts');
        process.exitCode = await liveDiagnosis(target, opts);
        return;
      }
      const { runDiagnose } = await import('./diagnose.ts');
      process.exitCode = await runDiagnose(target, opts, {
        out: (t: string) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
        err: (t: string) => process.stderr.write(`${t}\n`),
      });
    });
}
