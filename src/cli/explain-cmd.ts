/** `redis-runbook explain <text|->`: the body (./explain.ts) loads only when the command runs. */
import type { Command } from 'commander';
import type { ExplainCliOptions } from './explain.ts';
import { withTargetOptions } from './target-options.ts';

/** Adds the `explain` subcommand to `program`. */
export function registerExplainCommand(program: Command): void {
  const cmd = program
    .command('explain')
    .description('Explain a Redis or client-library error: what it means, likely causes, what to check next')
    .argument('[text...]', 'the error text (quote it), or "-" to read it from stdin')
    .option('--json', 'print {errors: [{code, slot?, node?, meaning, causes, next}]}')
    .option(
      '--cluster <name|host:port>',
      'also read this cluster live: who owns the slot the error names now',
    );
  withTargetOptions(cmd).action(async (words: string[], opts: ExplainCliOptions) => {
    const { runExplain } = await import('./explain.ts');
    process.exitCode = await runExplain(words, opts).catch((e: unknown) => {
      process.stderr.write(`redis-runbook explain: ${e instanceof Error ? e.message : String(e)}\n`);
      return 2;
    });
  });
}
