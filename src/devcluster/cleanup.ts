/**
 * Process-wide safety net: every redis-server PID and temp dir the harness creates is registered here, and
 * killed/removed on process exit, SIGINT and SIGTERM, so a crashed test or a Ctrl-C'd demo leaves nothing.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';

const pids = new Set<number>();
const dirs = new Set<string>();
let installed = false;

/** Longest cleanupNow waits for killed processes to exit before removing their dirs anyway. */
const EXIT_WAIT_MS = 3000;
const REMOVE_TRIES = 5;

/** Sleeps synchronously (cleanup also runs from the 'exit' event, where nothing async can run). */
function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * True once the process no longer runs. A child we have not reaped yet stays a zombie (state Z in
 * /proc/<pid>/stat): it is dead and writes nothing, so it counts as gone.
 */
export function processGone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Kills every registered PID (SIGCONT first, so stopped ones die), waits (at most 3 s) until they have
 * exited, then removes the registered dirs, retrying a few times; synchronous. Returns the dirs that
 * could not be removed (normally none).
 */
export function cleanupNow(): string[] {
  const killed: number[] = [];
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGCONT');
      process.kill(pid, 'SIGKILL');
      killed.push(pid);
    } catch {
      // already gone
    }
  }
  pids.clear();
  // A process that still runs can write into its dir while we delete it (nodes.conf, logs, RDB).
  const until = Date.now() + EXIT_WAIT_MS;
  let alive = killed.filter((pid) => !processGone(pid));
  while (alive.length > 0 && Date.now() < until) {
    sleepSync(20);
    alive = alive.filter((pid) => !processGone(pid));
  }
  const left: string[] = [];
  for (const dir of dirs) {
    for (let attempt = 1; attempt <= REMOVE_TRIES; attempt++) {
      try {
        rmSync(dir, { recursive: true, force: true });
      } catch {
        // ENOTEMPTY / EBUSY while something still writes: wait and retry
      }
      if (!existsSync(dir)) break;
      if (attempt < REMOVE_TRIES) sleepSync(50 * attempt);
    }
    if (existsSync(dir)) left.push(dir);
  }
  dirs.clear();
  return left;
}

function onSignal(signal: NodeJS.Signals): void {
  cleanupNow();
  // Only terminate if nobody else handles the signal; otherwise the app's own handler decides.
  if (process.listenerCount(signal) <= 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanupNow);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

/** Registers a PID to be killed on exit. */
export function trackPid(pid: number): void {
  install();
  pids.add(pid);
}

/** Forgets a PID (it has exited or been killed by its owner). */
export function untrackPid(pid: number): void {
  pids.delete(pid);
}

/** Registers a directory to be removed on exit. */
export function trackDir(dir: string): void {
  install();
  dirs.add(dir);
}

/** Forgets a directory (its owner removed it). */
export function untrackDir(dir: string): void {
  dirs.delete(dir);
}

/** PIDs currently tracked (for tests asserting cleanup). */
export function trackedPids(): number[] {
  return [...pids];
}
