/**
 * Connections for a run, opened with the REMEDIATION credentials (cluster.remediation.username and
 * passwordEnv, each falling back to the diagnosis ones; the password is read from the environment when
 * the run starts, never stored in a plan). One client per node through the probe's createNodeClient, the
 * natMap applied, generous timeouts for mutating commands and short ones for read-only checks. A command
 * is sent once: no client retries, no offline queue, and a command without an answer in time is reported
 * as such, never sent again. `close()` disconnects everything.
 */
import type { CliAuth } from '../../cluster/redis-cli.ts';
import type { ClusterConfig } from '../../config/schema.ts';
import { resolvePassword } from '../../config/target.ts';
import {
  type ConnectSettings,
  closeNodeClient,
  connectSettings,
  createNodeClient,
  deadline,
  errorMessage,
  type NodeClient,
} from '../../diagnose/probe/connect.ts';
import { natTarget, splitAddress } from '../../diagnose/probe/nat.ts';
import type { NodeRef } from '../types.ts';
import type { NodeSession, PipelineReply } from './context.ts';
import { ReplyError, replyError, showBytes } from './replies.ts';

/** Default timeout of a mutating command (MIGRATE batches pass their own). */
export const MUTATING_COMMAND_MS = 15_000;

/** Where passwords come from, which hosts may be contacted, and the command timeouts of a run. */
export interface SessionOptions {
  /** Where password variables are read from (default process.env), at the start of the run. */
  env?: NodeJS.ProcessEnv;
  /** Hosts the executor may connect to (tests: loopback only); others count as unreachable. */
  allowHost?: (host: string) => boolean;
  /** Timeout of a mutating command, ms (default 15 s). */
  commandMs?: number;
  /** Timeout of each read-only check while waiting, ms (default: the cluster's commandMs). */
  pollMs?: number;
}

/** The remediation credential names (never the password) for displayed commands. */
export function remediationAuth(cluster: ClusterConfig): CliAuth {
  const username = cluster.remediation?.username ?? cluster.username;
  const passwordEnv = cluster.remediation?.passwordEnv ?? cluster.passwordEnv;
  return { ...(username ? { username } : {}), ...(passwordEnv ? { passwordEnv } : {}) };
}

/** Resolves the remediation password now; throws PASSWORD_ENV_MISSING naming the variable. */
export function remediationPassword(cluster: ClusterConfig, env: NodeJS.ProcessEnv = process.env) {
  const { passwordEnv } = remediationAuth(cluster);
  return resolvePassword({ ...cluster, passwordEnv }, env);
}

/** How long an answer counts as proof that a node is reachable, ms. */
const RECENT_MS = 1000;

/** The client's own command timeout, far beyond any per-call deadline (a MIGRATE may pass minutes). */
const CLIENT_BACKSTOP_MS = 30 * 60_000;

/** Commands that only read: a timeout on them changes nothing. */
const READ_ONLY = new Set([
  'PING',
  'INFO',
  'DBSIZE',
  'CONFIG GET',
  'CLUSTER NODES',
  'CLUSTER INFO',
  'CLUSTER MYID',
  'CLUSTER SLOTS',
  'CLUSTER SHARDS',
  'CLUSTER COUNTKEYSINSLOT',
  'CLUSTER GETKEYSINSLOT',
  'CLUSTER KEYSLOT',
  'FUNCTION LIST',
  'FUNCTION DUMP',
]);

/** True for a command whose reply lists key names, read as Buffers so that any byte string survives. */
function listsKeys(argv: readonly (string | number | Buffer)[]): boolean {
  return String(argv[0]).toUpperCase() === 'CLUSTER' && String(argv[1]).toUpperCase() === 'GETKEYSINSLOT';
}

function isReadOnly(argv: readonly (string | number | Buffer)[]): boolean {
  const [a, b] = argv.map((x) => String(x).toUpperCase());
  return READ_ONLY.has(a!) || READ_ONLY.has(`${a} ${b ?? ''}`);
}

/** Every connection of one run, cached per node address. */
export class SessionPool {
  private readonly clients = new Map<string, Promise<NodeClient>>();
  private readonly known = new Set<string>();
  /** When each address last answered a command (ms since the epoch). */
  private readonly answered = new Map<string, number>();
  private readonly settings: ConnectSettings;
  private readonly commandMs: number;
  private readonly password: string | undefined;
  private readonly natMap: Record<string, string> | undefined;
  private readonly allowHost: (host: string) => boolean;
  readonly pollMs: number;
  /** MIGRATE's own credential arguments. Holds the password: never log, display or audit it. */
  readonly migrateAuth: readonly string[];
  private closed = false;

  /** Throws a ConfigError when the remediation password variable is not set. */
  constructor(cluster: ClusterConfig, opts: SessionOptions = {}) {
    const auth = remediationAuth(cluster);
    this.password = remediationPassword(cluster, opts.env);
    const base = connectSettings({ ...cluster, username: auth.username }, this.password);
    // Every call is bounded by its own deadline below; the client's own timeout is only a backstop.
    this.settings = { ...base, commandMs: CLIENT_BACKSTOP_MS };
    this.commandMs = opts.commandMs ?? MUTATING_COMMAND_MS;
    this.pollMs = opts.pollMs ?? cluster.timeouts.commandMs;
    this.natMap = cluster.natMap;
    this.allowHost = opts.allowHost ?? (() => true);
    this.migrateAuth =
      this.password === undefined
        ? []
        : auth.username
          ? ['AUTH2', auth.username, this.password]
          : ['AUTH', this.password];
  }

  /** Adds announced "ip:port"s to the nodes `reachableSessions` asks. */
  know(addresses: Iterable<string>): void {
    for (const a of addresses) if (splitAddress(a)) this.known.add(a);
  }

