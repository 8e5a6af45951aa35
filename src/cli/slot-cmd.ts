/** `redis-runbook slot <key>...`: the body (./slot.ts) loads only when the command runs. */
import type { Command } from 'commander';
import type { SlotCliOptions } from './slot.ts';
import { withTargetOptions } from './target-options.ts';

/** Adds the `slot` subcommand to `program`. */
export function registerSlotCommand(program: Command): void {
  const cmd = program
    .command('slot')
    .description("Each key's hash slot; with --cluster, its owner, state and migration")
    .argument('<keys...>', 'one or more keys (quote keys with blanks)')
    .option('--cluster <name|host:port>', 'read this cluster live for the owners')
    .option('--json', 'print [{key, slot, owner?}]');
  withTargetOptions(cmd).action(async (keys: string[], opts: SlotCliOptions) => {
    const { runSlot } = await import('./slot.ts');
    process.exitCode = await runSlot(keys, opts).catch((e: unknown) => {
      process.stderr.write(`redis-runbook slot: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    });
  });
}
