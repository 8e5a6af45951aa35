/**
 * Acts docker-compose.yml out on loopback, with no docker daemon. The whole mapping:
 *  1. an address on the compose subnet, 172.28.0.N, becomes 127.A.B.N (a free loopback block);
 *  2. a service name used as a host ("redis://queue:6379") becomes that service's mapped address;
 *  3. what a container has for free is given explicitly: its own address to listen on and to connect
 *     from (redis-server --bind/--bind-source-addr, the bot's --host), its own working directory, and
 *     its own 127.0.0.1 (the container itself) in the image's HEALTHCHECK;
 *  4. env_file .env is read from .env.example, a mounted file is read from its source in the repo, and
 *     the image's `node dist/main.js` is bin/redis-runbook.js (the same compiled CLI, checked for staleness).
 * Everything else (commands, flags, scripts, environment) is taken from the files as written. Test-only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { trackPid, untrackPid } from '../../src/devcluster/cleanup.ts';

export interface ComposeService {
  image?: string;
  command?: string[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
  env_file?: string | string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  networks?: Record<string, { ipv4_address?: string }>;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks: Record<string, { ipam?: { config?: { subnet: string }[] } }>;
  volumes?: Record<string, unknown>;
}

/**
 * docker-compose.yml, with YAML merge keys (`<<: *anchor`) resolved and `$$` unescaped to `$`, as
 * compose does. The file uses no `${VAR}` interpolation; one would be refused here rather than guessed.
 */
export function readCompose(path: string): ComposeFile {
  const text = readFileSync(path, 'utf8');
  if (/(^|[^$])\$(\{|[A-Za-z_])/.test(text))
    throw new Error('docker-compose.yml: variable interpolation ($VAR) is not acted out');
  return parse(text, {
    merge: true,
    reviver: (_k, v) => (typeof v === 'string' ? v.replaceAll('$$', '$') : v),
  }) as ComposeFile;
}

/** The service's static address on its (only) network. */
export function addressOf(service: ComposeService): string {
  const ip = Object.values(service.networks ?? {})[0]?.ipv4_address;
  if (!ip) throw new Error('service without a static ipv4_address');
  return ip;
}

/** Rules 1 and 2: compose addresses and service host names to loopback. */
export class AddressMap {
  constructor(
    /** "172.28.0": the compose subnet, a /24. */
    readonly from: string,
    /** "127.A.B": the loopback block standing in for it. */
    readonly to: string,
    private readonly services: Record<string, ComposeService>,
  ) {}

  /** The loopback address standing in for `service`. */
  of(service: string): string {
    return this.subnet(addressOf(this.services[service] ?? {}));
  }

  /** Both rules over `text`. */
  apply(text: string): string {
    let out = this.subnet(text);
    for (const name of Object.keys(this.services)) {
      if (out.includes(`//${name}:`)) out = out.split(`//${name}:`).join(`//${this.of(name)}:`);
    }
    return out;
  }

  private subnet(text: string): string {
    return text.split(`${this.from}.`).join(`${this.to}.`);
  }
}

/** "172.28.0" from the first network's "172.28.0.0/24". */
export function subnetPrefix(compose: ComposeFile): string {
  const subnet = Object.values(compose.networks)[0]?.ipam?.config?.[0]?.subnet ?? '';
  const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(subnet);
  if (!m?.[1]) throw new Error(`expected a /24 subnet, not "${subnet}"`);
  return m[1];
}

/** A healthcheck `test` as argv: ["CMD", ...argv] or ["CMD-SHELL", script]. */
export function healthArgv(test: string[]): string[] {
  const [kind, ...rest] = test;
  if (kind === 'CMD') return rest;
  if (kind === 'CMD-SHELL') return ['sh', '-c', rest.join(' ')];
  throw new Error(`unsupported healthcheck ${kind}`);
}

/** KEY=value lines of an env file (comments and blank lines skipped), as compose reads them. */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (m?.[1] && !line.trim().startsWith('#')) out[m[1]] = m[2] ?? '';
  }
  return out;
}

/** Runs argv to completion (killed after `timeoutMs`); resolves with its exit code and output. */
export function run(argv: string[], timeoutMs = 5000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(argv[0] ?? '', argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

/** Runs a healthcheck every 200 ms until it passes (as depends_on: service_healthy waits). */
export async function waitHealthy(name: string, argv: string[], timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await run(argv, 3000);
    if (r.code === 0) return;
    if (Date.now() > end) throw new Error(`${name} not healthy after ${timeoutMs} ms: ${r.out.slice(-300)}`);
    await new Promise((res) => setTimeout(res, 200));
  }
}

/** A long-running service process (tracked, so it is killed even if the test run is interrupted). */
export function startService(argv: string[], cwd: string): ChildProcess & { output: () => string } {
  const child = spawn(argv[0] ?? '', argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  child.stderr?.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  });
  if (child.pid) trackPid(child.pid);
  child.on('exit', () => {
    if (child.pid) untrackPid(child.pid);
  });
  return Object.assign(child, { output: () => out });
}

/** Stops a service started by {@link startService}, by its pid; resolves once it has exited. */
export async function stopService(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** One Dockerfile instruction per entry (continuation lines joined), with its stage index. */
export function dockerfileInstructions(text: string): { stage: number; op: string; args: string }[] {
  const joined = text.replace(/\\\n\s*/g, ' ');
  const out: { stage: number; op: string; args: string }[] = [];
  let stage = -1;
  for (const line of joined.split('\n')) {
    const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
    if (!m?.[1] || line.trim().startsWith('#')) continue;
    if (m[1] === 'FROM') stage += 1;
    out.push({ stage, op: m[1], args: (m[2] ?? '').trim() });
  }
  return out;
}
