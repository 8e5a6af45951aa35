/**
 * Ctrl-C during `apply` (SIGINT; SIGHUP too, a dropped SSH session): the first signal stops the run at
 * the next safe point (before the next step, or between two batches of a slot move), which then reports,
 * lists the slots it left open and exits 5; no key is lost, and the printed way out (fix-open-slot)
 * brings the cluster back with every key readable. Real 3-master cluster with 30,000 keys; the compiled
 * CLI reshards 3,000 slots and gets the signal once the move has reported its first slots. Before, Node
 * died on the spot, mid-step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { loadKeys, readKeys } from '../../src/devcluster/keys.ts';
import { spawnBuiltCli } from './action-helpers.ts';

const KEYS = 30_000;
let c: DevCluster;
let keys: string[];

/** Runs the compiled CLI; sends `signal` once stdout shows `when`. */
function runInterrupted(
  args: string[],
  when: RegExp,
  signal: NodeJS.Signals = 'SIGINT',
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const p = spawnBuiltCli(args);
    p.stdin.end();
    let out = '';
    let err = '';
    let sent = false;
    p.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (!sent && when.test(out)) {
        sent = true;
        p.kill(signal);
      }
    });
    p.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => p.kill('SIGKILL'), 90_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

/** Keys held by the masters, all together. */
async function keysHeld(): Promise<number> {
  const sizes = await Promise.all(c.masters().map(async (m) => Number(await c.cli(m, 'DBSIZE'))));
  return sizes.reduce((a, b) => a + b, 0);
}

beforeAll(async () => {
  c = await startCluster({ masters: 3, label: 'cli-int', buildTimeoutMs: 60_000 });
  keys = await loadKeys(c, 'int', KEYS);
}, 90_000);
afterAll(async () => {
  await c?.stop();
});

describe('Ctrl-C during apply', () => {
  for (const signal of ['SIGINT', 'SIGHUP'] as const)
    it(`${signal} stops at a safe point, lists what it left open, exits 5; nothing lost; fix-open-slot finishes it`, async () => {
      const [from, to] = [c.node(0), c.node(1)];
      const r = await runInterrupted(
        [
          'apply',
          'reshard',
          from.address,
          '--from',
          from.address,
          '--to',
          to.address,
          '--slots',
          '3000',
          '--yes',
          '--reason',
          'int',
        ],
        /… \d+\/3000 slots/, // the first window of the move is done, others are under way
        signal,
      );
      expect(r.err).toContain(`${signal}: stopping at the next safe point`);
      expect(r.code, r.out + r.err).toBe(5);
      expect(r.out).toMatch(/stopped|left open/);
      expect(await keysHeld()).toBe(KEYS);
      const open = /left open: /.test(r.out);
      if (open) {
        const fix = await runInterrupted(
          ['apply', 'fix-open-slot', from.address, '--yes', '--reason', 'after ctrl-c'],
          /^$a/, // never interrupted
        );
        expect(fix.code, fix.out + fix.err).toBe(0);
      }
      await c.waitFor(
        async () =>
          (await Promise.all(c.nodes.map((n) => c.clusterInfo(n)))).every((i) => i['cluster_state'] === 'ok'),
        { what: 'cluster_state ok on every node', timeoutMs: 20_000 },
      );
      const read = await readKeys(c, keys);
      expect(read.missing).toEqual([]);
      expect(read.ok).toBe(KEYS);
    }, 180_000);
});
