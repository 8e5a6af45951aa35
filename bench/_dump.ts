/** Synthetic CLUSTER NODES output for benchmarks and scale tests: every slot a single-slot entry. */
import { createHash } from 'node:crypto';

const SLOTS = 16384;

/** Deterministic 40-hex node id for node number `i`. */
export function nodeId(i: number): string {
  return createHash('sha1').update(`node-${i}`).digest('hex');
}

/**
 * One observer's CLUSTER NODES with `masters` masters (10.1.x.y) and `replicas` replicas (10.2.x.y), each
 * on its own host; slot s belongs to master s % masters, so no two slots of a master are adjacent and
 * every master line lists only single-slot entries. Master 0 is the `myself` line.
 */
export function syntheticDump(masters: number, replicas: number): string {
  const owned: number[][] = Array.from({ length: masters }, () => []);
  for (let s = 0; s < SLOTS; s++) owned[s % masters]!.push(s);
  const host = (net: number, i: number) => `10.${net}.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const lines: string[] = [];
  for (let m = 0; m < masters; m++) {
    const flags = m === 0 ? 'myself,master' : 'master';
    const pong = m === 0 ? 0 : 1_700_000_000_000 + m;
    lines.push(
      `${nodeId(m)} ${host(1, m)}:6379@16379 ${flags} - 0 ${pong} ${m + 1} connected ${owned[m]!.join(' ')}`,
    );
  }
  for (let r = 0; r < replicas; r++) {
    const m = r % masters;
    lines.push(
      `${nodeId(masters + r)} ${host(2, r)}:6379@16379 slave ${nodeId(m)} 0 ${1_700_000_000_000 + r} ${m + 1} connected`,
    );
  }
  return `${lines.join('\n')}\n`;
}
