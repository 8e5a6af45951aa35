/** Scenarios where nodes die or hang: kills, SIGSTOPs, lost majorities, failovers done and refused. */

import type { DevCluster } from './cluster.ts';
import { logContains, replicaAttached } from './conditions.ts';
import { DevClusterError } from './errors.ts';
import type { DevNode } from './node.ts';
import {
  buildAndBreak,
  type ExpectedFacts,
  facts,
  logLines,
  markDown,
  ownSlots,
  ref,
  type ScenarioOptions,
  type ScenarioResult,
  writeKeys,
} from './scenario-kit.ts';
import { waitFlagged, waitPromoted, waitState } from './scenario-waits.ts';

/** Verified on Redis 7.0.15: a SIGSTOPped node hangs redis-cli --cluster check even when flagged fail. */
const FROZEN_NOTE =
  'The frozen process still accepts TCP connections but never answers: probes must time out, and ' +
  '`redis-cli --cluster check` hangs with no output while it is in the node table, even flagged fail.';

async function waitSynced(c: DevCluster, replica: DevNode, master: DevNode): Promise<void> {
  await c.waitFor(
    async () => {
      const m = await c.info(master);
      const r = await c.info(replica);
      return r['master_link_status'] === 'up' && r['slave_repl_offset'] === m['master_repl_offset'];
    },
    { what: `${replica.address} to catch up with ${master.address}`, timeoutMs: 10_000 },
  );
}

/** 3 masters + 3 replicas, a few keys per master, everything ok. */
export function healthy(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3, replicasPerMaster: 1 }, so, async (c) => {
    for (const m of c.masters()) await writeKeys(c, m, 5);
    for (const [i, r] of c.replicas().entries()) await waitSynced(c, r, c.node(i));
    return {
      name: 'healthy',
      title: 'Healthy cluster: 3 masters, 3 replicas',
      summary: 'Baseline. Every slot is served, every master has one synced replica on its own address.',
      expected: facts('none', 'ok'),
    };
  });
}

/**
 * Writes 5 keys to `victim` (a master nobody replicates), kills it, waits until it is flagged fail and the
 * cluster reports `state`; returns the facts of a dead master whose slots have no live owner.
 */
async function killLoneMaster(c: DevCluster, victim: DevNode, state: 'ok' | 'fail'): Promise<ExpectedFacts> {
  await writeKeys(c, victim, 5);
  const slots = await ownSlots(c, victim);
  await c.kill(victim);
  await waitFlagged(c, victim, 'fail');
  await waitState(c, state);
  const f = facts('master-down-no-replica', state);
  markDown(f, 'killed', 'fail', [victim], slots);
  return f;
}

/** Kills a master that has no replica: its slots have no live owner and the cluster goes down. */
export function masterKilledNoReplica(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  const nodes = [
    { role: 'master' as const },
    { role: 'master' as const },
    { role: 'master' as const },
    { role: 'replica' as const, of: 1 },
    { role: 'replica' as const, of: 2 },
  ];
  return buildAndBreak({ nodes }, so, async (c) => {
    const f = await killLoneMaster(c, c.node(0), 'fail');
    f.notes.push('The other masters have replicas; the dead one has none, so nobody can take its slots.');
    return {
      name: 'master-killed-no-replica',
      title: 'Master without a replica killed',
      summary:
        'A master with no replica is SIGKILLed. The others flag it fail; its slots have no live owner and, ' +
        'with cluster-require-full-coverage yes (default), every node reports cluster_state:fail.',
      expected: f,
    };
  });
}

