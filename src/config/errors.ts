/** Coded errors of the cluster registry: loading it, resolving a target, resolving a password. */
import { CodedError } from '../cluster/coded-error.ts';

export type ConfigErrorCode =
  | 'CONFIG_NOT_FOUND'
  | 'CONFIG_UNREADABLE'
  | 'CONFIG_YAML'
  | 'CONFIG_INVALID'
  | 'UNKNOWN_CLUSTER'
  | 'ADHOC_NOT_ALLOWED'
  | 'INVALID_TARGET'
  | 'PASSWORD_ENV_MISSING';

/** An error of the registry with a stable `code`; `problems` lists every problem found, one per line. */
export class ConfigError extends CodedError<ConfigErrorCode> {
  override name = 'ConfigError';
  readonly problems: string[];

  constructor(code: ConfigErrorCode, message: string, problems: string[] = []) {
    super(code, problems.length > 0 ? `${message}\n${problems.map((p) => `  - ${p}`).join('\n')}` : message);
    this.problems = problems;
  }
}

/** True when `err` is a ConfigError (optionally with the given code). */
export function isConfigError(err: unknown, code?: ConfigErrorCode): err is ConfigError {
  return err instanceof ConfigError && (code === undefined || err.code === code);
}
