/**
 * `redis-runbook plan` and `apply` as an operator runs them, on a real broken cluster (a master killed
 * while its only replica runs with cluster-replica-no-failover yes): plan prints the exact commands and
 * changes nothing (exit 0); apply without --yes and without a terminal refuses (exit 4); apply --yes
 * promotes the replica with progress printed (exit 0) and every key reads back; restart-node is advice
 * (exit 4); an unknown action is a usage error (exit 2); a refused plan exits 4.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupReplicaLayout, type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { waitFlagged, waitState } from '../../src/devcluster/scenario-waits.ts';
import { calls, runCli as cli, expectReadable, seed, waitCaughtUp } from './action-helpers.ts';

let c: DevCluster;
let keys: string[];
beforeAll(async () => {
  c = await startCluster({
    nodeTimeoutMs: 1000,
    label: 'act-cli',
    nodes: backupReplicaLayout(),
  });
  keys = await seed(c, c.node(0));
  await waitCaughtUp(c, c.node(3), c.node(0));
  await c.kill(c.node(0));
  await waitFlagged(c, c.node(0), 'fail');
  await waitState(c, 'fail');
}, 90_000);
afterAll(async () => {
  await c?.stop();
});

describe('plan and apply in the terminal', () => {
  it('plan prints the exact commands and changes nothing; apply refuses without --yes and a terminal', async () => {
    const [seedAddr, replica] = [c.node(1).address, c.node(3)];
    const plan = await cli(['plan', 'failover-force', seedAddr, '--node', replica.address]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain(`redis-cli -h ${replica.host} -p 7000 CLUSTER FAILOVER FORCE`);
    expect(plan.stdout).toMatch(/Risks/);
    const noTty = await cli([
      'apply',
      'failover-force',
      seedAddr,
      '--node',
      replica.address,
      '--reason',
      'test',
    ]);
    expect(noTty.code).toBe(4);
    expect(noTty.stderr).toContain('[ACTION_CONFIRMATION_REQUIRED]');
    expect(await calls(c, replica, 'cluster|failover')).toBe(0);
    const unknown = await cli(['plan', 'explode', seedAddr]);
    expect(unknown.code).toBe(2);
    const refused = await cli(['plan', 'failover', seedAddr, '--node', replica.address]);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toMatch(/Refused: failover .*\[ACTION_REFUSED\][\s\S]*failover-force/);
  }, 120_000);

  it('apply --yes promotes the replica with progress printed, exit 0, keys intact; restart-node is advice (exit 4)', async () => {
    const [seedAddr, replica] = [c.node(1).address, c.node(3)];
    const done = await cli([
      'apply',
      'failover-force',
      seedAddr,
      '--node',
      replica.address,
      '--yes',
      '--reason',
      'test',
    ]);
    expect(done.code, done.stdout + done.stderr).toBe(0);
    expect(done.stdout).toMatch(/\[1\/2\] CLUSTER FAILOVER FORCE on /);
    expect(done.stdout).toMatch(/Diagnosed again: cluster_state ok; the root cause is gone/);
    expect(done.stdout).toMatch(/\[OK\] Done: failover-force/);
    await expectReadable(c, replica, keys);
    const advice = await cli([
      'apply',
      'restart-node',
      seedAddr,
      '--node',
      c.node(0).address,
      '--yes',
      '--reason',
      't',
    ]);
    expect(advice.code).toBe(4);
    expect(advice.stderr).toContain('[ACTION_ADVICE_ONLY]');
  }, 120_000);
});
