/** Shared shapes and helpers for break scenarios: node references, expected facts, key writing. */
import { keySlot } from '../cluster/keyslot.ts';
import type { SlotRange } from '../cluster/types.ts';
import type { DevCluster } from './cluster.ts';
import { myselfRow } from './inspect.ts';
import type { DevNode } from './node.ts';
import { startCluster } from './start.ts';
import type { ClusterOptions } from './types.ts';

/** A node as scenario facts name it. */
export interface NodeRef {
  index: number;
  id: string;
  address: string;
  /** Role the node was built with. */
  role: 'master' | 'replica';
}

/** A slot left open by a half-done migration. */
export interface OpenSlotFact {
  slot: number;
  source: NodeRef;
  target: NodeRef;
  migratingSet: boolean;
  importingSet: boolean;
  keysOnSource: number;
  keysOnTarget: number;
}

/** What the scenario guarantees about the cluster once its builder resolves. */
export interface ExpectedFacts {
  /** Short id of the root cause a correct diagnosis names (H3's rules map it to their codes). */
  rootCause: string;
  /** cluster_state reported by every live node ('mixed': they disagree, see notes). */
  clusterState: 'ok' | 'fail' | 'mixed';
  killed: NodeRef[];
  frozen: NodeRef[];
  /** Nodes every other live node flags `fail`. */
  flaggedFail: NodeRef[];
  /** Nodes flagged `fail?` (PFAIL) but never `fail` (no majority to agree). */
  flaggedPfail: NodeRef[];
  promoted?: { replica: NodeRef; formerMaster: NodeRef; slots: SlotRange[] };
  /** Slots whose owner is dead/frozen and was not replaced. */
  slotsWithoutLiveOwner: SlotRange[];
  /** Slots no node owns. */
  unassignedSlots: SlotRange[];
  openSlots: OpenSlotFact[];
  /** Log lines Redis wrote that prove the state (e.g. why a failover was refused). */
  logLines: { node: NodeRef; line: string }[];
  notes: string[];
}

/** A built-and-broken cluster plus what was done and what is now true. */
export interface ScenarioResult {
  name: string;
  title: string;
  /** One paragraph: what production situation this reproduces and how. */
  summary: string;
  cluster: DevCluster;
  expected: ExpectedFacts;
  /** Called by the recorder right before reading nodes (e.g. to re-create a transient handshake entry). */
  beforeRecord?: () => Promise<void>;
}

/** Knobs every scenario accepts. */
export interface ScenarioOptions {
  /** cluster-node-timeout (default 1500 ms). */
  nodeTimeoutMs?: number;
}

/** Reference to a node as it is now. */
export function ref(node: DevNode): NodeRef {
  return { index: node.index, id: node.id, address: node.address, role: node.builtRole };
}

/** Empty facts to fill in. */
export function facts(rootCause: string, clusterState: ExpectedFacts['clusterState']): ExpectedFacts {
  return {
    rootCause,
    clusterState,
    killed: [],
    frozen: [],
    flaggedFail: [],
    flaggedPfail: [],
    slotsWithoutLiveOwner: [],
    unassignedSlots: [],
    openSlots: [],
    logLines: [],
    notes: [],
  };
}

/**
 * Records `nodes` as stopped (`killed` or `frozen`) and flagged by their peers (`fail`, or only `fail?`),
 * with the slots they leave without a live owner.
 */
export function markDown(
  f: ExpectedFacts,
  stopped: 'killed' | 'frozen',
  flag: 'fail' | 'fail?',
  nodes: readonly DevNode[],
  slots: readonly SlotRange[] = [],
): void {
  f[stopped].push(...nodes.map(ref));
  (flag === 'fail' ? f.flaggedFail : f.flaggedPfail).push(...nodes.map(ref));
  f.slotsWithoutLiveOwner.push(...slots);
}

/** The last `max` lines of `node`'s log that contain `match` (a string) or match it (a RegExp). */
export function logLines(node: DevNode, match: string | RegExp, max: number): ExpectedFacts['logLines'] {
  const hit = typeof match === 'string' ? (l: string) => l.includes(match) : (l: string) => match.test(l);
  return node
    .readLog()
    .split('\n')
    .filter(hit)
    .slice(-max)
    .map((line) => ({ node: ref(node), line }));
}

/** Starts a cluster and runs `breakIt` on it; stops the cluster if anything throws. */
export async function buildAndBreak(
  opts: ClusterOptions,
  so: ScenarioOptions,
  breakIt: (c: DevCluster) => Promise<Omit<ScenarioResult, 'cluster'>>,
): Promise<ScenarioResult> {
  const c = await startCluster({ nodeTimeoutMs: so.nodeTimeoutMs ?? 1500, label: 'scenario', ...opts });
  try {
    c.phase = 'break';
    const result = await breakIt(c);
    return { ...result, cluster: c };
  } catch (err) {
    await c.stop();
    throw err;
  }
}

/** Redis Cluster hash slot of a key (one implementation: src/cluster/keyslot.ts). */
export { keySlot };

/** `count` keys named "<prefix>:{tN}" whose slot lies in `ranges`, deterministic for given inputs. */
export function keysInRanges(prefix: string, ranges: readonly SlotRange[], count: number): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count && i < 200_000; i++) {
    const key = `${prefix}:{t${i}}`;
    const s = keySlot(key);
    if (ranges.some((r) => s >= r.start && s <= r.end)) out.push(key);
  }
  return out;
}

/** The slots a node claims for itself (parsed from its own CLUSTER NODES line). */
export async function ownSlots(c: DevCluster, node: DevNode): Promise<SlotRange[]> {
  const me = myselfRow(await c.view(node));
  return (me?.slots ?? []).map((t) => {
    const [a, b] = t.split('-').map(Number) as [number, number | undefined];
    return { start: a, end: b ?? a };
  });
}

/** Writes `count` keys into `master`'s slots (recorded as one action); returns the keys. */
export async function writeKeys(c: DevCluster, master: DevNode, count: number): Promise<string[]> {
  const keys = keysInRanges(`data${master.index}`, await ownSlots(c, master), count);
  c.record(
    `for k in ${keys.map((k) => `'${k}'`).join(' ')}; do redis-cli -h ${master.host} -p ${master.port} SET "$k" "value-of-$k"; done`,
  );
  for (const k of keys) await c.cli(master, 'SET', k, `value-of-${k}`);
  return keys;
}
