/**
 * Extra break scenarios for machine and zone loss (owner: cloud root causes). Built with the harness
 * scenario kit; kept out of the main catalogue so its recorded fixtures stay as they are.
 */
import type { ConfigLine } from './node.ts';
import {
  buildAndBreak,
  facts,
  markDown,
  ownSlots,
  ref,
  type ScenarioOptions,
  type ScenarioResult,
  writeKeys,
} from './scenario-kit.ts';
import { waitFlagged, waitPromoted, waitState } from './scenario-waits.ts';

/** 3 masters, each replica on its master's address; that address (master 0 + its replica) dies at once. */
export function hostDown(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3, replicasPerMaster: 1, replicasOnMasterHost: true }, so, async (c) => {
    const master = c.node(0);
    const replica = c.node(3);
    await writeKeys(c, master, 5);
    const slots = await ownSlots(c, master);
    await Promise.all([c.kill(master), c.kill(replica)]);
    await waitFlagged(c, master, 'fail');
    await waitState(c, 'fail');
    const f = facts('host-failure', 'fail');
    markDown(f, 'killed', 'fail', [master], slots);
    f.killed.push(ref(replica));
    f.notes.push(
      `${master.host} ran master ${master.address} and its only replica ${replica.address}; both died together.`,
    );
    return {
      name: 'host-down',
      title: 'A host running a master and its replica dies',
      summary:
        'Every replica shares its master address (another port). Both processes on one address are SIGKILLed ' +
        'at once, like a machine going down: the shard has no copy left and the cluster fails.',
      expected: f,
    };
  });
}

const ZONES = ['use1-az1', 'use1-az2', 'use1-az4'];

function zoned(i: number, zone: number): ConfigLine[] {
  return [['cluster-announce-hostname', `redis-${i}.${ZONES[zone]}.cache.internal`]];
}

/**
 * 3 masters + 3 replicas on their own addresses, hostnames naming three zones, each replica in another zone
 * than its master. Zone 1 (master 0 and the replica of master 2) dies; master 0's replica takes over.
 */
export function zoneDown(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  const nodes = [
    { role: 'master' as const, config: zoned(0, 0) },
    { role: 'master' as const, config: zoned(1, 1) },
    { role: 'master' as const, config: zoned(2, 2) },
    { role: 'replica' as const, of: 0, config: zoned(3, 1) },
    { role: 'replica' as const, of: 1, config: zoned(4, 2) },
    { role: 'replica' as const, of: 2, config: zoned(5, 0) },
  ];
  return buildAndBreak({ nodes }, so, async (c) => {
    const [m0, r2, r0] = [c.node(0), c.node(5), c.node(3)];
    await Promise.all([c.kill(m0), c.kill(r2)]);
    await waitFlagged(c, m0, 'fail');
    await waitPromoted(c, r0);
    const f = facts('host-failure', 'ok');
    f.killed.push(ref(m0), ref(r2));
    f.notes.push(
      `Zone ${ZONES[0]} lost ${m0.address} (master) and ${r2.address} (replica of ${c.node(2).address}).`,
    );
    return {
      name: 'zone-down',
      title: 'An availability zone (by hostname) goes down',
      summary:
        'Hostnames name zones; both nodes of one zone die. The master there is replaced by its replica elsewhere.',
      expected: f,
    };
  });
}
