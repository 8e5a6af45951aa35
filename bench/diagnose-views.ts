/**
 * Diagnose of a 1,000-node live snapshot where every node answered with its own full CLUSTER NODES
 * (1,000 views x 1,000 lines = 1M lines; 500 masters, 500 replicas, 16,384 single-slot entries per view),
 * twice: healthy, then a stale-addresses incident (every 10th master moved: 50 nodes, ~50,000 failing
 * peer lines to quote). Parsing is not timed (a live probe parses each reply as it arrives).
 * Target: well under a few seconds; the per-stage breakdown shows where the time goes.
 * Usage: npx tsx bench/diagnose-views.ts [runs=5]
 */
import type { ClusterSnapshot } from '../src/cluster/types.ts';
import { diagnose } from '../src/diagnose/diagnose.ts';
import { median, printStages, stageBreakdown, time } from './_stages.ts';
import { syntheticViews } from './_views.ts';

const RUNS = Math.max(1, Number(process.argv[2]) || 5);

function runCase(title: string, build: () => ClusterSnapshot): void {
  const [snap, built] = time(build);
  const lines = snap.observations.reduce((n, o) => n + (o.nodes?.nodes.length ?? 0), 0);
  diagnose(snap); // warm-up
  const diag: number[] = [];
  let summary = '';
  for (let i = 0; i < RUNS; i++) {
    const [d, ms] = time(() => diagnose(snap));
    diag.push(ms);
    summary = `root causes ${d.rootCauses.map((c) => c.code).join(',')}; ${d.findings.length} findings; state ${d.state}`;
  }
  console.log(`\n--- ${title} ---`);
  console.log(
    `input: ${snap.observations.length} live views, ${lines} lines in total (built in ${built.toFixed(0)} ms, not timed)`,
  );
  console.log(`result: ${summary}`);
  console.log(`diagnose median: ${median(diag).toFixed(1)} ms (${RUNS} runs after 1 warm-up)`);
  console.log(`diagnose min / max: ${Math.min(...diag).toFixed(1)} / ${Math.max(...diag).toFixed(1)} ms`);
  console.log(`rss ${(process.memoryUsage().rss / 1024 / 1024).toFixed(0)} MiB`);
  printStages(stageBreakdown(snap, RUNS));
}

runCase('healthy: 1,000 views', () => syntheticViews(500, 500));
runCase('stale addresses: 1,000 views, 50 masters moved', () => syntheticViews(500, 500, { movedEvery: 10 }));
