/**
 * Entry point of the `redis-runbook` command line. Start-up rule, so `--version` and a pasted dump start
 * in about the time of a bare `node`: this file and every `*-cmd.ts` it registers import only commander,
 * types and constants; each command's action `await import()`s the module that does the work (serve-cmd.ts
 * → serve.ts). Bolt, ioredis, pino, yaml and zod load only on the paths that use them;
 * test/cli/startup.test.ts checks which packages each command loads. Add a command the same way.
 */
import { Command } from 'commander';
import { registerAuditCommand } from './audit-cmd.ts';
import { registerDiagnose } from './diagnose-cmd.ts';
import { exitNow } from './exit-now.ts';
import { registerExplainCommand } from './explain-cmd.ts';
import { registerPlanCommands } from './plan-cmd.ts';
import { registerRunbookCommand } from './runbook-cmd.ts';
import { registerServeCommand } from './serve-cmd.ts';
import { registerSettingsCommand } from './settings-cmd.ts';
import { registerShellCommand } from './shell-cmd.ts';
import { registerSlotCommand } from './slot-cmd.ts';
import { packageVersion } from './version.ts';

const program = new Command('redis-runbook')
  .description(
    'Incident-response runbooks for Redis Cluster: diagnose, explain, recommend the next safe action, and plan and apply a fix once you confirm it.',
  )
  .version(packageVersion(), '-V, --version', 'print the version and exit')
  .showHelpAfterError();
registerRunbookCommand(program);

registerDiagnose(program);
registerPlanCommands(program);
registerExplainCommand(program);
registerSlotCommand(program);
registerSettingsCommand(program);
registerServeCommand(program);
registerShellCommand(program);
registerAuditCommand(program);

/** Commands that run until they are stopped; every other command exits as soon as its action is done. */
const LONG_RUNNING = new Set(['serve', 'shell']);
program.hook('postAction', async (_program, action) => {
  let command = action;
  while (command.parent && command.parent !== program) command = command.parent;
  if (!LONG_RUNNING.has(command.name())) await exitNow(Number(process.exitCode ?? 0));
});

// `redis-runbook ... | head`: a reader that stops early loses the rest of the output, never the work. An
// `apply` cut off there would stop between two steps, leaving slots open and its audit unfinished, and
// would exit 0 as if it had succeeded: the command runs to its end and exits with its own code. EIO is a
// terminal that went away (an SSH session dropped): the same.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE' && err.code !== 'EIO' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
  });
}

await program.parseAsync(process.argv);
