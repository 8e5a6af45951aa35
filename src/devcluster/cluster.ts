/** A running dev cluster: its nodes, control (kill/freeze/thaw/restart), commands, waits and cleanup. */
import { rmSync, unlinkSync } from 'node:fs';
import { untrackDir } from './cleanup.ts';
import { type Auth, ClientPool, type CliRun, replyText, runRedisCli } from './client.ts';
import { DevClusterError } from './errors.ts';
import { type NodeRow, parseInfo, parseNodes } from './inspect.ts';
import { allBindable, isHarnessLoopback } from './net.ts';
import { type ConfigLine, type DevNode, killProcess, signalNode, startProcess } from './node.ts';
import { type Action, REDACTED } from './types.ts';
import { type WaitOptions, waitFor } from './wait.ts';

/** Options for {@link DevCluster.restart}. */
export interface RestartOptions {
  /** New address (simulates a rescheduled pod); must be 127.x.y.z, not 127.0.0.1. */
  host?: string;
  /** New data port; the bus port keeps its offset from the data port. */
  port?: number;
  /** New bus port the node listens on (default: keeps its offset from the data port). */
  cport?: number;
  /** false deletes nodes.conf first, so the node comes back with a new id knowing nobody (default true). */
  keepConfig?: boolean;
  /** Directives appended to the node's config from now on (e.g. a wrong cluster-announce-ip). */
  config?: ConfigLine[];
  /**
   * false: resolve once the process has spawned instead of waiting for PING (default true), e.g. for a
   * node that will answer LOADING for a while; `id` then keeps its previous value.
   */
  awaitUp?: boolean;
}

/** Renders a launch as an equivalent redis-server command line, with secrets redacted. */
export function launchCommand(node: DevNode): string {
  const l = node.launch;
  const base = [
    `--bind ${l.host} --port ${l.port} --cluster-port ${l.cport}`,
    `--cluster-announce-ip ${l.host} --replica-announce-ip ${l.host} --bind-source-addr ${l.host}`,
    `--cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout ${l.nodeTimeoutMs}`,
    `--dir ${node.dir} --logfile redis.log --save '' --appendonly no --daemonize no --repl-diskless-sync-delay 0`,
  ];
  const extra = l.config.map(([k, ...v]) => `--${k} ${redactValues(k, v).map(shellWord).join(' ')}`);
  return ['redis-server', ...base, ...extra].join(' ');
}

function redactValues(key: string, values: readonly string[]): string[] {
  if (key === 'requirepass' || key === 'masterauth') return values.map(() => REDACTED);
  if (key === 'user') return values.map((v) => (v.startsWith('>') ? `>${REDACTED}` : v));
  return [...values];
}

