/**
 * What a cluster model says right now about the slot or node an error names: the slot's owner, its
 * state and migration; whether a MOVED or ASK target is that owner; whether anyone announces the
 * address at all; and, for CLUSTERDOWN, which nodes report fail and which slots lack a working owner.
 * Pure; every sentence states only what the model shows.
 */
import type { ClusterModel, ModelNode } from '../../cluster/model-types.ts';
import { ownerTrouble, type SlotOwner, slotFacts } from '../../cluster/slot-owner.ts';
import { formatRanges } from '../../cluster/slots.ts';
import { deriveFacts } from '../facts.ts';
import { listLabels, plural, shortRanges } from '../finding.ts';
import type { RecognisedError } from './types.ts';

/** A registered cluster read live, to look the error's slot or node up in. */
export interface LiveLookup {
  cluster: string;
  model: ClusterModel;
}

/** The node announcing `address` ("ip:port" or "hostname:port"), if any. */
export function nodeAt(model: ClusterModel, address: string): ModelNode | undefined {
  return model.nodes.find(
    (n) =>
      n.label === address ||
      (n.hostname !== null && `${n.hostname}:${n.port}` === address) ||
      n.addressesSeen.includes(address),
  );
}

function ownerText(o: SlotOwner): string {
  const trouble = ownerTrouble(o);
  return `${o.address} (${o.role}, ${trouble || 'healthy'})`;
}

function slotLines(e: RecognisedError, lookup: LiveLookup, slot: number): string[] {
  const { cluster, model } = lookup;
  const f = slotFacts(model, slot);
  if (!f.owner) {
    return [
      f.fullView
        ? `Slot ${slot} has no owner in ${cluster} right now: commands on its keys fail with "CLUSTERDOWN Hash slot not served".`
        : `No node of ${cluster} gave its CLUSTER NODES view, so the owner of slot ${slot} is unknown.`,
    ];
  }
  const o = f.owner;
  const out = [`Slot ${slot} is owned now by ${ownerText(o)} in ${cluster}.`];
  if (o.migratingTo)
    out.push(
      `${o.address} is migrating slot ${slot} to ${o.migratingTo}: ASK redirects are expected until that ends.`,
    );
  if (o.importingBy) out.push(`${o.importingBy} is importing slot ${slot} from ${o.address}.`);
  if (f.disputed) out.push(`Nodes disagree about who owns slot ${slot}: their views differ.`);
  const target = e.node;
  if (!target || target.startsWith('?:')) return out;
  if (e.code === 'MOVED' || e.code === 'SLOT_NODE_UNREACHABLE') {
    const targetNode = nodeAt(model, target);
    if (!targetNode) out.push(...nodeLines(lookup, target));
    if (targetNode && targetNode.id === o.id) {
      out.push(
        e.code === 'MOVED'
          ? `${target} is indeed the owner: the redirect is right. A client that keeps getting it is not updating its slot map, or cannot reach ${target} from where it runs.`
          : `${target} is indeed the owner: check the path from the application host to it.`,
      );
    } else {
      out.push(
        `${target} is not the owner now (${o.address} is): the slot has moved since (a failover or reshard), or the client holds an address that belongs to another node.`,
      );
    }
  }
  if (e.code === 'ASK' && o.migratingTo !== target) {
    out.push(
      o.migratingTo
        ? `The migration now goes to ${o.migratingTo}, not ${target}.`
        : `No node shows slot ${slot} open now: the migration has ended, so that ASK was transient.`,
    );
  }
  return out;
}

function nodeLines(lookup: LiveLookup, address: string): string[] {
  if (address.startsWith('?:')) return [];
  const n = nodeAt(lookup.model, address);
  if (!n) {
    return [
      `No node of ${lookup.cluster} announces ${address}: an old address of a replaced node, or one rewritten by NAT or a container network.`,
    ];
  }
  const trouble = n.health !== 'ok' || n.probeError;
  const state = [n.health !== 'ok' ? n.health : '', n.probeError ? `probe: ${n.probeError.kind}` : '']
    .filter(Boolean)
    .join(', ');
  return [
    `${address} is ${n.role} ${n.id.slice(0, 8)} of ${lookup.cluster}, ${trouble ? state : 'healthy'}.`,
  ];
}

function clusterDownLines(lookup: LiveLookup): string[] {
  const { cluster, model } = lookup;
  const states = model.views.filter((v) => v.clusterState);
  const failing = states.filter((v) => v.clusterState === 'fail').map((v) => v.observer);
  const facts = deriveFacts(model);
  const out: string[] = [];
  if (states.length > 0) {
    out.push(
      failing.length > 0
        ? `${plural(failing.length, 'node')} of ${states.length} that answered report cluster_state:fail in ${cluster} (${listLabels(failing)}).`
        : `All ${plural(states.length, 'node')} of ${cluster} that answered report cluster_state:ok.`,
    );
  }
  if (facts.unassigned.length > 0) out.push(`Slots with no owner: ${formatRanges(facts.unassigned)}.`);
  for (const n of facts.downOwners.slice(0, 5))
    out.push(`${n.label} owns slots ${shortRanges(n.slots)} and is ${n.health}.`);
  if (facts.downOwners.length > 5) out.push(`… and ${facts.downOwners.length - 5} more owners down.`);
  if (facts.quorum.lost)
    out.push(
      `Only ${facts.quorum.reachable.length} of ${facts.quorum.size} slot-owning masters are up: no failover can be elected.`,
    );
  if (
    failing.length === 0 &&
    facts.unassigned.length === 0 &&
    facts.downOwners.length === 0 &&
    states.length > 0
  )
    out.push(
      'Every slot has a working owner right now: the outage is over, or the error came from nodes the bot cannot see.',
    );
  return out;
}

/** Facts about `e`'s slot, node or (CLUSTERDOWN) the cluster's state; empty when it names none. */
export function liveFacts(e: RecognisedError, lookup: LiveLookup): string[] {
  if (e.slot !== undefined) return slotLines(e, lookup, e.slot);
  if (e.node) return nodeLines(lookup, e.node);
  if (e.code === 'CLUSTERDOWN') return clusterDownLines(lookup);
  return [];
}
