/**
 * Slack ack latency and time-to-verdict: 50 concurrent signed `/redis diagnose` requests against the
 * bot (`redis-runbook serve` in its own process), a live 6-node cluster (3 masters + 3 replicas, H2's harness) and a fake Web API
 * on loopback that records chat.update. Prints p50/p99/max.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { startCluster } from '../src/devcluster/index.ts';
import { startStandalone } from '../src/devcluster/start.ts';
import { startFakeSlack, waitUntil } from '../test/bot/helpers/fake-slack.ts';
import { serveEnv, startedPort } from '../test/bot/helpers/serve.ts';
import { signHeaders, slashBody } from '../test/bot/helpers/signed.ts';

/** The client, as plain JS for a worker thread: POST every request at once, time each ack. */
const CLIENT = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, requests } = workerData;
Promise.all(requests.map(async ({ user, body, headers }) => {
  const sentAt = Date.now();
  const start = performance.now();
  const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
  const ack = await res.json();
  return { user, sentAt, ackMs: performance.now() - start, ok: res.status === 200 && ack.response_type === 'ephemeral' };
})).then((r) => parentPort.postMessage(r));
`;

const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);

function pct(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

function line(label: string, values: number[]): string {
  const f = (n: number) => `${n.toFixed(1)} ms`;
  return `${label.padEnd(28)} p50 ${f(pct(values, 50))}   p99 ${f(pct(values, 99))}   max ${f(Math.max(...values))}   (n=${values.length})`;
}

const cluster = await startCluster({
  masters: 3,
  replicasPerMaster: 1,
  nodeTimeoutMs: 2000,
  label: 'bench-slack-ack',
});
const queue = await startStandalone({ label: 'bench-slack-ack-queue' });
const fake = await startFakeSlack();
const dir = mkdtempSync(join(tmpdir(), 'bench-slack-ack-'));
const configFile = join(dir, 'redis-runbook.yml');
const seeds = cluster.nodes.slice(0, 3).map((n) => `"${n.address}"`);
writeFileSync(
  configFile,
  `clusters:\n  - name: prod\n    seeds: [${seeds.join(', ')}]\naccess:\n  channels:\n    CBENCH: [prod]\n`,
);
// The bot runs as `redis-runbook serve` in its own process, as in production; the fake Slack API and
// the 50 clients live here, so they do not compete with the bot for its event loop.
let child: ChildProcess | undefined;
try {
  child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_CHILD_ARGS ?? '').split(' ').filter(Boolean),
      join(import.meta.dirname, '..', 'bin', 'redis-runbook.js'),
      'serve',
      '--config',
      configFile,
      '--host',
      '127.0.0.1',
    ],
    {
      env: serveEnv(fake, `redis://${queue.node(0).address}`),
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const port = await waitUntil(() => startedPort(out), 30_000, 'bot start');
  const url = `http://127.0.0.1:${port}/slack/events`;

  /**
   * Sends signed commands all at once from a worker thread (its own event loop, so the fake Web API
   * answering the bot here does not delay reading the acks) and returns each ack latency.
   */
  async function burst(users: string[]): Promise<{ user: string; sentAt: number; ackMs: number }[]> {
    const requests = users.map((user) => {
      const body = slashBody({
        text: 'diagnose prod',
        user,
        channel: 'CBENCH',
        responseUrl: `${fake.url}/respond/${user}`,
      });
      return { user, body, headers: signHeaders(body) };
    });
    const worker = new Worker(CLIENT, { eval: true, workerData: { url, requests } });
    const [results] = (await once(worker, 'message')) as [
      { user: string; sentAt: number; ackMs: number; ok: boolean }[],
    ];
    await worker.terminate();
    const bad = results.filter((r) => !r.ok);
    if (bad.length > 0) throw new Error(`${bad.length} commands were not acknowledged with an ephemeral 200`);
    return results;
  }

  /** Waits until every user's parent message was updated; returns command -> verdict times. */
  async function verdicts(sent: { user: string; sentAt: number }[]): Promise<number[]> {
    await waitUntil(
      () => fake.byMethod('chat.update').length >= updatesBefore + sent.length,
      120_000,
      'verdicts',
    );
    return sent.map(({ user, sentAt }) => {
      const parent = fake
        .byMethod('chat.postMessage')
        .find((c) => !c.args.thread_ts && JSON.stringify(c.args.blocks).includes(`<@${user}>`));
      const update = fake.byMethod('chat.update').find((c) => c.args.ts === parent?.result.ts);
      if (!update) throw new Error(`no verdict for ${user}`);
      return update.at - sentAt;
    });
  }

  let updatesBefore = 0;
  const warm = await burst(['UBWARMUP']); // cold: JIT, Bolt's auth.test, first connections
  const warmVerdict = await verdicts(warm);
  updatesBefore = fake.byMethod('chat.update').length;
  const single = await burst(['UBSINGLE']);
  const singleVerdict = await verdicts(single);
  updatesBefore = fake.byMethod('chat.update').length;
  const wallStart = performance.now();
  const sent = await burst(Array.from({ length: CONCURRENCY }, (_, i) => `UBENCH${i}`));
  const verdictMs = await verdicts(sent);
  const wall = performance.now() - wallStart;
  console.log(`slack-ack: signed /redis diagnose against a live 6-node cluster (bot in its own process)`);
  const ms = (n: number | undefined) => `${(n ?? Number.NaN).toFixed(1)} ms`;
  console.log(
    `first command (cold)        ack ${ms(warm[0]?.ackMs)}, verdict posted after ${ms(warmVerdict[0])}`,
  );
  console.log(
    `one command alone (warm)    ack ${ms(single[0]?.ackMs)}, verdict posted after ${ms(singleVerdict[0])}`,
  );
  console.log(`${CONCURRENCY} at once:`);
  console.log(
    line(
      'ack (HTTP 200, ephemeral)',
      sent.map((r) => r.ackMs),
    ),
  );
  console.log(line('command -> verdict posted', verdictMs));
  console.log(`all ${CONCURRENCY} verdicts posted within ${wall.toFixed(0)} ms wall time`);
  const steps = fake.byMethod('chat.postMessage').filter((c) => c.args.thread_ts).length;
  console.log(
    `Web API calls: ${fake.calls.length} (${steps} thread steps, ${fake.byMethod('chat.update').length} updates)`,
  );
} finally {
  child?.kill('SIGTERM');
  await fake.close();
  await cluster.stop();
  await queue.stop();
  rmSync(dir, { recursive: true, force: true });
}