function shellWord(v: string): string {
  return /^[A-Za-z0-9._:/@<>*~&+=-]+$/.test(v) && !v.includes('>') ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

/** A set of redis-server processes on 127.A.B.x that the harness started and will clean up. */
export class DevCluster {
  /** "127.A.B": every default address is `${prefix}.N`. */
  readonly prefix: string;
  /** Temp dir holding one sub-dir per node. */
  readonly root: string;
  readonly nodes: DevNode[];
  readonly auth: Auth;
  readonly nodeTimeoutMs: number;
  /** Mutations performed so far (build, break, restore), as commands for READMEs and narration. */
  readonly actions: Action[] = [];
  /** Phase tag applied to newly recorded actions. */
  phase: Action['phase'] = 'build';
  readonly pool: ClientPool;
  private stopped = false;

  constructor(prefix: string, root: string, nodes: DevNode[], auth: Auth, nodeTimeoutMs: number) {
    this.prefix = prefix;
    this.root = root;
    this.nodes = nodes;
    this.auth = auth;
    this.nodeTimeoutMs = nodeTimeoutMs;
    this.pool = new ClientPool(auth);
  }

  /** Address `${prefix}.n`. */
  hostOf(n: number): string {
    return `${this.prefix}.${n}`;
  }

  /** The node at `index` (throws DEVCLUSTER_BAD_OPTIONS if out of range). */
  node(index: number): DevNode {
    const n = this.nodes[index];
    if (!n) throw new DevClusterError('DEVCLUSTER_BAD_OPTIONS', `no node #${index}`);
    return n;
  }

  /** Nodes built as masters, in slot order. */
  masters(): DevNode[] {
    return this.nodes.filter((n) => n.builtRole === 'master');
  }

  /** Nodes built as replicas. */
  replicas(): DevNode[] {
    return this.nodes.filter((n) => n.builtRole === 'replica');
  }

  /** Nodes whose process is running (not frozen, not dead). */
  live(): DevNode[] {
    return this.nodes.filter((n) => n.state === 'running');
  }

  /** The node currently at "host:port" or with this id, if any. */
  find(addressOrId: string): DevNode | undefined {
    return this.nodes.find((n) => n.address === addressOrId || n.id === addressOrId);
  }

  /** Runs a command on a node and returns the raw reply (timeout default 2000 ms). */
  call(node: DevNode, args: readonly (string | number)[], timeoutMs = 2000): Promise<unknown> {
    return this.pool.call(node.host, node.port, args, timeoutMs);
  }

  /** Runs a command on a node and returns the reply as text (not recorded as an action). */
  async cli(node: DevNode, ...args: (string | number)[]): Promise<string> {
    return replyText(await this.call(node, args));
  }

  /** Like {@link cli}, but records the command as an action (for mutations worth narrating). */
  async act(node: DevNode, ...args: (string | number)[]): Promise<string> {
    this.record(
      `redis-cli -h ${node.host} -p ${node.port} ${args.map((a) => shellWord(String(a))).join(' ')}`,
    );
    return this.cli(node, ...args);
  }

  /** Appends an action to the log under the current phase. */
  record(command: string, note?: string): void {
    this.actions.push(note ? { phase: this.phase, command, note } : { phase: this.phase, command });
  }

  /** Parsed CLUSTER NODES of a node. */
  async view(node: DevNode, timeoutMs = 2000): Promise<NodeRow[]> {
    return parseNodes(replyText(await this.call(node, ['CLUSTER', 'NODES'], timeoutMs)));
  }

  /** Parsed CLUSTER INFO of a node. */
  async clusterInfo(node: DevNode, timeoutMs = 2000): Promise<Record<string, string>> {
    return parseInfo(replyText(await this.call(node, ['CLUSTER', 'INFO'], timeoutMs)));
  }

  /** Parsed INFO <section> of a node. */
  async info(node: DevNode, section = 'replication', timeoutMs = 2000): Promise<Record<string, string>> {
    return parseInfo(replyText(await this.call(node, ['INFO', section], timeoutMs)));
  }

  /** Bounded poll, see {@link waitFor}. */
  waitFor<T>(
    probe: () => Promise<T | false | null | undefined> | T | false | null | undefined,
    opts: WaitOptions,
  ): Promise<T> {
    return waitFor(probe, opts);
  }

  /** SIGKILLs a node and waits for it to exit. */
  async kill(node: DevNode): Promise<void> {
    this.record(`kill -9 ${node.pid}`, `SIGKILL ${node.address}`);
    this.pool.drop(node.host, node.port);
    await killProcess(node);
  }

  /** SIGSTOPs a node: it keeps its sockets but answers nothing. */
  async freeze(node: DevNode): Promise<void> {
    if (node.state !== 'running')
      throw new DevClusterError('DEVCLUSTER_STATE', `${node.address} is ${node.state}`);
    this.record(`kill -STOP ${node.pid}`, `SIGSTOP ${node.address}`);
    signalNode(node, 'SIGSTOP');
    node.state = 'frozen';
    this.pool.drop(node.host, node.port);
  }

  /** SIGCONTs a frozen node. */
  async thaw(node: DevNode): Promise<void> {
    if (node.state !== 'frozen') return;
    this.record(`kill -CONT ${node.pid}`, `SIGCONT ${node.address}`);
    signalNode(node, 'SIGCONT');
    node.state = 'running';
  }

  /** Kills the node if needed and starts it again in the same dir, optionally on a new address/port. */
  async restart(node: DevNode, opts: RestartOptions = {}): Promise<void> {
    if (node.state !== 'dead') await this.kill(node);
    const host = opts.host ?? node.launch.host;
    const port = opts.port ?? node.launch.port;
    const cport = opts.cport ?? port + (node.launch.cport - node.launch.port);
    if (!isHarnessLoopback(host)) {
      throw new DevClusterError('DEVCLUSTER_BAD_OPTIONS', `${host} is not a harness loopback address`);
    }
    if (
      !(await allBindable([
        { host, port },
        { host, port: cport },
      ]))
    ) {
      throw new DevClusterError('DEVCLUSTER_NO_ADDRESS', `${host}:${port}/${cport} is not free`);
    }
    if (opts.keepConfig === false) {
      this.record(`rm ${node.nodesConf}`, `lose nodes.conf of ${node.address}`);
      try {
        unlinkSync(node.nodesConf);
      } catch {
        // already absent
      }
    }
    node.launch = {
      ...node.launch,
      host,
      port,
      cport,
      config: [...node.launch.config, ...(opts.config ?? [])],
    };
    this.record(launchCommand(node), `restart ${node.address}`);
    await startProcess(node);
    if (opts.awaitUp !== false) await this.awaitUp(node);
  }

  /** Waits until a node answers PING, then refreshes its id from CLUSTER MYID. */
  async awaitUp(node: DevNode, timeoutMs = 10_000): Promise<void> {
    await waitFor(async () => (await this.cli(node, 'PING')) === 'PONG', {
      what: `${node.address} to answer PING`,
      timeoutMs,
      intervalMs: 50,
    });
    node.id = await this.cli(node, 'CLUSTER', 'MYID');
  }

  /** Returns a free address `${prefix}.N` (N counting up from 100) where `port` and its bus port bind. */
  async freshHost(port = 7000, busOffset = 10000): Promise<string> {
    const used = new Set(this.nodes.map((n) => n.host));
    for (let n = 100; n < 255; n++) {
      const host = this.hostOf(n);
      if (used.has(host) || this.reserved.has(host)) continue;
      if (
        await allBindable([
          { host, port },
          { host, port: port + busOffset },
        ])
      ) {
        this.reserved.add(host);
        return host;
      }
    }
    throw new DevClusterError('DEVCLUSTER_NO_ADDRESS', `no free address left in ${this.prefix}.100-254`);
  }

  private readonly reserved = new Set<string>();

  /** Runs redis-cli with the cluster's credentials (via env, never argv) and a timeout. */
  redisCli(args: readonly string[], timeoutMs = 10_000): Promise<CliRun> {
    return runRedisCli(args, this.auth, timeoutMs);
  }

  /** `redis-cli --cluster check <seed>` (default seed: first live node). */
  check(seed?: DevNode, timeoutMs = 10_000): Promise<CliRun> {
    const s = seed ?? this.live()[0] ?? this.node(0);
    return this.redisCli(['--cluster', 'check', s.address], timeoutMs);
  }

  /** Kills every process this cluster started (thawing frozen ones first) and removes its temp dir. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.pool.closeAll();
    await Promise.all(this.nodes.map((n) => killProcess(n).catch(() => undefined)));
    rmSync(this.root, { recursive: true, force: true });
    untrackDir(this.root);
  }
}
