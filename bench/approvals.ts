/**
 * Approvals on a real queue Redis (a throwaway redis-server with AOF on): approval-to-execution latency
 * (the approving click's decision to the worker's executing CAS, both on the queue Redis clock), the
 * 100-click race from two approvers on two separate connections (as two replicas), audit append
 * throughput, and `audit verify` time for N entries against a bare read of the same stream.
 * The executor is a stand-in that INCRs a counter, so the numbers are the approval machinery's own.
 */
import { pino } from 'pino';
import { readEntries, verifyAudit } from '../src/approvals/audit/stream.ts';
import { approvalKeys } from '../src/approvals/keys.ts';
import { openApprovals } from '../src/approvals/open.ts';
import { handlerConnection, whenReady } from '../src/approvals/queue.ts';
import { emptyDraft } from '../src/approvals/record.ts';
import { createRequestStore } from '../src/approvals/requests.ts';
import { parseConfig } from '../src/config/load.ts';
import { startStandalone } from '../src/devcluster/start.ts';
import { countingExecutor } from '../test/approvals/helpers/executor.ts';
import { ACCESS, testPlan } from '../test/approvals/helpers/plans.ts';

const config = parseConfig({ clusters: [{ name: 'prod', seeds: ['127.0.0.1:1'] }], access: ACCESS });
const logger = pino({ level: 'silent' });
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? 0;

async function main() {
  const server = await startStandalone({
    label: 'bench-approvals',
    config: [
      ['appendonly', 'yes'],
      ['maxmemory-policy', 'noeviction'],
    ],
  });
  const url = `redis://${server.node(0).address}`;
  try {
    await latency(url);
    await race(url);
    for (const n of [10_000, 50_000]) await verify(url, n);
  } finally {
    await server.stop();
  }
}

async function propose(r: ReturnType<typeof openApprovals>) {
  const p = await r.service.propose({
    plan: testPlan('prod', { steps: 1 }),
    user: 'UALICE',
    channel: 'COPS',
    thread: null,
    diagnosis: null,
  });
  if (!p.ok) throw new Error(p.refusal.message);
  return p.request;
}

async function latency(url: string) {
  const r = openApprovals({ url, config, logger, prefix: 'bench-latency' });
  await r.check(5000);
  const target = handlerConnection(url);
  await whenReady(target);
  r.startWorker(countingExecutor(target, 'bench:runs'), undefined);
  const toExecuting: number[] = [];
  const click: number[] = [];
  for (let i = 0; i < 30; i++) {
    const req = await propose(r);
    const t0 = performance.now();
    const d = await r.service.decide(req.id, { user: 'UBOB', channel: 'COPS', choice: 'approve' });
    click.push(performance.now() - t0);
    if (!d.ok) throw new Error('not approved');
    for (;;) {
      const now = await r.service.store.get(req.id);
      if (now?.state === 'succeeded') {
        toExecuting.push((now.startedAt ?? 0) - (now.approvals[0]?.at ?? 0));
        break;
      }
      await new Promise((res) => setTimeout(res, 5));
    }
  }
  console.log(
    `approve click (CAS + audit + job add): p50 ${pct(click, 50).toFixed(1)} ms, p95 ${pct(click, 95).toFixed(1)} ms (30 approvals)`,
  );
  console.log(
    `approval -> executing (worker took the job and won its CAS): p50 ${pct(toExecuting, 50)} ms, p95 ${pct(toExecuting, 95)} ms, max ${Math.max(...toExecuting)} ms`,
  );
  target.disconnect();
  await r.close(1000);
}

async function race(url: string) {
  const a = openApprovals({ url, config, logger, prefix: 'bench-race' });
  const b = openApprovals({ url, config, logger, prefix: 'bench-race' });
  await Promise.all([a.check(5000), b.check(5000)]);
  const target = handlerConnection(url);
  await whenReady(target);
  a.startWorker(countingExecutor(target, 'bench:race-runs'), undefined);
  const req = await propose(a);
  const t0 = performance.now();
  const results = await Promise.all(
    Array.from({ length: 100 }, (_, i) =>
      (i % 2 ? a : b).service.decide(req.id, {
        user: i % 2 ? 'UBOB' : 'UCAROL',
        channel: 'COPS',
        choice: 'approve',
      }),
    ),
  );
  const ms = performance.now() - t0;
  await a.idle(30_000);
  const won = results.filter((x) => x.ok).length;
  const jobs = await a.service.queue.getJobCounts();
  const runs = Number(await target.get('bench:race-runs'));
  console.log(
    `100 concurrent approve clicks, two approvers, two connections: ${won} approval, ${100 - won} refused (already decided), ${jobs.completed} job, ${runs} execution; all answered in ${ms.toFixed(0)} ms`,
  );
  target.disconnect();
  await a.close(1000);
  await b.close(1000);
}

async function verify(url: string, n: number) {
  const keys = approvalKeys(`bench-verify-${n}`);
  const redis = handlerConnection(url);
  await whenReady(redis);
  const store = createRequestStore({ redis, keys });
  const t0 = performance.now();
  const writers = 8;
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = w; i < n; i += writers)
        await store.record({ ...emptyDraft('refused', 'UBENCH', null), outcome: `entry ${i}` });
    }),
  );
  const appendMs = performance.now() - t0;
  const t1 = performance.now();
  const result = await verifyAudit(redis, keys);
  const verifyMs = performance.now() - t1;
  const t2 = performance.now();
  let read = 0;
  for await (const _ of readEntries(redis, keys)) read++;
  const readMs = performance.now() - t2;
  console.log(
    `audit: ${n} entries appended in ${(appendMs / 1000).toFixed(1)} s (${Math.round(n / (appendMs / 1000))}/s); verify ${result.ok ? 'ok' : 'BROKEN'} in ${verifyMs.toFixed(0)} ms vs a bare read of the ${read} entries in ${readMs.toFixed(0)} ms (${(verifyMs / readMs).toFixed(1)}x)`,
  );
  redis.disconnect();
}

await main();
