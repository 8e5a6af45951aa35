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
    if (cluster.tls.ca) tls.ca = readPem(cluster.name, 'ca', cluster.tls.ca);
    if (cluster.tls.cert) tls.cert = readPem(cluster.name, 'cert', cluster.tls.cert);
    if (cluster.tls.key) tls.key = readPem(cluster.name, 'key', cluster.tls.key);
    out.tls = tls;
  }
  return out;
}

/** Inline PEM text as is, else the file it names; never echoes the content (a key is a secret). */
function readPem(cluster: string, field: 'ca' | 'cert' | 'key', value: string): string | Buffer {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value);
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    // A pasted key without its BEGIN line is not a path: do not print it.
    const shown = value.length > 200 || /\s/.test(value) ? '(an inline value without a PEM header)' : value;
    throw new ConfigError(
      'CONFIG_UNREADABLE',
      `cluster "${cluster}": cannot read tls.${field} file ${shown} (${why})`,
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

/**
 * Closes a client now: after ioredis' own disconnect (pending commands fail), the socket is destroyed
 * instead of waiting up to `disconnectTimeout` for the node to close its side, which a busy node does late
 * and a frozen one never: a command line would sit out that wait before it could exit.
 */
export function closeNodeClient(nc: NodeClient): void {
  nc.client.disconnect();
  nc.client.stream?.destroy();
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

/**
 * Classifies a probe failure and, for otherwise unexplained errors, says what to check when it is about
 * TLS. The kind is 'tls' exactly when the message was reworded as a TLS handshake failure.
 */
export function probeFailure(
  message: string,
  tls: ConnectionOptions | undefined,
): { kind: ProbeErrorKind; message: string } {
  const kind = classifyError(message);
  if (kind !== 'error') return { kind, message };
  const explained = explainTlsError(message, tls);
  return { kind: explained !== message && explained.startsWith('TLS') ? 'tls' : 'error', message: explained };
}

const TLS_TRUST =
  /certificate|self[- ]signed|unable to (get|verify)|altnames|CERT_|UNABLE_TO_|DEPTH_ZERO|ERR_TLS_CERT/i;
const TLS_PROTOCOL = /wrong version number|packet length too long|SSL routines|tlsv1[0-9.]* alert|ssl3_/i;

/**
 * Adds what to check to a connection failure that is about TLS: a node that wants a client certificate, a
 * certificate the registry's `tls.ca` or `tls.servername` does not accept, a node that does not speak TLS,
 * or (without `tls`) a node that hangs up on a plaintext client as TLS-only nodes do. Other messages come
 * back unchanged. Classify the raw message first; this only rewords it.
 */
export function explainTlsError(message: string, tls: ConnectionOptions | undefined): string {
  const tlsConfigured = tls !== undefined;
  if (tlsConfigured && /certificate required|ECONNRESET|Connection is closed/i.test(message)) {
    const what = tls.cert
      ? "check that tls.cert is signed by a CA in the node's tls-ca-cert-file"
      : 'set tls.cert and tls.key in the registry entry';
    return (
      `TLS: the node hung up during the handshake (${oneLine(message)}): it most likely requires a client ` +
      `certificate (tls-auth-clients yes, the Redis default): ${what}`
    );
  }
  if (tlsConfigured && /alert (unknown ca|bad certificate|certificate unknown)/i.test(message)) {
    return (
      `TLS: the node did not accept our client certificate (${oneLine(message)}): check tls.cert and tls.key ` +
      "against the node's tls-ca-cert-file"
    );
  }
  if (tlsConfigured && TLS_TRUST.test(message)) {
    return (
      `TLS: the node's certificate was not accepted (${oneLine(message)}): check tls.ca (the CA that signed the ` +
      "node's certificate) and tls.servername (a name in that certificate) in the registry entry"
    );
  }
  if (tlsConfigured && TLS_PROTOCOL.test(message)) {
    return `TLS handshake failed (${oneLine(message)}): the node may not speak TLS on this port (plaintext port, or tls-port elsewhere)`;
  }
  if (!tlsConfigured && /ECONNRESET|Connection is closed/i.test(message)) {
    return (
      `${message} (the node hung up before answering; a TLS-only node does that to a plaintext client: ` +
      'if the cluster uses TLS, set tls in the registry entry)'
    );
  }
  return message;
}

/** OpenSSL's "80DC...:error:0A00045C:SSL routines:...:tlsv13 alert certificate required:file:line" cut to its reason. */
function oneLine(message: string): string {
  const m = /SSL routines:[^:]*:([^:]+):/.exec(message);
  return (m ? m[1]! : message).trim();
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
