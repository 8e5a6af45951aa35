/**
 * `redis-runbook serve` as a real child process (bin/redis-runbook.js), with its output captured, its
 * port read from the "started" log line, and a bounded stop by signal. Test-only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { waitUntil } from '../../bot/helpers/fake-slack.ts';
import { startedPort } from '../../bot/helpers/serve.ts';

export const BIN = join(import.meta.dirname, '..', '..', '..', 'bin', 'redis-runbook.js');

export interface ServeProcess {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** The port from the "started" line (waits up to 60 s for it). */
  port(): Promise<number>;
  /** Every stdout line parsed as JSON (throws on a line that is not). */
  jsonLines(): Record<string, unknown>[];
  /** Sends `signal`; resolves with the exit code and the ms from signal to exit (SIGKILL after 20 s). */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
}

/** Spawns `serve` with `args` and exactly `env` (plus PATH and HOME). */
export function spawnServe(args: string[], env: NodeJS.ProcessEnv, cwd?: string): ServeProcess {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    ...(cwd ? { cwd } : {}),
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout?.on('data', (d: Buffer) => {
    out.stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out.stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return {
    child,
    out,
    exited,
    port: async () => Number(await waitUntil(() => startedPort(out.stdout), 60_000, 'serve to start')),
    jsonLines: () =>
      out.stdout
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    async stop(signal = 'SIGTERM') {
      const t0 = Date.now();
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return { code, ms: Date.now() - t0 };
    },
  };
}

/** GETs `path` on the bot at host:port; resolves with the status and the body text. */
export async function get(
  port: number,
  path: string,
  host = '127.0.0.1',
): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://${host}:${port}${path}`);
  return { status: res.status, body: await res.text() };
}

/** Polls GET `path` every 100 ms until it answers `status`; resolves with the ms it took. */
export async function waitForStatus(port: number, path: string, status: number, timeoutMs = 20_000) {
  const t0 = Date.now();
  for (;;) {
    const now = await get(port, path).catch(() => ({ status: 0, body: '' }));
    if (now.status === status) return { ms: Date.now() - t0, body: now.body };
    if (Date.now() - t0 > timeoutMs) throw new Error(`${path} still ${now.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The value of one Prometheus sample line (`series` including its labels), or undefined. */
export function sample(metrics: string, series: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}
