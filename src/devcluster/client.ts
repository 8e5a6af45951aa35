/** Short-timeout command execution against one node: ioredis for commands, redis-cli for --cluster tools. */
import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { DevClusterError } from './errors.ts';

/** Path of the redis-cli binary (override with REDIS_CLI_BIN). */
export const REDIS_CLI_BIN = process.env['REDIS_CLI_BIN'] ?? '/usr/bin/redis-cli';

/** Credentials for a node; never logged. */
export interface Auth {
  username?: string;
  password?: string;
}

/** A cached connection per address; dropped on any error so a frozen or restarted node gets a fresh one. */
export class ClientPool {
  private readonly clients = new Map<string, Redis>();
  auth: Auth;

  constructor(auth: Auth) {
    this.auth = auth;
  }

  private get(host: string, port: number, timeoutMs: number): Redis {
    const key = `${host}:${port}`;
    let client = this.clients.get(key);
    if (client && (client.status === 'end' || client.status === 'close')) {
      client.disconnect();
      client = undefined;
    }
    if (!client) {
      client = new Redis({
        host,
        port,
        username: this.auth.username,
        password: this.auth.password,
        lazyConnect: true,
        connectTimeout: Math.min(timeoutMs, 1500),
        commandTimeout: timeoutMs,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: true,
        enableReadyCheck: false,
        protocol: 2,
        disableClientInfo: true,
      });
      client.on('error', () => {});
      this.clients.set(key, client);
    }
    return client;
  }

  /** Drops the cached connection to host:port (after a kill/restart/freeze). */
  drop(host: string, port: number): void {
    const key = `${host}:${port}`;
    this.clients.get(key)?.disconnect();
    this.clients.delete(key);
  }

  /** Runs one command with a hard deadline and returns the raw reply; rejects DEVCLUSTER_COMMAND. */
  async call(
    host: string,
    port: number,
    args: readonly (string | number)[],
    timeoutMs = 2000,
  ): Promise<unknown> {
    const [cmd, ...rest] = args.map(String);
    if (!cmd) throw new DevClusterError('DEVCLUSTER_BAD_OPTIONS', 'empty command');
    const client = this.get(host, port, timeoutMs);
    let timer: NodeJS.Timeout | undefined;
    try {
      if (client.status === 'wait') await client.connect();
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no reply within ${timeoutMs} ms`)), timeoutMs + 100);
      });
      return await Promise.race([client.call(cmd, ...rest), deadline]);
    } catch (err) {
      this.drop(host, port);
      const msg = err instanceof Error ? err.message : String(err);
      throw new DevClusterError('DEVCLUSTER_COMMAND', `${host}:${port} ${cmd}: ${msg}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes every cached connection. */
  closeAll(): void {
    for (const c of this.clients.values()) c.disconnect();
    this.clients.clear();
  }
}

/** Renders a reply as text: strings verbatim, nil as "(nil)", arrays as JSON. */
export function replyText(reply: unknown): string {
  if (reply === null || reply === undefined) return '(nil)';
  if (typeof reply === 'string') return reply;
  if (Buffer.isBuffer(reply)) return reply.toString('utf8');
  if (typeof reply === 'number' || typeof reply === 'bigint') return String(reply);
  return JSON.stringify(reply, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('utf8') : v));
}

/** Result of running redis-cli: exit code (null when killed by the timeout), stdout, stderr, both interleaved. */
export interface CliRun {
  code: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  /** stdout and stderr in arrival order, like `2>&1` in a shell. */
  combined: string;
}

/** Runs redis-cli with `args`, the password passed via REDISCLI_AUTH (never argv), killed after timeoutMs. */
export function runRedisCli(args: readonly string[], auth: Auth, timeoutMs = 10_000): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env['REDISCLI_AUTH'];
  if (auth.password) env['REDISCLI_AUTH'] = auth.password;
  const full = auth.username ? ['--user', auth.username, ...args] : [...args];
  return new Promise((resolve) => {
    const out = { stdout: '', stderr: '', combined: '' };
    const child = spawn(REDIS_CLI_BIN, full, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const take = (which: 'stdout' | 'stderr') => (d: Buffer) => {
      const text = d.toString('utf8');
      out[which] += text;
      out.combined += text;
    };
    child.stdout.on('data', take('stdout'));
    child.stderr.on('data', take('stderr'));
    const finish = (code: number | null) => {
      clearTimeout(timer);
      resolve({ ...out, code: timedOut ? null : code, timedOut });
    };
    child.once('error', (err) => {
      out.stderr += err.message;
      out.combined += err.message;
      finish(null);
    });
    child.once('close', (code) => finish(code));
  });
}
