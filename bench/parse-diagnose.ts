/**
 * Parse + diagnose of a 1,000-node paste (500 masters, 500 replicas, 16,384 single-slot entries).
 * Target: parse + diagnose median under 100 ms. Prints one line per figure, then a per-stage breakdown
 * (model, shared line index, each rule family, each root-cause detector) so a slow stage is easy to spot.
 * The many-views case (1,000 live views of 1,000 lines) is bench/diagnose-views.ts.
 */
import { snapshotFromPaste } from '../src/cluster/paste.ts';
import { diagnose } from '../src/diagnose/diagnose.ts';
import { syntheticDump } from './_dump.ts';
import { median, printStages, stageBreakdown, time } from './_stages.ts';

const WARMUP = 3;
const RUNS = 15;
const text = syntheticDump(500, 500);

for (let i = 0; i < WARMUP; i++) diagnose(snapshotFromPaste(text));
const heapBefore = process.memoryUsage().heapUsed;
const parse: number[] = [];
const diag: number[] = [];
const total: number[] = [];
let summary = '';
for (let i = 0; i < RUNS; i++) {
  const [snap, p] = time(() => snapshotFromPaste(text));
  const [d, q] = time(() => diagnose(snap));
  parse.push(p);
  diag.push(q);
  total.push(p + q);
  summary = `root causes ${d.rootCauses.map((c) => c.code).join(',')}; ${d.findings.length} findings`;
}
const heapAfter = process.memoryUsage().heapUsed;

console.log(
  `input: 1000 nodes (500 masters, 500 replicas), 16384 single-slot entries, ${(text.length / 1024).toFixed(0)} KiB`,
);
console.log(`result: ${summary}`);
console.log(`parse (snapshotFromPaste) median: ${median(parse).toFixed(1)} ms`);
console.log(`diagnose median: ${median(diag).toFixed(1)} ms`);
console.log(
  `parse + diagnose median: ${median(total).toFixed(1)} ms (target < 100 ms; ${RUNS} runs after ${WARMUP} warm-up)`,
);
console.log(
  `parse + diagnose min / max: ${Math.min(...total).toFixed(1)} / ${Math.max(...total).toFixed(1)} ms`,
);
console.log(
  `heap growth over the runs: ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB; rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`,
);
// Per-stage breakdown over the same snapshot.
printStages(stageBreakdown(snapshotFromPaste(text), RUNS));
