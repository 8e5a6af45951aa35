/**
 * What `redis-runbook runbook list|run` does, loaded only when that command runs. `run` probes live
 * through ./live.ts; `list` loads no Redis client.
 */
import { isRunbookName, listRunbooks } from '../runbooks/registry.ts';
import { EXIT_USAGE } from './exit-codes.ts';

export interface RunbookRunOptions {
  json?: boolean;
  verbose?: boolean;
  config?: string;
  user?: string;
  passwordEnv?: string;
}

/** One entry per runbook: its name and title, then when to use it. */
export function runbookListText(): string {
  return listRunbooks()
    .map((r) => `${r.name.padEnd(12)} ${r.title}\n${' '.repeat(13)}${r.description}\n`)
    .join('');
}

/** Runs runbook `name` live against `target`; resolves with the exit code. */
export async function runRunbook(name: string, target: string, opts: RunbookRunOptions): Promise<number> {
  if (!isRunbookName(name)) {
    process.stderr.write(
      `redis-runbook: unknown runbook "${name}" (known: ${listRunbooks()
        .map((r) => r.name)
        .join(', ')}) [UNKNOWN_RUNBOOK]\n`,
    );
    return EXIT_USAGE;
  }
  const { diagnoseLiveForCli } = await import('./live.ts');
  return diagnoseLiveForCli(target, {
    runbook: name,
    color: process.stdout.isTTY === true && !opts.json,
    ...(opts.json ? { json: true } : {}),
    ...(opts.verbose ? { verbose: true } : {}),
    ...(opts.config ? { config: opts.config } : {}),
    ...(opts.user ? { user: opts.user } : {}),
    ...(opts.passwordEnv ? { passwordEnv: opts.passwordEnv } : {}),
  }).catch((err: unknown) => {
    process.stderr.write(`redis-runbook runbook run: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_USAGE;
  });
}
