/** Entry point of the `redis-runbook` command line. Each subcommand lives in its own module. */
import { Command } from 'commander';
import { registerDiagnose } from './diagnose-cmd.ts';
import { registerPlanCommands } from './plan-cmd.ts';
import { registerRunbookCommand } from './runbook-cmd.ts';
import { registerServeCommand } from './serve-cmd.ts';
import { registerShellCommand } from './shell-cmd.ts';

const program = new Command('redis-runbook')
  .description('Incident-response runbooks for Redis Cluster: diagnose, explain, and gate every fix.')
  .showHelpAfterError();
registerRunbookCommand(program);

registerDiagnose(program);
registerPlanCommands(program);
registerServeCommand(program);
registerShellCommand(program);

await program.parseAsync(process.argv);
