/** Scenarios about slot layout and placement: unassigned slots, open slots, same-host replicas, auth, bus. */

import type { DevCluster } from './cluster.ts';
import { allState, everyPeerSees } from './conditions.ts';
import { DevClusterError } from './errors.ts';
import type { DevNode } from './node.ts';
import {
  buildAndBreak,
  facts,
  keySlot,
  keysInRanges,
  type OpenSlotFact,
  ownSlots,
  ref,
  type ScenarioOptions,
  type ScenarioResult,
  writeKeys,
} from './scenario-kit.ts';
import { assertNotFlagged } from './scenario-waits.ts';

/** 3 masters with 0-4999, 5461-10922 and 10923-15999 assigned: 5000-5460 and 16000-16383 belong to nobody. */
export function slotsUnassigned(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  const assignSlots = [
    [{ start: 0, end: 4999 }],
    [{ start: 5461, end: 10922 }],
    [{ start: 10923, end: 15999 }],
  ];
  return buildAndBreak({ masters: 3, assignSlots }, so, async (c) => {
    await c.waitFor(() => allState(c, 'fail'), { what: 'cluster_state:fail' });
    const f = facts('slots-unassigned', 'fail');
    f.unassignedSlots.push({ start: 5000, end: 5460 }, { start: 16000, end: 16383 });
    f.notes.push(
      'All nodes are healthy and agree; the slots were simply never assigned (e.g. a create/reshard cut short).',
    );
    return {
      name: 'slots-unassigned',
      title: 'Some slots never assigned',
      summary:
        'A 3-master cluster is built with CLUSTER ADDSLOTSRANGE leaving 5000-5460 and 16000-16383 unassigned. ' +
        'Nothing is down, yet cluster_state is fail (full coverage required).',
      expected: f,
    };
  });
}

async function countKeys(c: DevCluster, n: DevNode, slot: number): Promise<number> {
  return Number(await c.cli(n, 'CLUSTER', 'COUNTKEYSINSLOT', slot));
}

/** A slot left half-migrated: MIGRATING on the source, IMPORTING on the target, some keys moved. */
export function openSlot(so: ScenarioOptions = {}, variant: 'both' | 'importing-only' = 'both') {
  return buildAndBreak({ masters: 3 }, so, async (c): Promise<Omit<ScenarioResult, 'cluster'>> => {
    const [source, target] = [c.node(0), c.node(1)];
    const tagged = keysInRanges('open', await ownSlots(c, source), 1)[0] ?? 'open:{t0}';
    const hashTag = tagged.slice(tagged.indexOf('{') + 1, tagged.indexOf('}'));
    const slot = keySlot(tagged);
    const keys = Array.from({ length: 10 }, (_, i) => `item:{${hashTag}}:${i}`);
    c.record(
      `for k in ${keys.map((k) => `'${k}'`).join(' ')}; do redis-cli -h ${source.host} -p ${source.port} SET "$k" "value-of-$k"; done`,
      `10 keys in slot ${slot}`,
    );
    for (const k of keys) await c.cli(source, 'SET', k, `value-of-${k}`);
    await c.act(target, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', source.id);
    let moved = 0;
    if (variant === 'both') {
      await c.act(source, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', target.id);
      const auth = c.auth.password ? ['AUTH', c.auth.password] : [];
      const batch = keys.slice(0, 4);
      c.record(
        `redis-cli -h ${source.host} -p ${source.port} MIGRATE ${target.host} ${target.port} '' 0 5000 KEYS ${batch.join(' ')}`,
      );
      await c.cli(source, 'MIGRATE', target.host, target.port, '', 0, 5000, ...auth, 'KEYS', ...batch);
      moved = batch.length;
    }
    const fact: OpenSlotFact = {
      slot,
      source: ref(source),
      target: ref(target),
      migratingSet: variant === 'both',
      importingSet: true,
      keysOnSource: await countKeys(c, source, slot),
      keysOnTarget: await countKeys(c, target, slot),
    };
    if (fact.keysOnTarget !== moved || fact.keysOnSource !== keys.length - moved) {
      throw new DevClusterError(
        'DEVCLUSTER_STATE',
        `unexpected key counts after MIGRATE: ${fact.keysOnSource}/${fact.keysOnTarget}`,
      );
    }
    const f = facts('open-slot', 'ok');
    f.openSlots.push(fact);
    f.notes.push(
      variant === 'both'
        ? 'Reshard interrupted after moving 4 of 10 keys: the source still owns the slot; finish or roll back on the target first.'
        : 'Reshard interrupted right after SETSLOT IMPORTING on the target: no key moved, the source is not migrating.',
    );
    return {
      name: variant === 'both' ? 'open-slot' : 'open-slot-importing-only',
      title:
        variant === 'both'
          ? `Slot ${slot} left open mid-migration (MIGRATING + IMPORTING, 4/10 keys moved)`
          : `Slot ${slot} left IMPORTING on the target only`,
      summary:
        variant === 'both'
          ? 'A reshard of one slot was interrupted: the target has it IMPORTING, the source MIGRATING, and 4 of ' +
            'its 10 keys were MIGRATEd. cluster_state stays ok; clients get ASK redirects; check warns.'
          : 'A reshard was interrupted after its first step: the target has the slot IMPORTING, the source is ' +
            'untouched and still holds all keys.',
      expected: f,
    };
  });
}

/** Replicas on the same address as their masters (different ports): healthy but one host loss = data loss. */
export function sameHostReplicas(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3, replicasPerMaster: 1, replicasOnMasterHost: true }, so, async (c) => {
    for (const m of c.masters()) await writeKeys(c, m, 3);
    const f = facts('replica-same-host', 'ok');
    for (const r of c.replicas()) f.notes.push(`${r.address} replicates a master on the same host ${r.host}`);
    return {
      name: 'same-host-replicas',
      title: 'Every replica on its master host',
      summary:
        'Each replica listens on its master address (port 7001 next to 7000). The cluster is ok, but losing ' +
        'one host loses a master and its only replica together.',
      expected: f,
    };
  });
}

