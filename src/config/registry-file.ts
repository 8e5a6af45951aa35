/**
 * Where the cluster registry is: an explicit path, else $REDIS_RUNBOOK_CONFIG, else ./redis-runbook.yml.
 * Loads neither YAML nor zod, so a command can tell whether there is a registry before paying for them
 * (see ./load.ts for reading it). Never reads the file.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors.ts';

export const DEFAULT_CONFIG_FILE = 'redis-runbook.yml';
export const CONFIG_ENV_VAR = 'REDIS_RUNBOOK_CONFIG';

/** The approvals' key prefix in the queue Redis when the registry sets none (or there is no registry). */
export const DEFAULT_APPROVALS_PREFIX = 'redis-runbook';

/** Per-node probe timeouts of a cluster whose entry sets none, and of an ad-hoc host:port. */
export const DEFAULT_TIMEOUTS = { connectMs: 1000, commandMs: 1500, nodeDeadlineMs: 2500 } as const;

/**
 * The registry file to read, or null when none was named and the default file is absent. Throws
 * CONFIG_NOT_FOUND for a file named by `path` or $REDIS_RUNBOOK_CONFIG that does not exist.
 */
export function registryFile(path?: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const named = path ?? (env[CONFIG_ENV_VAR] || undefined);
  const file = resolve(named ?? DEFAULT_CONFIG_FILE);
  if (existsSync(file)) return file;
  if (named === undefined) return null;
  throw new ConfigError('CONFIG_NOT_FOUND', `config file not found: ${file}`);
}
