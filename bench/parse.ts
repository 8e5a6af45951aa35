/**
 * Parser speed: a 1000-node CLUSTER NODES dump whose 16,384 slots are all single-slot entries, read
 * with parseClusterNodes and with snapshotFromPaste (Slack-fenced), plus a small real multi-node paste.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseClusterNodes } from '../src/cluster/parse-nodes.ts';
import { snapshotFromPaste } from '../src/cluster/paste.ts';
import { syntheticDump } from './_dump.ts';

function time(label: string, runs: number, f: () => unknown): void {
  for (let i = 0; i < 3; i++) f();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const pct = (p: number): string => (ms[Math.min(ms.length - 1, Math.floor(p * ms.length))] ?? 0).toFixed(2);
  console.log(`${label}: median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${pct(1)} ms (${runs} runs)`);
}

const big = syntheticDump(1000, 0);
const here = dirname(fileURLToPath(import.meta.url));
const session = readFileSync(
  join(here, '..', 'test', 'fixtures', 'paste-formats', 'derived', 'multi-node-session.txt'),
  'utf8',
);
time('parseClusterNodes, 1000 nodes / 16384 single-slot entries', 30, () => parseClusterNodes(big));
time('snapshotFromPaste, same dump inside a Slack fence', 30, () => snapshotFromPaste(`\`\`\`${big}\`\`\``));
time('snapshotFromPaste, real 2-node session with CLUSTER INFO', 200, () => snapshotFromPaste(session));
