/**
 * A master with a synced replica is killed and the cluster is probed back to back through failure
 * detection and the election: while the failover is expected, every diagnosis says to wait, FORCE comes
 * only as a later step conditioned on the replica not having taken over, and nothing skips the vote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClusterConfig } from '../../src/config/schema.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { writeKeys } from '../../src/devcluster/scenario-kit.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import type { Diagnosis, RootCause } from '../../src/diagnose/types.ts';
import { runLive } from '../../src/runbooks/run.ts';

async function diagnose(c: DevCluster): Promise<Diagnosis> {
  const cluster: ClusterConfig = {
    name: 'election',
    seeds: [c.live()[0]!.address],
    timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
  };
  return (await runLive(cluster, { probe: { allowHost: isLoopbackHost } })).diagnosis;
}

const NEVER = ['fix-coverage', 'failover-takeover'];
const OUTAGE = ['quorum-lost', 'master-failed-no-replica', 'failover-blocked', 'network-partition'];

/** The cause that speaks about a failover still to come for `master`, if any. */
function pending(d: Diagnosis, master: string): RootCause | undefined {
  return d.rootCauses.find(
    (r) => r.code === 'undetermined' && r.nodes[0] === master && /wait about/.test(r.summary),
  );
}

describe('3 masters + 3 replicas, node timeout 1500 ms: a master dies, its synced replica wins', () => {
  const box: { c?: DevCluster } = {};
  beforeAll(async () => {
    box.c = await startCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 1500, label: 'election' });
  }, 20_000);
  afterAll(async () => {
    await box.c?.stop();
  });

  it('says wait while the election is due; FORCE only later and conditional; never TAKEOVER', async () => {
    const c = box.c!;
    const [master, heir] = [c.node(0), c.node(3)];
    await writeKeys(c, master, 5);
    await c.waitFor(
      async () => (await c.info(heir))['slave_repl_offset'] === (await c.info(master))['master_repl_offset'],
      { what: 'replica caught up', timeoutMs: 5000 },
    );
    await c.kill(master);
    const seen: string[] = [];
    let waits = 0;
    const deadline = Date.now() + 15_000;
    for (;;) {
      const d = await diagnose(c);
      const codes = d.rootCauses.map((r) => r.code);
      const sig = codes.join('+');
      if (seen.at(-1) !== sig) seen.push(sig);
      for (const code of OUTAGE) expect(codes).not.toContain(code);
      const actions = d.rootCauses.flatMap((r) => r.actions);
      for (const a of actions) expect(NEVER).not.toContain(a.action);
      const p = pending(d, master.address);
      if (p) {
        waits++;
        expect(p.nodes).toContain(heir.address);
        expect(p.actions.map((a) => a.action)).toEqual(['restart-node', 'failover-force']);
        expect(p.actions[0]!.why).toMatch(/^After the election, not during it/);
        expect(p.actions[1]!.why).toMatch(/^Only if, after waiting about \d+ s and re-running/);
        expect(p.actions[1]!.why).toMatch(/cluster-replica-validity-factor/);
        expect(p.actions[1]!.why).toMatch(/nofailover/);
      } else {
        // Any FORCE offered outside the pending-election cause would be a bug here: nothing blocks the replica.
        expect(actions.map((a) => a.action)).not.toContain('failover-force');
      }
      const unconfirmed = d.rootCauses.find(
        (r) => r.code === 'undetermined' && /do not flag it yet/.test(r.summary),
      );
      if (unconfirmed) expect(unconfirmed.explanation).toMatch(/Wait for that rather than forcing anything/);
      if (codes.includes('failover-completed') && d.state === 'ok') break;
      expect(Date.now(), `phases seen: ${seen.join(' -> ')}`).toBeLessThan(deadline);
    }
    expect(waits, `phases seen: ${seen.join(' -> ')}`).toBeGreaterThan(0);
    expect(seen.at(-1)).toMatch(/^failover-completed/);
  }, 30_000);
});
