/**
 * What a restarted node comes back with, said only as far as the evidence goes. A node keeps its keys
 * across a restart only if it persisted them (RDB save points or an AOF); one running with save "" and
 * appendonly no comes back EMPTY, and if it still owns slots it serves them with no keys. Its own
 * settings (read by the live probe's CONFIG GET) decide; when they were not read (a paste, a node that
 * does not answer) the answer is conditional, and names what the nodes that did answer run. Pure.
 */
import type { ClusterModel, ModelNode } from '../cluster/model-types.ts';
import type { NodeConfig } from '../cluster/types.ts';
import { plural, shortRanges } from './finding.ts';

export type PersistenceState = 'on' | 'off' | 'unknown';

/** What is known of a node's persistence, and of the nodes whose settings were read. */
export interface NodePersistence {
  /** The node's own settings: 'unknown' unless the probe read both appendonly and save from it. */
  own: PersistenceState;
  /** How it persists when `own` is 'on' ("appendonly yes", "save 3600 1"). */
  how: string;
  /** The other nodes whose settings were read: all without persistence, all with, mixed, or none read. */
  peers: 'on' | 'off' | 'mixed' | 'none';
  /** How many other nodes' settings were read. */
  peersRead: number;
}

function stateOf(cfg: NodeConfig | undefined): { state: PersistenceState; how: string } {
  if (!cfg || cfg.appendonly === undefined || cfg.save === undefined) return { state: 'unknown', how: '' };
  const how = [cfg.appendonly ? 'appendonly yes' : '', cfg.save.trim() ? `save "${cfg.save.trim()}"` : '']
    .filter(Boolean)
    .join(', ');
  return how ? { state: 'on', how } : { state: 'off', how: '' };
}

/** Settings a node gave about itself: only when it answered (a failed probe keeps no settings). */
function ownConfig(n: ModelNode): NodeConfig | undefined {
  return n.probeError ? undefined : n.observation?.config;
}

/** How many nodes of a model were read persisting and not persisting; counted once per model. */
const counted = new WeakMap<ClusterModel, { on: number; off: number }>();

function counts(model: ClusterModel): { on: number; off: number } {
  const hit = counted.get(model);
  if (hit) return hit;
  const out = { on: 0, off: 0 };
  for (const o of model.nodes) {
    const s = stateOf(ownConfig(o)).state;
    if (s !== 'unknown') out[s]++;
  }
  counted.set(model, out);
  return out;
}

/** The node's persistence as far as the probe read it, and that of the other nodes it read. */
export function persistenceOf(model: ClusterModel, n: ModelNode): NodePersistence {
  const own = stateOf(ownConfig(n));
  const all = counts(model);
  const on = all.on - (own.state === 'on' ? 1 : 0);
  const off = all.off - (own.state === 'off' ? 1 : 0);
  const peers = on + off === 0 ? 'none' : on === 0 ? 'off' : off === 0 ? 'on' : 'mixed';
  return { own: own.state, how: own.how, peers, peersRead: on + off };
}

const OFF = 'save "", appendonly no';

/**
 * One sentence on what `n`, restarted with its data directory, serves again: its slots with the keys it
 * persisted (persistence on), EMPTY slots (persistence off), or either, depending on what it persisted
 * (unknown). For a node owning no slots it says nothing about keys: it resyncs or holds none.
 */
export function restartOutcome(model: ClusterModel, n: ModelNode): string {
  if (n.slotCount === 0)
    return 'it owns no slots, so no key depends on it: a replica resyncs from its master on return.';
  const slots = `slots ${shortRanges(n.slots)}`;
  const p = persistenceOf(model, n);
  if (p.own === 'on')
    return `it rejoins with ${slots} and the keys it persisted (${p.how}); writes not yet on disk are lost (up to about a second with AOF's default fsync, everything since the last save with RDB alone).`;
  const empty = `comes back EMPTY and serves ${p.own === 'unknown' ? 'them' : slots} with no keys`;
  if (p.own === 'off')
    return `it runs without persistence (${OFF}, read by the probe), so a restart ${empty} (every key in them is lost), and a replica that syncs from it copies the empty data set. Promote a replica first if one holds the data (failover); with none, a restart returns these slots empty.`;
  const peers =
    p.peers === 'off'
      ? ` Its own settings could not be read, and all ${plural(p.peersRead, 'other node')} whose settings were read run without persistence (${OFF}): if it runs like them, it comes back EMPTY; promote a replica first if one holds the data.`
      : ' Check appendonly and save in its redis.conf first.';
  return `it rejoins with ${slots} and its keys only if it persisted them (RDB or AOF); otherwise it ${empty}.${peers}`;
}
