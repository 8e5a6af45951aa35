/** Keeps one CLUSTER NODES dump per node when the same node was pasted more than once. */
import type { Built } from './paste-blocks.ts';
import { span } from './paste-blocks.ts';
import { compareDumps, dumpTakenAtMs } from './paste-consistency.ts';
import type { ClusterSnapshot } from './types.ts';

function ago(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

/**
 * Keeps one CLUSTER NODES dump per node: a repeated identical dump or a cut copy is dropped, and of two dumps
 * taken at different moments (before and after a failover) only the later one is read, saying so.
 */
export function dedupeDumps(built: readonly Built[], snap: ClusterSnapshot): Built[] {
  const out: Built[] = [];
  const byObserver = new Map<string, number>();
  for (const b of built) {
    const id = b.obs.nodes?.observer;
    const at = id ? byObserver.get(id) : undefined;
    const prev = at === undefined ? undefined : out[at];
    if (!id || at === undefined || !prev?.obs.nodes || !b.obs.nodes) {
      if (id && b.obs.nodes) byObserver.set(id, out.length);
      out.push(b);
      continue;
    }
    const rel = compareDumps(prev.obs.nodes, b.obs.nodes);
    if (rel === 'unordered') {
      out.push(b);
      continue;
    }
    const keepNew = rel === 'subset' || rel === 'older';
    const [kept, dropped] = keepNew ? [b, prev] : [prev, b];
    if (rel !== 'older' && rel !== 'newer') {
      for (const k of ['clusterInfo', 'replication', 'server'] as const) {
        if (!kept.obs[k] && dropped.obs[k]) kept.obs[k] = dropped.obs[k];
      }
    }
    if (keepNew) out[at] = b;
    const where = span(dropped.block.lines);
    const who = kept.obs.address;
    if (rel === 'same')
      snap.warnings.push(`${who}'s CLUSTER NODES was pasted twice (identical); it is read once`);
    else if (rel === 'subset' || rel === 'superset')
      snap.warnings.push(
        `${who}'s CLUSTER NODES was pasted twice and the copy at ${where} lacks lines of the other: the whole one is read`,
      );
    else {
      const gap = Math.abs(dumpTakenAtMs(kept.obs.nodes!) - dumpTakenAtMs(dropped.obs.nodes!));
      snap.warnings.push(
        `${who}'s CLUSTER NODES was pasted twice, taken about ${ago(gap)} apart (by their ping/pong times), and they differ: only the later one is read; the earlier one at ${where}${dropped.obs.clusterInfo || dropped.obs.replication ? ' and the INFO pasted with it' : ''} describe${dropped.obs.clusterInfo || dropped.obs.replication ? '' : 's'} a state that has since changed`,
      );
    }
  }
  return out;
}