async function failoverScenario(so: ScenarioOptions, how: 'kill' | 'freeze'): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3, replicasPerMaster: 1 }, so, async (c) => {
    const victim = c.node(0);
    const replica = c.node(3);
    await writeKeys(c, victim, 20);
    await waitSynced(c, replica, victim);
    const slots = await ownSlots(c, victim);
    if (how === 'kill') await c.kill(victim);
    else await c.freeze(victim);
    await waitFlagged(c, victim, 'fail');
    await waitPromoted(c, replica);
    await waitState(c, 'ok');
    const f = facts(how === 'kill' ? 'failover-completed' : 'failover-completed-frozen-master', 'ok');
    markDown(f, how === 'kill' ? 'killed' : 'frozen', 'fail', [victim]);
    f.promoted = { replica: ref(replica), formerMaster: ref(victim), slots };
    const won = replica
      .readLog()
      .split('\n')
      .find((l) => l.includes('Failover election won'));
    if (won) f.logLines.push({ node: ref(replica), line: won });
    f.notes.push('Cluster is ok again but the promoted master has no replica now.');
    if (how === 'freeze') f.notes.push(FROZEN_NOTE);
    return {
      name: how === 'kill' ? 'failover-completed' : 'frozen-master-synced',
      title:
        how === 'kill'
          ? 'Master killed, replica promoted'
          : 'Master frozen (SIGSTOP) after its replica synced',
      summary:
        how === 'kill'
          ? 'A master with a synced replica is SIGKILLed; the replica wins the election and serves its slots.'
          : 'A master is SIGSTOPped after its replica caught up. It hangs (TCP accepts, nothing answers); the ' +
            'others flag it fail and the replica takes over.',
      expected: f,
    };
  });
}

/** Kills a master whose replica is synced; waits until the replica is promoted and the cluster is ok. */
export function failoverCompleted(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return failoverScenario(so, 'kill');
}

/** SIGSTOPs a master whose replica is synced; waits until the replica is promoted. */
export function frozenMasterSynced(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return failoverScenario(so, 'freeze');
}

/** Freezes a master whose only replica never synced (wrong masterauth): Redis refuses the failover. */
export function frozenMasterUnsynced(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  const opts = {
    masters: 3,
    password: 'devcluster-pass',
    waitForSync: false,
    nodes: [
      { role: 'master' as const },
      { role: 'master' as const },
      { role: 'master' as const },
      { role: 'replica' as const, of: 0, config: [['masterauth', 'not-the-password'] as const] },
      { role: 'replica' as const, of: 1 },
      { role: 'replica' as const, of: 2 },
    ],
  };
  return buildAndBreak(opts, so, async (c) => {
    const victim = c.node(0);
    const replica = c.node(3);
    for (const i of [1, 2])
      await c.waitFor(() => replicaAttached(c, c.node(i + 3), c.node(i), true), { what: 'sync' });
    const info = await c.info(replica);
    if (info['master_link_status'] !== 'down')
      throw new DevClusterError('DEVCLUSTER_STATE', 'replica unexpectedly synced');
    await writeKeys(c, victim, 10);
    const slots = await ownSlots(c, victim);
    await c.freeze(victim);
    await waitFlagged(c, victim, 'fail');
    const refused = 'Currently unable to failover';
    await c.waitFor(() => logContains(replica, refused), {
      what: `${replica.address} to log "${refused}"`,
      timeoutMs: 3 * c.nodeTimeoutMs + 15_000,
    });
    await waitState(c, 'fail');
    const f = facts('failover-refused-replica-never-synced', 'fail');
    markDown(f, 'frozen', 'fail', [victim], slots);
    f.notes.push(FROZEN_NOTE);
    f.logLines.push(
      ...logLines(replica, /unable to failover|WRONGPASS|AUTH|Unable to AUTH|invalid username-password/i, 8),
    );
    f.notes.push(
      `Replica ${replica.address} had master_link_status:down and slave_repl_offset ${info['slave_repl_offset'] ?? '?'} ` +
        'before the freeze (its masterauth is wrong); its data age exceeds the validity limit so it never runs an election.',
    );
    return {
      name: 'frozen-master-unsynced',
      title: 'Master frozen before its replica ever synced: failover refused',
      summary:
        'All nodes require a password; the replica of one master has a wrong masterauth, so it never completes ' +
        'a sync (link down, offset 0). That master is SIGSTOPped. The others flag it fail, but the replica ' +
        'refuses to fail over (data age / cluster-replica-validity-factor) and the cluster stays down.',
      expected: f,
    };
  });
}