  /** Every address known so far. */
  knownAddresses(): string[] {
    return [...this.known];
  }

  /** A session to `node` (connecting on first use; reconnecting after a lost connection). */
  async session(node: NodeRef): Promise<NodeSession> {
    this.know([node.address]);
    await this.client(node.address);
    return {
      address: node.address,
      call: (argv, timeoutMs) => this.call(node.address, argv, timeoutMs),
      callBuffer: (argv, timeoutMs) => this.call(node.address, argv, timeoutMs, true),
      pipeline: (argvs, timeoutMs) => this.pipeline(node.address, argvs, timeoutMs),
    };
  }

  /**
   * Sessions to every known node that answers PING within the poll timeout, in parallel. A node that
   * answered a command in the last RECENT_MS is not asked again: the caller's own bounded read tells if it
   * stopped since (one round trip less for each check of a run).
   */
  async reachableSessions(): Promise<NodeSession[]> {
    const tries = [...this.known].map(async (address) => {
      try {
        const s = await this.session({ id: null, address });
        if (Date.now() - (this.answered.get(address) ?? 0) >= RECENT_MS) await s.call(['PING'], this.pollMs);
        return s;
      } catch {
        return null;
      }
    });
    return (await Promise.all(tries)).filter((s): s is NodeSession => s !== null);
  }

  /** Disconnects every client; later calls fail. */
  close(): void {
    this.closed = true;
    for (const p of this.clients.values()) p.then(closeNodeClient).catch(() => undefined);
    this.clients.clear();
  }

  private client(address: string): Promise<NodeClient> {
    if (this.closed)
      return Promise.reject(new ReplyError('unreachable', 'closed', `${address}: run is over`));
    const cached = this.clients.get(address);
    if (cached) {
      return cached.then((c) => {
        if (c.client.status === 'end' || c.client.status === 'close') {
          this.clients.delete(address);
          return this.client(address);
        }
        return c;
      });
    }
    const p = this.connect(address);
    this.clients.set(address, p);
    p.catch(() => this.clients.delete(address));
    return p;
  }

  private async connect(address: string): Promise<NodeClient> {
    const reach = splitAddress(natTarget(address, this.natMap));
    if (!reach || !this.allowHost(reach.host)) {
      throw new ReplyError(
        'unreachable',
        'not allowed',
        `${address}: not an address the executor may contact`,
      );
    }
    const nc = createNodeClient(reach.host, reach.port, this.settings);
    const limit = deadline(this.settings.connectMs + 200, `connect ${address}`);
    try {
      await Promise.race([nc.client.connect(), limit.promise]);
      return nc;
    } catch (err) {
      closeNodeClient(nc);
      throw replyError(new Error(errorMessage(err, nc)), { address, secrets: [this.password] });
    } finally {
      limit.clear();
    }
  }

  /** Sends `argvs` in one ioredis pipeline; one deadline for all of them. */
  private async pipeline(
    address: string,
    argvs: readonly (readonly (string | number | Buffer)[])[],
    timeoutMs?: number,
  ): Promise<PipelineReply[]> {
    const ctxOf = (argv: readonly (string | number | Buffer)[]) => ({
      address,
      argv: argv.map((a) => (Buffer.isBuffer(a) ? showBytes(a) : a)),
      mutating: !isReadOnly(argv),
      secrets: [this.password],
    });
    let nc: NodeClient | undefined;
    const limit = deadline(timeoutMs ?? this.commandMs, address);
    try {
      nc = await this.client(address);
      const p = nc.client.pipeline();
      for (const argv of argvs) {
        const [cmd, ...rest] = argv.map((a) => (Buffer.isBuffer(a) ? a : String(a)));
        if (listsKeys(argv)) p.callBuffer(String(cmd), ...rest);
        else p.call(String(cmd), ...rest);
      }
      const sent = p.exec();
      sent.catch(() => undefined);
      const replies = (await Promise.race([sent, limit.promise])) ?? [];
      this.answered.set(address, Date.now());
      return argvs.map((argv, i) => {
        const [err, value] = replies[i] ?? [new Error('no reply'), null];
        return err ? { error: replyError(err, ctxOf(argv)) } : { value };
      });
    } catch (err) {
      const first = argvs.find((a) => !isReadOnly(a)) ?? argvs[0];
      throw replyError(
        err instanceof ReplyError ? err : new Error(errorMessage(err, nc)),
        ctxOf(first ?? []),
      );
    } finally {
      limit.clear();
    }
  }

  private async call(
    address: string,
    argv: readonly (string | number | Buffer)[],
    timeoutMs?: number,
    buffers = false,
  ) {
    const readOnly = isReadOnly(argv);
    // A Buffer argument (a binary payload) never reaches a message: only the command's name does.
    const named = argv.map((a) => (Buffer.isBuffer(a) ? '<binary>' : a));
    const ctx = { address, argv: named, mutating: !readOnly, secrets: [this.password] };
    let nc: NodeClient | undefined;
    const limit = deadline(timeoutMs ?? this.commandMs, address);
    try {
      nc = await this.client(address);
      const [cmd, ...rest] = argv.map((a) => (Buffer.isBuffer(a) ? a : String(a)));
      const reply = buffers
        ? nc.client.callBuffer(String(cmd), ...rest)
        : nc.client.call(String(cmd), ...rest);
      reply.catch(() => undefined);
      const value = await Promise.race([reply, limit.promise]);
      this.answered.set(address, Date.now());
      return value;
    } catch (err) {
      throw replyError(err instanceof ReplyError ? err : new Error(errorMessage(err, nc)), ctx);
    } finally {
      limit.clear();
    }
  }
}
