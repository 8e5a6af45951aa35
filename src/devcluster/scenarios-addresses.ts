/** Scenarios about node identity and addresses: moved pods, ghosts, wrong announce-ip, lost nodes.conf. */

import { everyPeerSees, flaggedByAll, logContains } from './conditions.ts';
import { DevClusterError } from './errors.ts';
import { canBind } from './net.ts';
import {
  buildAndBreak,
  facts,
  logLines,
  markDown,
  ownSlots,
  type ScenarioOptions,
  type ScenarioResult,
  writeKeys,
} from './scenario-kit.ts';
import { assertNotFlagged } from './scenario-waits.ts';
import { sleep } from './wait.ts';

/** Every node restarted on a new address with nodes.conf kept: each still dials the old addresses. */
export function staleAddresses(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3 }, so, async (c) => {
    const old = c.nodes.map((n) => n.address);
    await Promise.all(c.nodes.map((n) => c.kill(n)));
    for (const n of c.nodes) await c.restart(n, { host: await c.freshHost(n.port) });
    await c.waitFor(
      async () => {
        for (const n of c.live()) {
          const rows = await c.view(n);
          if (
            !rows
              .filter((r) => r.id !== n.id)
              .every((r) => r.flags.includes('fail?') || r.flags.includes('fail'))
          ) {
            return false;
          }
          if ((await c.clusterInfo(n))['cluster_state'] !== 'fail') return false;
        }
        return true;
      },
      { what: 'every node to see its peers unreachable at their old addresses', timeoutMs: 20_000 },
    );
    const f = facts('stale-addresses', 'fail');
    f.notes.push(`Old addresses: ${old.join(', ')}; new: ${c.nodes.map((n) => n.address).join(', ')}.`);
    f.notes.push(
      'Ids and slots survived (nodes.conf kept), but every node still has its peers at their old addresses, so ' +
        'nobody reaches anybody: each sees the others fail? and reports cluster_state:fail. CLUSTER MEET to the ' +
        'new addresses (same ids) heals it; no slot needs to move.',
    );
    return {
      name: 'stale-addresses',
      title: 'All nodes came back on new addresses (nodes.conf kept)',
      summary:
        'Like a Kubernetes rollout that reschedules every pod: each node is killed and restarted on a new ' +
        'loopback address with the same dir, so its nodes.conf (id, epochs, slots, peer addresses) is kept.',
      expected: f,
    };
  });
}

/** A killed empty master left in the table (fail forever) plus a MEET to an address where nothing listens. */
export function ghostNodes(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  const nodes = [
    { role: 'master' as const },
    { role: 'master' as const },
    { role: 'master' as const },
    { role: 'master' as const, slots: [] },
  ];
  return buildAndBreak({ nodes }, so, async (c) => {
    const empty = c.node(3);
    await c.kill(empty);
    await c.waitFor(() => flaggedByAll(c, empty, 'fail'), { what: `${empty.address} flagged fail` });
    const ghostHost = c.hostOf(201);
    if (!(await canBind(ghostHost, 7000)))
      throw new DevClusterError('DEVCLUSTER_STATE', `${ghostHost}:7000 is in use`);
    const seed = c.node(0);
    const meet = () => c.cli(seed, 'CLUSTER', 'MEET', ghostHost, 7000, 17000);
    c.record(
      `redis-cli -h ${seed.host} -p ${seed.port} CLUSTER MEET ${ghostHost} 7000 17000`,
      'nothing listens there',
    );
    await meet();
    await c.waitFor(async () => (await c.view(seed)).some((r) => r.flags.includes('handshake')), {
      what: 'a handshake entry',
    });
    const f = facts('ghost-nodes', 'ok');
    markDown(f, 'killed', 'fail', [empty]);
    f.notes.push(
      `${empty.address} owned no slots; it stays in every table flagged fail until CLUSTER FORGET on every node.`,
    );
    f.notes.push(
      `${seed.address} shows a handshake entry for ${ghostHost}:7000 (nothing listens). Redis drops it after ` +
        'the handshake timeout (node-timeout, min 1 s), so the recorder re-sends the MEET right before reading.',
    );
    return {
      name: 'ghost-nodes',
      title: 'Ghost entries: a dead empty master and a handshake to nowhere',
      summary:
        'A 4-master cluster where one master owns no slots. That empty master is SIGKILLed and never comes back; ' +
        'then someone runs CLUSTER MEET to an address where nothing listens.',
      expected: f,
      beforeRecord: async () => {
        await meet();
      },
    };
  });
}

