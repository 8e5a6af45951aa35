/** The options every live subcommand shares (registry, ad-hoc credentials), and a bounded stdin reader. */
import type { Command } from 'commander';

/** What the live options parse into. */
export interface TargetOptions {
  config?: string;
  user?: string;
  passwordEnv?: string;
}

/** Adds --config, --user and --password-env to `cmd`. */
export function withTargetOptions(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'cluster registry (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)')
    .option('--user <name>', 'ACL user for an ad-hoc host:port')
    .option('--password-env <VAR>', 'environment variable holding the password for an ad-hoc host:port');
}

/** About the first `max` characters of stdin (the rest is read and dropped, so the writer never blocks). */
export async function readStdinCapped(
  max: number,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    if (text.length >= max) continue;
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  }
  return text;
}
