/**
 * redis-cli command lines as an operator types them: `redis-cli -h H -p P [--user U] <args>` with the
 * password only ever as `REDISCLI_AUTH="$VAR"` (the variable's name, never its value), bounded by
 * `timeout` for a node that accepts TCP but does not answer. Pure text; shared by runbooks and plans.
 */
import type { ModelNode } from './model-types.ts';
import type { ClusterSnapshot } from './types.ts';

/** Credential names for a command line: the ACL user and the env var holding the password. */
export interface CliAuth {
  username?: string;
  passwordEnv?: string;
}

/** Seconds a command to a node that did not answer the probe may take before `timeout` ends it. */
export const SILENT_NODE_TIMEOUT_S = 5;

/** What a command shows when no usable "host:port" is known (e.g. a paste without addresses). */
export const UNKNOWN_ADDRESS = '<host>:<port>';

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9._-]+):\d{1,5}$/;

/** True when `address` can go on a command line as "host:port" (not "paste#1", not a node id). */
export function isHostPort(address: string | undefined): address is string {
  return !!address && HOST_PORT.test(address);
}

/** Splits "host:port" (bracketed IPv6 allowed) for a redis-cli command line. */
function hostPort(address: string): { host: string; port: string } {
  const i = address.lastIndexOf(':');
  if (i <= 0) return { host: address, port: '6379' };
  const host = address.slice(0, i).replace(/^\[(.*)\]$/, '$1');
  return { host, port: address.slice(i + 1) };
}

/** Credential part of a redis-cli command: env var name and user, never a password. */
function authPrefix(auth: CliAuth | undefined): { env: string; flags: string } {
  const env = auth?.passwordEnv ? `REDISCLI_AUTH="$${auth.passwordEnv}" ` : '';
  const flags = auth?.username ? ` --user ${auth.username}` : '';
  return { env, flags };
}

/**
 * `redis-cli -h H -p P <args>` with the auth hints; prefixed with `timeout` when `bounded` (a node that
 * did not answer the probe: redis-cli would wait forever on a frozen process).
 */
export function redisCli(
  address: string,
  args: string,
  opts: { auth?: CliAuth; bounded?: boolean } = {},
): string {
  const { host, port } = hostPort(address);
  const { env, flags } = authPrefix(opts.auth);
  const bound = opts.bounded ? `timeout ${SILENT_NODE_TIMEOUT_S} ` : '';
  return `${env}${bound}redis-cli -h ${host} -p ${port}${flags} ${args}`;
}

/** `redis-cli [--user U] <args>` without a node (e.g. `--cluster check H:P`), with the auth hints. */
export function redisCliBare(args: string, auth?: CliAuth, prefix = ''): string {
  const { env, flags } = authPrefix(auth);
  return `${env}${prefix}redis-cli${flags} ${args}`;
}

/**
 * Rewrites every `redis-cli -h` in text to carry the cluster's credentials (the env var name and ACL
 * user, never a password). Idempotent; text comes back unchanged when no credentials are configured.
 */
export function withCliAuth(text: string, auth: CliAuth | undefined): string {
  if (!auth?.passwordEnv && !auth?.username) return text;
  const { env, flags } = authPrefix(auth);
  return text.replace(/(REDISCLI_AUTH="[^"]*" )?redis-cli( --user \S+)? -h /g, `${env}redis-cli${flags} -h `);
}

/** Addresses the probe reached that accepted TCP but never answered (frozen): redis-cli would hang there. */
export function silentAddresses(snapshot: ClusterSnapshot): string[] {
  return snapshot.observations
    .filter((o) => o.error?.kind === 'timeout')
    .map((o) => o.contactedAddress ?? o.address);
}

/** The address an operator can reach a node at: where the probe connected, else its label. */
export function reachAddress(n: ModelNode): string {
  const a = n.observation?.contactedAddress ?? n.label;
  return isHostPort(a) ? a : UNKNOWN_ADDRESS;
}
