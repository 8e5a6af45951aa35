/**
 * Child of bench/startup.ts: one cold live diagnosis in this fresh process, timed by phase (the modules
 * are loaded before the clock starts, so module loading is not in these figures): the probe, the
 * diagnosis with its runbook steps, and the JSON the CLI prints. Prints one JSON line of
 * `{ phase: { cpu, wall } }` in ms, CPU being user + system time of this process.
 * Run: node --import tsx bench/_live-phases.ts <host:port>
 */
import { liveJson } from '../src/cli/live.ts';
import { DEFAULT_TIMEOUTS } from '../src/config/registry-file.ts';
import { isLoopbackHost } from '../src/diagnose/probe/nat.ts';
import { probeCluster } from '../src/diagnose/probe/probe.ts';
import { diagnoseSnapshot } from '../src/runbooks/run.ts';

const seed = process.argv[2];
if (!seed) throw new Error('usage: _live-phases.ts <host:port>');

const out: Record<string, { cpu: number; wall: number }> = {};
/** Runs `fn`, recording its CPU and wall time under `name`. */
async function phase<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
  const c = process.cpuUsage();
  const t = performance.now();
  const result = await fn();
  const used = process.cpuUsage(c);
  out[name] = { cpu: (used.user + used.system) / 1000, wall: performance.now() - t };
  return result;
}

const snapshot = await phase('probe', () =>
  probeCluster(
    { name: seed, seeds: [seed], timeouts: { ...DEFAULT_TIMEOUTS } },
    { allowHost: isLoopbackHost },
  ),
);
const { diagnosis } = await phase('diagnose', () => diagnoseSnapshot(snapshot));
await phase('json', () => JSON.stringify(liveJson(diagnosis), null, 2).length);
console.log(JSON.stringify(out));
