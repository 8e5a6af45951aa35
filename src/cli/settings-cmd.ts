/** `redis-runbook settings <cluster>`: the body (./settings.ts, with the probe) loads only when it runs. */
import type { Command } from 'commander';
import type { SettingsCliOptions } from './settings.ts';
import { withTargetOptions } from './target-options.ts';

/** Adds the `settings` subcommand to `program`. */
export function registerSettingsCommand(program: Command): void {
  const cmd = program
    .command('settings')
    .description("Read every node's settings live and report those that cause the next outage")
    .argument('<target>', 'registered cluster name, or host:port of any node')
    .option('--json', 'print {cluster, nodes: [{address, role, values, unreadable?}], findings}');
  withTargetOptions(cmd).action(async (target: string, opts: SettingsCliOptions) => {
    const { runSettings } = await import('./settings.ts');
    process.exitCode = await runSettings(target, opts).catch((e: unknown) => {
      process.stderr.write(`redis-runbook settings: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    });
  });
}