/** Kills two of three masters: survivors only see `fail?` (no majority to agree on fail) and stop serving. */
export function majorityMastersDown(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3, replicasPerMaster: 1 }, so, async (c) => {
    const victims = [c.node(0), c.node(1)];
    const slots = [...(await ownSlots(c, c.node(0))), ...(await ownSlots(c, c.node(1)))];
    await Promise.all(victims.map((v) => c.kill(v)));
    for (const v of victims) await waitFlagged(c, v, 'fail?');
    await waitState(c, 'fail');
    const f = facts('quorum-lost', 'fail');
    markDown(f, 'killed', 'fail?', victims, slots);
    f.notes.push(
      'Only one slot-owning master is left, so failure reports never reach a majority: the dead masters stay ' +
        '`fail?`, their replicas never start an election, and the survivor reports cluster_state:fail (minority).',
    );
    return {
      name: 'majority-masters-down',
      title: 'Two of three masters killed (majority lost)',
      summary: 'Two of three masters are SIGKILLed at once. Their replicas are alive but cannot be elected.',
      expected: f,
    };
  });
}

/** cluster-require-full-coverage no and a dead master without replica: state ok, but its slots are down. */
export function noFullCoverageDeadMaster(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3, config: [['cluster-require-full-coverage', 'no']] }, so, async (c) => {
    const f = await killLoneMaster(c, c.node(0), 'ok');
    f.notes.push(
      'cluster_state stays ok (coverage not required): the other slots are served, these are not.',
    );
    return {
      name: 'no-full-coverage-dead-master',
      title: 'Dead master without replica, cluster-require-full-coverage no',
      summary:
        'All nodes run with cluster-require-full-coverage no. A master without a replica is SIGKILLed: the ' +
        'cluster keeps saying ok, but a third of the keyspace is unavailable.',
      expected: f,
    };
  });
}

/** All slots on one master (+ an empty master, + its replica); killing it leaves no one able to vote. */
export function noVoters(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  const nodes = [
    { role: 'master' as const, slots: [{ start: 0, end: 16383 }] },
    { role: 'master' as const, slots: [] },
    { role: 'replica' as const, of: 0 },
  ];
  return buildAndBreak({ nodes }, so, async (c) => {
    const victim = c.node(0);
    const replica = c.node(2);
    await writeKeys(c, victim, 10);
    await waitSynced(c, replica, victim);
    await c.kill(victim);
    await waitFlagged(c, victim, 'fail');
    const election = 'Starting a failover election';
    await c.waitFor(() => logContains(replica, election), {
      what: `${replica.address} to start an election`,
    });
    const expired = /Failover attempt expired|Waiting for votes|unable to failover/;
    await c.waitFor(() => expired.test(replica.readLog()), {
      what: `${replica.address} to log that its election failed`,
      timeoutMs: 4 * c.nodeTimeoutMs + 15_000,
    });
    await waitState(c, 'fail');
    const f = facts('no-eligible-voters', 'fail');
    markDown(f, 'killed', 'fail', [victim], [{ start: 0, end: 16383 }]);
    f.logLines.push(...logLines(replica, /election|failover|votes/i, 8));
    f.notes.push(
      'Only masters that own slots vote. The dead master owned all of them, so the replica asks and nobody ' +
        'answers; it retries forever. The empty master alone is enough to flag it fail.',
    );
    return {
      name: 'no-voters',
      title: 'Only slot owner dead: replica waits for votes forever',
      summary:
        'One master owns all 16384 slots, a second master owns none, and the first has a synced replica. The ' +
        'slot owner is SIGKILLed: its replica starts elections but no master with slots is left to vote.',
      expected: f,
    };
  });
}
