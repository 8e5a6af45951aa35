/**
 * One plain ioredis connection per node, set up to fail fast: no retries, no offline queue, no ready check,
 * no HELLO/CLIENT SETINFO round trips. Plus the classification of whatever went wrong.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Redis } from 'ioredis';
import type { ProbeErrorKind } from '../../cluster/types.ts';
import { ConfigError } from '../../config/errors.ts';
import type { ClusterConfig } from '../../config/schema.ts';

/** How to reach and authenticate to the nodes of one cluster. Holds the password: never log it. */
export interface ConnectSettings {
  username?: string;
  password?: string;
  tls?: ConnectionOptions;
  connectMs: number;
  commandMs: number;
  nodeDeadlineMs: number;
}

/** A connected (or failed) client plus the last error its `error` event carried. */
export interface NodeClient {
  client: Redis;
  lastError(): Error | undefined;
}

/** Builds the connection settings of a registered cluster; `password` was resolved from its env var. */
export function connectSettings(cluster: ClusterConfig, password?: string): ConnectSettings {
  const out: ConnectSettings = { ...cluster.timeouts };
  if (cluster.username) out.username = cluster.username;
  if (password !== undefined) out.password = password;
  if (cluster.tls) {
    const tls: ConnectionOptions = { rejectUnauthorized: cluster.tls.rejectUnauthorized };
    if (cluster.tls.servername) tls.servername = cluster.tls.servername;
    if (cluster.tls.ca) tls.ca = readCa(cluster.name, cluster.tls.ca);
    out.tls = tls;
  }
  return out;
}

function readCa(cluster: string, ca: string): string | Buffer {
  if (ca.includes('-----BEGIN')) return ca;
  try {
    return readFileSync(ca);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(
      'CONFIG_UNREADABLE',
      `cluster "${cluster}": cannot read tls.ca file ${ca} (${why})`,
    );
  }
}

/** Creates a lazy, no-retry client for host:port; call `client.connect()` yourself. */
export function createNodeClient(host: string, port: number, s: ConnectSettings): NodeClient {
  let last: Error | undefined;
  const client = new Redis({
    host,
    port,
    ...(s.username ? { username: s.username } : {}),
    ...(s.password !== undefined ? { password: s.password } : {}),
    ...(s.tls ? { tls: s.tls } : {}),
    lazyConnect: true,
    enableOfflineQueue: false,
    retryStrategy: null,
    maxRetriesPerRequest: 0,
    connectTimeout: s.connectMs,
    commandTimeout: s.commandMs,
    enableReadyCheck: false,
    protocol: 2,
    disableClientInfo: true,
    // disconnect() waits this long for the peer to close; a frozen node never does (default 2000 ms).
    disconnectTimeout: 200,
  });
  client.on('error', (err: Error) => {
    last = err;
  });
  return { client, lastError: () => last };
}

/** Maps an error (or its message) to a ProbeErrorKind. */
export function classifyError(message: string): ProbeErrorKind {
  if (/\b(NOAUTH|WRONGPASS|NOPERM)\b/.test(message) || /invalid password|AUTH failed/i.test(message)) {
    return 'auth';
  }
  if (/^LOADING\b|\bLOADING Redis is loading/.test(message)) return 'loading';
  if (/cluster support disabled|cluster_enabled:0|not configured as a cluster node/i.test(message)) {
    return 'not-cluster';
  }
  if (/ECONNREFUSED/.test(message)) return 'refused';
  if (/timed out|ETIMEDOUT|deadline|no reply within/i.test(message)) return 'timeout';
  return 'error';
}

/** The most telling message of a failure: the client's own error event beats "Connection is closed." */
export function errorMessage(err: unknown, client?: NodeClient): string {
  const own = err instanceof Error ? err.message : String(err);
  const last = client?.lastError()?.message;
  if (last && (/Connection is closed/i.test(own) || own === '')) return last;
  return own;
}

/** Removes any occurrence of `secret` from `text`, so a password can never leak through an error message. */
export function scrub(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 3) return text;
  return text.split(secret).join('***');
}

/** Rejects after `ms` with a "deadline" error; `clear()` cancels it. */
export function deadline(ms: number, what: string): { promise: Promise<never>; clear(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within the ${ms} ms deadline`)), ms);
    timer.unref?.();
  });
  return { promise, clear: () => clearTimeout(timer) };
}