/** requirepass + an ACL user on every node; probes must authenticate. */
export function aclProtected(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  const opts = { masters: 3, replicasPerMaster: 1, password: 'devcluster-pass', aclUser: 'runbook' };
  return buildAndBreak(opts, so, async (c) => {
    for (const m of c.masters()) await writeKeys(c, m, 3);
    const f = facts('none', 'ok');
    f.notes.push(
      'Every node has requirepass and an ACL user "runbook" (password redacted; replication uses masteruser). ' +
        'Unauthenticated probes get NOAUTH; the recorder authenticated as "runbook".',
    );
    return {
      name: 'acl-protected',
      title: 'Password + ACL user on every node',
      summary: 'A healthy 3+3 cluster where every node requires AUTH (requirepass and an ACL user).',
      expected: f,
    };
  });
}

/** A node whose bus port cannot be reached (peers see it disconnected) while its data port serves. */
export function busPortBlocked(so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return buildAndBreak({ masters: 3, replicasPerMaster: 1 }, so, async (c) => {
    const victim = c.node(2);
    const announced = victim.cport;
    await c.restart(victim, {
      cport: victim.port + 10500,
      config: [['cluster-announce-bus-port', String(announced)]],
    });
    await c.waitFor(() => everyPeerSees(c, victim, victim.id, (row) => row?.link === 'disconnected'), {
      what: `every peer to show ${victim.address} disconnected`,
    });
    await assertNotFlagged(c, victim);
    const f = facts('bus-port-unreachable', 'ok');
    f.notes.push(
      `${victim.address} listens for the bus on ${victim.cport} but announces ${announced}, where nothing listens ` +
        '(same effect as a firewall rejecting inbound bus traffic). Peers cannot open links to it, so they show it ' +
        'disconnected with a ping_sent that never clears; it still pings them over its own outbound links, so it ' +
        'is never flagged fail? and cluster_state stays ok. redis-cli --cluster check reports nothing wrong.',
    );
    return {
      name: 'bus-port-blocked',
      title: 'Cluster bus port of one master unreachable',
      summary:
        'A master is restarted with its bus listening on another port while announcing the old one, so peers ' +
        'cannot connect to its bus (its data port and outbound bus links still work).',
      expected: f,
    };
  });
}
