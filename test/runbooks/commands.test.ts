/**
 * Every command a runbook step shows is one an operator can type: no "paste#1" or node id where a host
 * belongs, and every `redis-runbook` command names a real subcommand with flags it declares. Recorded
 * real-cluster scenarios (live-like and pasted) plus real pastes that carry no address at all.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerDiagnose } from '../../src/cli/diagnose-cmd.ts';
import { registerRunbookCommand } from '../../src/cli/runbook-cmd.ts';
import { buildModel } from '../../src/cluster/model.ts';
import { snapshotFromPaste } from '../../src/cluster/paste.ts';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import { RUNBOOKS } from '../../src/runbooks/registry.ts';
import { runStepsSync } from '../../src/runbooks/run.ts';
import type { RunbookContext } from '../../src/runbooks/types.ts';
import { scenarioNames, scenarioPaste } from '../diagnose/scenario-fixtures.ts';
import { real } from '../paste-fixtures.ts';
import { fixtureSnapshot } from './fixture-snapshot.ts';

const program = new Command('redis-runbook');
registerDiagnose(program);
registerRunbookCommand(program);

/** Flags (long and short) a subcommand path declares, or null when the path is not a command. */
function flagsOf(path: string[]): Set<string> | null {
  let cmd: Command | undefined = program;
  for (const name of path) {
    cmd = cmd?.commands.find((c) => c.name() === name);
    if (!cmd) return null;
  }
  return new Set(cmd!.options.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f)));
}

/** Problems with one shown command line ('' when it is typeable). */
function problems(command: string): string[] {
  const out: string[] = [];
  if (/paste#\d/.test(command)) out.push(`paste label used as a host: ${command}`);
  if (/-h [0-9a-f]{40}\b/.test(command)) out.push(`node id used as a host: ${command}`);
  for (const m of command.matchAll(/redis-runbook ([^#;|]*)/g)) {
    const words = m[1]!.trim().split(/\s+/);
    const path = words[0] === 'runbook' ? words.slice(0, 2) : words.slice(0, 1);
    const flags = flagsOf(path);
    if (!flags) out.push(`no such subcommand "redis-runbook ${path.join(' ')}"`);
    else
      for (const w of words.filter((x) => x.startsWith('-')))
        if (!flags.has(w)) out.push(`unknown flag ${w}`);
  }
  return out;
}

function context(snapshot: ClusterSnapshot, auth?: RunbookContext['auth']): RunbookContext {
  return { snapshot, model: buildModel(snapshot), diagnosis: diagnose(snapshot), ...(auth ? { auth } : {}) };
}

const contexts: [string, RunbookContext][] = [
  ...scenarioNames().flatMap((n): [string, RunbookContext][] => [
    [`${n} (live)`, context(fixtureSnapshot(n))],
    [`${n} (paste)`, context(snapshotFromPaste(scenarioPaste(n)))],
  ]),
  ['CLUSTER INFO alone', context(snapshotFromPaste(real('healthy-cluster-info-n1.txt')))],
  ['INFO replication alone', context(snapshotFromPaste(real('healthy-info-replication-n4.txt')))],
];

describe('runbook commands are real commands', () => {
  it.each(contexts)('%s: every step command is typeable', (_, ctx) => {
    for (const rb of RUNBOOKS) {
      for (const step of runStepsSync(ctx, rb.name)) expect(problems(step.command)).toEqual([]);
    }
  });

  it('a paste ends with the real offline command, a live run with the cluster to re-run', () => {
    const root = (ctx: RunbookContext) =>
      runStepsSync(ctx, 'clusterdown').find((s) => s.id === 'root-cause')!.command;
    expect(root(context(snapshotFromPaste(scenarioPaste('healthy'))))).toBe(
      'redis-runbook diagnose --file <file>',
    );
    expect(root(context(fixtureSnapshot('healthy')))).toBe('redis-runbook diagnose healthy');
    const adHoc = { ...fixtureSnapshot('healthy'), cluster: '127.0.0.1:7000' };
    const cmd = root(context(adHoc, { username: 'ops', passwordEnv: 'REDIS_PW' }));
    expect(cmd).toBe('redis-runbook diagnose 127.0.0.1:7000 --user ops --password-env REDIS_PW');
    expect(problems(cmd)).toEqual([]);
  });

  it('an address-less paste gets a <host>:<port> placeholder, not its paste label', () => {
    const ctx = context(snapshotFromPaste(real('healthy-cluster-info-n1.txt')));
    expect(ctx.snapshot.observations[0]?.address).toBe('paste#1');
    const state = runStepsSync(ctx, 'clusterdown').find((s) => s.id === 'cluster-state')!;
    expect(state.command).toBe('redis-cli -h <host> -p <port> cluster info');
  });

  it('the checker itself rejects the commands that used to be shown', () => {
    expect(problems('redis-runbook diagnose --paste')).toEqual(['unknown flag --paste']);
    expect(problems('redis-cli -h paste#1 -p 6379 cluster info')).toHaveLength(1);
    expect(problems('redis-runbook diagnoze x')).toHaveLength(1);
  });
});
