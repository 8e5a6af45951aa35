/** Entry point of the `redis-runbook` command line. Each subcommand lives in its own module. */
import { Command } from 'commander';
import { registerDiagnose } from './diagnose-cmd.ts';
import { registerExplainCommand } from './explain-cmd.ts';
import { registerRunbookCommand } from './runbook-cmd.ts';
import { registerServeCommand } from './serve-cmd.ts';
import { registerSettingsCommand } from './settings-cmd.ts';
import { registerShellCommand } from './shell-cmd.ts';
import { registerSlotCommand } from './slot-cmd.ts';

const program = new Command('redis-runbook')
  .description(
    'Incident-response runbooks for Redis Cluster: diagnose, explain, and recommend the next safe action (read-only).',
  )
  .showHelpAfterError();
registerRunbookCommand(program);

registerDiagnose(program);
registerExplainCommand(program);
registerSlotCommand(program);
registerSettingsCommand(program);
registerServeCommand(program);
registerShellCommand(program);

await program.parseAsync(process.argv);
