/** `redis-runbook audit verify|export`: checks or exports the audit log kept in the queue Redis. */
import type { Command } from 'commander';

/** Options of `audit verify` and `audit export`, as commander parses them. */
export interface AuditCommandOptions {
  config?: string;
  since?: string;
  cluster?: string;
  format?: string;
}

/** Adds the `audit` subcommand and its `verify` and `export` commands to `program`. */
export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .description('Verify or export the tamper-evident audit log in the queue Redis ($REDIS_URL)');
  audit
    .command('verify')
    .description(
      'Check the whole hash chain; exit 1 naming the first broken link when an entry was edited, deleted or reordered',
    )
    .option(
      '-c, --config <file>',
      'registry, for approvals.prefix (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)',
    )
    .action(async (opts: AuditCommandOptions) => {
      const { auditVerify } = await import('./audit.ts');
      process.exitCode = await auditVerify(opts);
    });
  audit
    .command('export')
    .description('Print audit events as JSONL (one event per line) or a markdown incident timeline')
    .option('--since <duration>', 'only events of the last 90s, 15m, 2h, 7d, ...')
    .option('--cluster <name>', 'only events about this cluster')
    .option('--format <format>', 'jsonl or markdown', 'jsonl')
    .option(
      '-c, --config <file>',
      'registry, for approvals.prefix (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)',
    )
    .action(async (opts: AuditCommandOptions) => {
      const { auditExport } = await import('./audit.ts');
      process.exitCode = await auditExport(opts);
    });
}