/** A master restarted with cluster-announce-ip pointing where nothing listens. */
export function wrongAnnouncedAddress(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3, replicasPerMaster: 1 }, so, async (c) => {
    const victim = c.node(2);
    const replica = c.node(5);
    await writeKeys(c, victim, 5);
    const wrong = c.hostOf(200);
    if (!(await canBind(wrong, victim.port)))
      throw new DevClusterError('DEVCLUSTER_STATE', `${wrong}:${victim.port} is in use`);
    await c.restart(victim, { config: [['cluster-announce-ip', wrong]] });
    await c.waitFor(
      async () =>
        (await everyPeerSees(c, victim, victim.id, (r) => r?.host === wrong && r.link === 'disconnected')) &&
        (await c.info(replica))['master_link_status'] === 'down',
      { what: `peers to learn ${wrong} for ${victim.address} and its replica to lose its link` },
    );
    await c.waitFor(() => logContains(replica, `Connecting to MASTER ${wrong}:${victim.port}`), {
      what: 'replica to dial the announced address',
    });
    await assertNotFlagged(c, victim);
    // Until peers have gone 2 node timeouts (plus a second) without a pong and still not flagged it, the
    // victim looks exactly like a master that has just died: wait until the views prove it alive.
    await sleep(c.nodeTimeoutMs + 1500);
    const f = facts('wrong-announced-address', 'ok');
    f.notes.push(
      `${victim.address} announces ${wrong}:${victim.port} (cluster-announce-ip), where nothing listens. Peers ` +
        'adopt the announced address, show it disconnected (never fail: it still pings them), clients are ' +
        `redirected to ${wrong}, and its replica ${replica.address} re-targets replication there (link down).`,
    );
    f.logLines.push(...logLines(replica, wrong, 4));
    return {
      name: 'wrong-announced-address',
      title: 'Master announces an address where nothing listens',
      summary:
        'A master is restarted (nodes.conf kept) with cluster-announce-ip set to an unused loopback address, ' +
        'as after a bad config change. Its data port still works at its real address.',
      expected: f,
    };
  });
}

/** A master restarted with nodes.conf deleted: new id, knows nobody; the old entry turns noaddr. */
export function configLost(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3, replicasPerMaster: 1 }, so, async (c) => {
    const victim = c.node(0);
    const replica = c.node(3);
    await writeKeys(c, victim, 10);
    const oldId = victim.id;
    const slots = await ownSlots(c, victim);
    await c.restart(victim, { keepConfig: false });
    await c.waitFor(
      async () =>
        (await everyPeerSees(c, victim, oldId, (r) => r?.flags.includes('noaddr') === true)) &&
        (await c.info(replica))['master_link_status'] === 'up',
      { what: `peers to flag the old id of ${victim.address} noaddr`, timeoutMs: 20_000 },
    );
    const replicaKeys = Number(await c.cli(replica, 'DBSIZE'));
    const f = facts('config-lost', 'mixed');
    f.notes.push(
      `${victim.address} came back with a new id ${victim.id} (was ${oldId}), 0 slots, knowing only itself ` +
        '(its own cluster_state:fail). The others still list the old id as the owner of its slots, now ' +
        '"master,noaddr :0@0" and never fail (noaddr nodes are not pinged), so they report cluster_state:ok.',
    );
    f.notes.push(
      `Its replica ${replica.address} still follows the old id, reconnected to the same address and fully ` +
        `resynced from the new empty node: it now holds ${replicaKeys} keys (had 10).`,
    );
    f.slotsWithoutLiveOwner.push(...slots);
    return {
      name: 'config-lost',
      title: 'Master restarted without its nodes.conf',
      summary:
        'A master is killed and restarted on the same address with nodes.conf deleted (an emptyDir volume, a ' +
        'wiped disk). It becomes a brand-new empty node while the cluster still expects the old one there.',
      expected: f,
    };
  });
}
