/** Resolves what a user typed (a registered cluster name, or host:port in a terminal) to a cluster config. */
import { ConfigError } from './errors.ts';
import { DEFAULT_TIMEOUTS } from './registry-file.ts';
import type { ClusterConfig, Config } from './schema.ts';

export interface ResolveOptions {
  /** Whether a bare "host:port" may be used (terminal: yes; chat: no). */
  allowAdHoc: boolean;
  /** For an ad-hoc target: ACL user name. */
  username?: string;
  /** For an ad-hoc target: name of the environment variable holding the password. */
  passwordEnv?: string;
}

export interface ResolvedTarget {
  cluster: ClusterConfig;
  /** True when the target was a bare host:port that matches no registered cluster. */
  adHoc: boolean;
  /** Where the credentials come from: the registry entry, or the --user / --password-env given. */
  credentials: 'registry' | 'flags';
  /** Set when a host:port matched a registry seed: says which entry's settings are used, and how. */
  note?: string;
}

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/;

/** Splits "host:port" (IPv6 in brackets) into parts; null when it is not one. */
export function parseHostPort(text: string): { host: string; port: number } | null {
  const m = HOST_PORT.exec(text.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  const host = m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!;
  return { host, port };
}

/**
 * Finds the cluster named `nameOrAddress`, or (only with allowAdHoc) builds one from a "host:port".
 * An address that is a seed of a registered cluster uses that cluster's settings, except that a --user or
 * --password-env given explicitly wins over the entry's (and `note` says so).
 * Throws UNKNOWN_CLUSTER (listing the known names), ADHOC_NOT_ALLOWED or INVALID_TARGET.
 */
export function resolveTarget(
  config: Pick<Config, 'clusters'>,
  nameOrAddress: string,
  opts: ResolveOptions,
): ResolvedTarget {
  const wanted = nameOrAddress.trim();
  const byName = config.clusters.find((c) => c.name === wanted);
  if (byName) return { cluster: byName, adHoc: false, credentials: 'registry' };
  const addr = parseHostPort(wanted);
  if (!addr) {
    const known = config.clusters.map((c) => c.name);
    const list = known.length > 0 ? `known clusters: ${known.join(', ')}` : 'no clusters are registered';
    throw new ConfigError('UNKNOWN_CLUSTER', `unknown cluster "${clip(wanted)}" (${list})`);
  }
  const bySeed = config.clusters.find((c) => c.seeds.includes(wanted));
  if (!opts.allowAdHoc) {
    const hint = bySeed ? `; it is a seed of "${bySeed.name}": use that name` : '';
    throw new ConfigError(
      'ADHOC_NOT_ALLOWED',
      `ad-hoc addresses are not allowed here: name a registered cluster${hint}`,
    );
  }
  if (opts.passwordEnv !== undefined && !/^[A-Z_][A-Z0-9_]*$/.test(opts.passwordEnv)) {
    throw new ConfigError(
      'INVALID_TARGET',
      `"${clip(opts.passwordEnv)}" is not an environment variable name`,
    );
  }
  if (bySeed) {
    const flags = [
      ...(opts.username ? [`--user ${opts.username}`] : []),
      ...(opts.passwordEnv ? [`--password-env ${opts.passwordEnv}`] : []),
    ];
    const cluster: ClusterConfig = {
      ...bySeed,
      ...(opts.username ? { username: opts.username } : {}),
      ...(opts.passwordEnv ? { passwordEnv: opts.passwordEnv } : {}),
    };
    const how = flags.length > 0 ? `, with ${flags.join(' and ')} as given instead of its own` : '';
    return {
      cluster,
      adHoc: false,
      credentials: flags.length > 0 ? 'flags' : 'registry',
      note: `${wanted} is a seed of the registered cluster "${bySeed.name}": using its settings${how}`,
    };
  }
  const cluster: ClusterConfig = {
    name: wanted,
    seeds: [wanted],
    timeouts: { ...DEFAULT_TIMEOUTS },
    ...(opts.username ? { username: opts.username } : {}),
    ...(opts.passwordEnv ? { passwordEnv: opts.passwordEnv } : {}),
  };
  return { cluster, adHoc: true, credentials: 'flags' };
}

/**
 * Reads the cluster's password from the environment variable its `passwordEnv` names, at use time.
 * Returns undefined when the cluster has no passwordEnv; throws PASSWORD_ENV_MISSING naming the variable.
 */
export function resolvePassword(
  cluster: ClusterConfig,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (!cluster.passwordEnv) return undefined;
  const value = env[cluster.passwordEnv];
  if (value === undefined || value === '') {
    throw new ConfigError(
      'PASSWORD_ENV_MISSING',
      `cluster "${cluster.name}" needs its password in $${cluster.passwordEnv}, which is not set`,
    );
  }
  return value;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}
