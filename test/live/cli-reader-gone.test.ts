/**
 * `redis-runbook apply … | head`: a reader that goes away early takes the rest of the output with it,
 * never the work. Real cluster with 5,461 slots never assigned; the compiled CLI runs `apply
 * fix-coverage --yes` with its stdout (or stderr) closed after the first bytes. The fix must still run to
 * its end (every slot assigned) and the exit code must be the command's own; it used to exit 0 on the
 * broken pipe with nothing fixed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { spawnBuiltCli } from './action-helpers.ts';

let c: DevCluster;

/** Reassigns nothing and forgets 10923-16383 on every node until all agree, as the cluster started. */
async function uncover(): Promise<void> {
  await c.waitFor(
    async () => {
      await Promise.all(
        c.nodes.map((n) => c.cli(n, 'CLUSTER', 'DELSLOTSRANGE', 10923, 16383).catch(() => '')),
      );
      const infos = await Promise.all(c.nodes.map((n) => c.clusterInfo(n)));
      return infos.every((i) => i['cluster_slots_assigned'] === '10923');
    },
    { what: 'slots 10923-16383 unassigned everywhere', timeoutMs: 20_000, intervalMs: 200 },
  );
}

/** Runs the compiled CLI; closes the read side of `stream` once its first bytes arrive. */
function runClosing(
  args: string[],
  stream: 'stdout' | 'stderr',
): Promise<{ code: number | null; read: string }> {
  return new Promise((resolve) => {
    const p = spawnBuiltCli(args);
    p.stdin.end();
    let read = '';
    p[stream].once('data', (b: Buffer) => {
      read = b.toString();
      p[stream].destroy();
    });
    const other = stream === 'stdout' ? p.stderr : p.stdout;
    other.resume();
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, read });
    });
  });
}

beforeAll(async () => {
  c = await startCluster({
    masters: 3,
    label: 'cli-gone',
    assignSlots: [[{ start: 0, end: 8191 }], [{ start: 8192, end: 10922 }], []],
  });
}, 60_000);
afterAll(async () => {
  await c?.stop();
});

describe('a reader that goes away early', () => {
  for (const stream of ['stdout', 'stderr'] as const) {
    it(`apply fix-coverage --yes with ${stream} closed after its first bytes: the fix runs to its end, exit 0`, async () => {
      await uncover();
      const r = await runClosing(
        ['apply', 'fix-coverage', c.node(0).address, '--yes', '--reason', 'pipe'],
        stream,
      );
      expect(r.read.length).toBeGreaterThan(0);
      expect(r.code).toBe(0);
      await c.waitFor(
        async () =>
          (await Promise.all(c.nodes.map((n) => c.clusterInfo(n)))).every((i) => i['cluster_state'] === 'ok'),
        { what: 'cluster_state ok on every node', timeoutMs: 20_000 },
      );
      expect((await c.clusterInfo(c.node(2)))['cluster_slots_assigned']).toBe('16384');
    }, 90_000);
  }
});
