/**
 * Every redis-runbook command the demo prints works as printed (issue 13: it once printed
 * `redis-runbook diagnose demo`, which fails with "unknown cluster"). The demo's own cluster layout and
 * breakage; each printed command (its heading, every step's, then plan and apply --yes) runs through
 * bin/redis-runbook.js in a directory with no registry, as a newcomer would type it.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCluster, demoCommand, fixCommands } from '../src/demo/target.ts';
import { backupReplicaLayout, conditions, type DevCluster, startCluster } from '../src/devcluster/index.ts';
import { isLoopbackHost } from '../src/diagnose/probe/nat.ts';
import { runLive } from '../src/runbooks/run.ts';

const BIN = join(import.meta.dirname, '..', 'bin', 'redis-runbook.js');
let c: DevCluster;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'demo-commands-'));
  c = await startCluster({ nodes: backupReplicaLayout(), nodeTimeoutMs: 1000, label: 'demo-commands' });
  await c.kill(c.node(0));
  await c.waitFor(() => conditions.flaggedByAll(c, c.node(0), 'fail'), {
    what: 'FAIL flag',
    timeoutMs: 20_000,
  });
  await c.waitFor(() => conditions.allState(c, 'fail'), { what: 'cluster_state:fail', timeoutMs: 20_000 });
}, 90_000);
afterAll(async () => {
  await c?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs a printed `redis-runbook ...` command line (plain words) with no registry around. */
function runPrinted(line: string): Promise<{ code: number | null; out: string }> {
  const args = line.replace(/^redis-runbook\s+/, '').split(/\s+/);
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.REDIS_RUNBOOK_CONFIG;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('the demo', () => {
  it('prints only redis-runbook commands that work as printed', async () => {
    const seed = c.node(1).address;
    const printed = new Set<string>([demoCommand(seed)]);
    const { diagnosis } = await runLive(demoCluster(seed), {
      runbook: 'clusterdown',
      probe: { allowHost: isLoopbackHost },
    });
    for (const step of diagnosis.steps ?? []) {
      for (const text of [step.command, ...step.evidence, step.meaning]) {
        for (const m of text.matchAll(/redis-runbook [a-z][^;`'"]*?(?=$|[;`'"]|\s{2})/g)) {
          if (!/[<>]/.test(m[0])) printed.add(m[0].trim());
        }
      }
    }
    expect([...printed]).toContain(`redis-runbook diagnose ${seed}`);
    for (const line of printed) {
      const r = await runPrinted(line);
      expect({ line, code: r.code, unknown: /unknown cluster/i.test(r.out) }).toEqual({
        line,
        code: 3, // critical findings: the cluster is down, and the command said so
        unknown: false,
      });
      expect(r.out).toContain('failover-blocked');
    }
    // then the fix, as the demo prints it: plan, and apply --yes
    const fix = diagnosis.rootCauses.flatMap((r) => r.actions).find((a) => a.action.startsWith('failover'));
    expect(fix?.params).toBeDefined();
    const { plan, apply } = fixCommands(seed, fix!);
    const planned = await runPrinted(plan);
    expect({ line: plan, code: planned.code }).toEqual({ line: plan, code: 0 });
    const applied = await runPrinted(apply);
    expect({ line: apply, code: applied.code, out: applied.out }).toMatchObject({ line: apply, code: 0 });
    await c.waitFor(() => conditions.allState(c, 'ok'), { what: 'cluster_state:ok', timeoutMs: 20_000 });
  }, 180_000);
});
