/**
 * `redis-runbook plan <action> <cluster|host:port>` (prints the plan, changes nothing) and
 * `redis-runbook apply ...` (re-checks, runs it, diagnoses again). Registration only: the body, with the
 * Redis clients, loads when one of these commands runs.
 */
import type { Command } from 'commander';
import type { PlanCommandOptions } from './plan-run.ts';

function common(cmd: Command): Command {
  return cmd
    .argument(
      '<action>',
      'failover, failover-force, failover-takeover, add-node, add-replica, forget-node, meet, restart-node, fix-coverage, fix-open-slot, reshard, rebalance, del-node',
    )
    .argument('<target>', 'registered cluster name, or host:port of any node')
    .option(
      '--node <addr|id>',
      'the node acted on (replica to promote, node to add, forget, remove or restart)',
    )
    .option(
      '--master <addr|id>',
      'add-replica: the master to replicate (default: the one with the fewest replicas)',
    )
    .option('--from <addr|id>', 'reshard: the source master; meet: the node that sends the MEET')
    .option('--to <addr|id>', 'reshard: the receiving master; del-node: take all its slots (default: spread)')
    .option('--slots <n>', 'reshard: how many slots to move')
    .option('--slot-ranges <ranges>', 'fix-coverage / fix-open-slot: the slots concerned, e.g. 0-5460,5462')
    .option(
      '--weight <addr|id=w>',
      'rebalance: weight of a master (repeatable; default 1, 0 drains it)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--threshold <percent>', 'rebalance: move only masters this far off their share (default 2)')
    .option('--use-empty-masters', 'rebalance: also give slots to masters that own none')
    .option(
      '--discard-dead-owner-data',
      'DATA LOSS: assign slots whose dead owner still holds them (it deletes its keys if it returns)',
    )
    .option(
      '--replace-existing-keys',
      'DATA LOSS: MIGRATE ... REPLACE, overwriting keys that already exist on the target',
    )
    .option('--allow-no-replica', 'del-node: remove the last replica of a master (it is left without a copy)')
    .option(
      '--ignore-memory-headroom',
      'slot moves: move keys to a master past its estimated maxmemory headroom (OOM part-way, or evictions)',
    )
    .option('--json', 'print JSON')
    .option('-c, --config <file>', 'cluster registry (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)')
    .option('--user <name>', 'host:port only: ACL user')
    .option('--password-env <VAR>', 'host:port only: environment variable holding the password');
}

/** Adds `plan` and `apply` to `program`. */
export function registerPlanCommands(program: Command): void {
  common(
    program.command('plan').description('Plan a fix on a live cluster and print it; changes nothing'),
  ).action(async (action: string, target: string, opts: PlanCommandOptions) => {
    const { planCommand } = await import('./plan-run.ts');
    process.exitCode = await planCommand(action, target, opts, false);
  });
  common(
    program
      .command('apply')
      .description(
        'Plan a fix, show it, ask for "yes" (or --yes), re-check the cluster, run it and diagnose again',
      ),
  )
    .option('--yes', 'run without asking (after reading the plan); required without a terminal')
    .option('--reason <text>', 'required: why this runs without an approval (audit log, with your OS user)')
    .action(async (action: string, target: string, opts: PlanCommandOptions) => {
      const { planCommand } = await import('./plan-run.ts');
      process.exitCode = await planCommand(action, target, opts, true);
    });
}
