/** One redis-server child process of a dev cluster: config file, spawn, signals, and its facts. */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { trackPid, untrackPid } from './cleanup.ts';
import { DevClusterError } from './errors.ts';

/** Path of the redis-server binary (override with REDIS_SERVER_BIN). */
export const REDIS_SERVER_BIN = process.env['REDIS_SERVER_BIN'] ?? '/usr/bin/redis-server';

/** running: process alive; frozen: SIGSTOPped; dead: exited or killed. */
export type NodeState = 'running' | 'frozen' | 'dead';

/** A redis.conf directive: name and value(s), e.g. ['cluster-require-full-coverage', 'no']. */
export type ConfigLine = readonly [string, ...string[]];

/** What is needed to (re)start a node; `host`/`port`/`cport` may change across restarts. */
export interface NodeLaunch {
  host: string;
  port: number;
  /** Port the cluster bus listens on (cluster-port). */
  cport: number;
  nodeTimeoutMs: number;
  /** Extra directives, applied after the harness defaults (later lines win). */
  config: ConfigLine[];
}

/** A redis-server the harness started. Mutable facts are updated by the cluster on kill/freeze/restart. */
export class DevNode {
  /** Position in the cluster's node list (0-based, stable). */
  readonly index: number;
  readonly dir: string;
  /** 40-hex cluster node id (read with CLUSTER MYID after start; changes if nodes.conf is lost). */
  id = '';
  host: string;
  port: number;
  cport: number;
  pid = 0;
  state: NodeState = 'dead';
  /** Role the node was built with ('master' | 'replica'); the live role may differ after failover. */
  readonly builtRole: 'master' | 'replica';
  launch: NodeLaunch;
  proc: ChildProcess | null = null;
  exited: Promise<void> = Promise.resolve();

  constructor(index: number, dir: string, role: 'master' | 'replica', launch: NodeLaunch) {
    this.index = index;
    this.dir = dir;
    this.builtRole = role;
    this.launch = launch;
    this.host = launch.host;
    this.port = launch.port;
    this.cport = launch.cport;
  }

  /** "host:port" as clients and CLUSTER NODES use it. */
  get address(): string {
    return `${this.host}:${this.port}`;
  }

  get confFile(): string {
    return join(this.dir, 'redis.conf');
  }

  get logFile(): string {
    return join(this.dir, 'redis.log');
  }

  get nodesConf(): string {
    return join(this.dir, 'nodes.conf');
  }

  /** The node's log so far ('' if none yet). */
  readLog(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }
}

function quote(v: string): string {
  return /^[A-Za-z0-9._:/@<>*~&+-]+$/.test(v) ? v : `"${v.replace(/(["\\])/g, '\\$1')}"`;
}

/** The redis.conf text for a launch (harness defaults first, then `config`). */
export function renderConfig(node: DevNode): string {
  const l = node.launch;
  const lines: ConfigLine[] = [
    ['bind', l.host],
    ['port', String(l.port)],
    ['cluster-enabled', 'yes'],
    ['cluster-config-file', 'nodes.conf'],
    ['cluster-node-timeout', String(l.nodeTimeoutMs)],
    ['cluster-announce-ip', l.host],
    ['replica-announce-ip', l.host],
    ['bind-source-addr', l.host],
    ['cluster-port', String(l.cport)],
    ['dir', node.dir],
    ['logfile', node.logFile],
    ['save', ''],
    ['appendonly', 'no'],
    ['daemonize', 'no'],
    ['protected-mode', 'no'],
    ['repl-diskless-sync-delay', '0'],
    ...l.config,
  ];
  return `${lines.map(([k, ...v]) => [k, ...v.map(quote)].join(' ')).join('\n')}\n`;
}

/** Writes redis.conf and starts redis-server (foreground); resolves once the process has spawned. */
export async function startProcess(node: DevNode): Promise<void> {
  mkdirSync(node.dir, { recursive: true });
  node.host = node.launch.host;
  node.port = node.launch.port;
  node.cport = node.launch.cport;
  writeFileSync(node.confFile, renderConfig(node), { mode: 0o600 });
  const proc = spawn(REDIS_SERVER_BIN, [node.confFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  await new Promise<void>((resolve, reject) => {
    proc.once('spawn', resolve);
    proc.once('error', (err) =>
      reject(new DevClusterError('DEVCLUSTER_SPAWN', `cannot start ${REDIS_SERVER_BIN}: ${err.message}`)),
    );
  });
  const pid = proc.pid ?? 0;
  trackPid(pid);
  node.proc = proc;
  node.pid = pid;
  node.state = 'running';
  node.exited = new Promise<void>((resolve) => {
    proc.once('exit', () => {
      untrackPid(pid);
      if (node.proc === proc) node.state = 'dead';
      resolve();
    });
  });
  // Surface an immediate crash (bad config, port taken) with its stderr/log tail.
  const early = await Promise.race([node.exited.then(() => true), sleepMs(150).then(() => false)]);
  if (early) {
    const tail = (stderr || node.readLog()).split('\n').slice(-5).join(' | ');
    throw new DevClusterError('DEVCLUSTER_SPAWN', `redis-server ${node.address} exited at start: ${tail}`);
  }
}

function sleepMs(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Sends a signal to the node's own PID (never by name); returns false if the process is gone. */
export function signalNode(node: DevNode, signal: NodeJS.Signals): boolean {
  if (!node.pid || node.state === 'dead') return false;
  try {
    process.kill(node.pid, signal);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILLs the node (SIGCONT first if frozen) and resolves once it has exited (bounded to 5 s). */
export async function killProcess(node: DevNode): Promise<void> {
  if (node.state === 'dead') return;
  signalNode(node, 'SIGCONT');
  signalNode(node, 'SIGKILL');
  const done = await Promise.race([node.exited.then(() => true), sleepMs(5000).then(() => false)]);
  if (!done) throw new DevClusterError('DEVCLUSTER_STATE', `pid ${node.pid} (${node.address}) did not exit`);
  node.state = 'dead';
}
