/** Cluster-wide conditions the harness and scenarios poll on (each returns true when met). */
import type { DevCluster } from './cluster.ts';
import { myselfRow, type NodeRow, slotSignature } from './inspect.ts';
import type { DevNode } from './node.ts';

/** Every live node knows `count` nodes, none in handshake, every link connected. */
export async function allJoined(c: DevCluster, count: number): Promise<boolean> {
  for (const n of c.live()) {
    const rows = await c.view(n);
    if (rows.length !== count) return false;
    if (rows.some((r) => r.flags.includes('handshake') || r.flags.includes('noaddr'))) return false;
    if (rows.some((r) => !r.flags.includes('myself') && r.link !== 'connected')) return false;
  }
  return true;
}

/** Every live node reports cluster_state `state`. */
export async function allState(c: DevCluster, state: 'ok' | 'fail', nodes = c.live()): Promise<boolean> {
  for (const n of nodes) if ((await c.clusterInfo(n))['cluster_state'] !== state) return false;
  return true;
}

/** Every live node has the same slot-ownership signature. */
export async function slotsAgree(c: DevCluster, nodes = c.live()): Promise<boolean> {
  const sigs = new Set<string>();
  for (const n of nodes) sigs.add(slotSignature(await c.view(n)));
  return sigs.size === 1;
}

/** Every live node sees `replica` as a slave of `master`, and (if `synced`) its link is up with data. */
export async function replicaAttached(c: DevCluster, replica: DevNode, master: DevNode, synced: boolean) {
  for (const n of c.live()) {
    const row = (await c.view(n)).find((r) => r.id === replica.id);
    if (!row?.flags.includes('slave') || row.masterId !== master.id) return false;
  }
  if (!synced) return true;
  return (await c.info(replica))['master_link_status'] === 'up';
}

/** Every live node other than `target` flags `target` (by id) with `flag` ('fail' or 'fail?'). */
export async function flaggedByAll(c: DevCluster, target: DevNode | string, flag: string): Promise<boolean> {
  const id = typeof target === 'string' ? target : target.id;
  const observers = c.live().filter((n) => n.id !== id);
  for (const n of observers) {
    const row = (await c.view(n)).find((r) => r.id === id);
    if (!row?.flags.includes(flag)) return false;
  }
  return observers.length > 0;
}

/** `node` reports itself as a master owning slots, and every live node agrees it owns slots. */
export async function promoted(c: DevCluster, node: DevNode): Promise<boolean> {
  const me = myselfRow(await c.view(node));
  if (!me?.flags.includes('master') || me.slots.length === 0) return false;
  for (const n of c.live()) {
    const row = (await c.view(n)).find((r) => r.id === node.id);
    if (!row?.flags.includes('master') || row.slots.length === 0) return false;
  }
  return true;
}

/** The node's log contains `text`. */
export function logContains(node: DevNode, text: string): boolean {
  return node.readLog().includes(text);
}

/** No live node other than the target flags `id` with fail or fail?. */
export async function notFlagged(c: DevCluster, id: string): Promise<boolean> {
  for (const n of c.live().filter((x) => x.id !== id)) {
    const row = (await c.view(n)).find((r) => r.id === id);
    if (row?.flags.some((f) => f === 'fail' || f === 'fail?')) return false;
  }
  return true;
}

/** Every live node but `except` has a row for node `id` that passes `test` (undefined: no such row). */
export async function everyPeerSees(
  c: DevCluster,
  except: DevNode,
  id: string,
  test: (row: NodeRow | undefined) => boolean,
): Promise<boolean> {
  for (const n of c.live().filter((x) => x !== except)) {
    if (!test((await c.view(n)).find((r) => r.id === id))) return false;
  }
  return true;
}
