/**
 * Two `serve` processes against one queue Redis, as behind a load balancer: both are ready, both
 * answer signed commands, and a Slack retry of an event that lands on the other replica is answered
 * once between them (the memory of handled event ids lives in the queue Redis, not in either process), as
 * is a signed command replayed to the other replica; pastes are read by the bundled paste worker.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { startStandalone } from '../../src/devcluster/start.ts';
import { fixture } from '../bot/helpers/big-dump.ts';
import { type FakeSlack, startFakeSlack, waitUntil } from '../bot/helpers/fake-slack.ts';
import { serveEnv } from '../bot/helpers/serve.ts';
import { eventEnvelope, postEvent, postForm, signHeaders, slashBody } from '../bot/helpers/signed.ts';
import { get, type ServeProcess, spawnServe } from './helpers/serve-process.ts';

let fake: FakeSlack;
let cluster: DevCluster;
let queue: DevCluster;
let dir: string;
let replicas: { bot: ServeProcess; port: number }[] = [];

beforeAll(async () => {
  [fake, cluster, queue] = await Promise.all([
    startFakeSlack(),
    startCluster({ masters: 3, label: 'ops-replicas' }),
    startStandalone({ label: 'ops-replicas-queue' }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'ops-replicas-'));
  const config = join(dir, 'redis-runbook.yml');
  const seeds = cluster.nodes.map((n) => `"${n.address}"`).join(', ');
  writeFileSync(
    config,
    `clusters:\n  - name: prod\n    seeds: [${seeds}]\naccess:\n  channels:\n    COPS: [prod]\n`,
  );
  const env = { ...serveEnv(fake, `redis://${queue.node(0).address}`), LOG_LEVEL: 'debug' };
  const bots = [0, 1].map(() => spawnServe(['--config', config, '--host', '127.0.0.1'], env));
  replicas = await Promise.all(bots.map(async (bot) => ({ bot, port: await bot.port() })));
}, 120_000);
afterAll(async () => {
  await Promise.all(replicas.map((r) => r.bot.stop()));
  await Promise.all([fake?.close(), cluster?.stop(), queue?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('two replicas, one queue Redis', () => {
  it('both are ready and both answer signed commands with a live diagnosis', async () => {
    for (const [i, { port }] of replicas.entries()) {
      const ready = await get(port, '/readyz');
      expect(ready.status).toBe(200);
      const user = `UREPLICA${i}`;
      const body = slashBody({ text: 'diagnose prod', user, responseUrl: `${fake.url}/respond/${user}` });
      const res = await postForm(`http://127.0.0.1:${port}/slack/events`, body);
      expect(res.status).toBe(200);
    }
    await waitUntil(() => fake.byMethod('chat.update').length >= 2, 30_000, 'both verdicts');
    const verdicts = fake.byMethod('chat.update').map((c) => String(c.args.text));
    expect(verdicts.filter((t) => t.includes('prod'))).toHaveLength(2);
  });

  it('a retried event delivered to the other replica is answered once', async () => {
    const [a, b] = replicas;
    const ts = '1800000042.000100';
    const envelope = eventEnvelope({
      type: 'message',
      channel: 'COPS',
      user: 'UALICE',
      text: fixture('down-nodes-n1.txt'),
      ts,
    });
    expect((await postEvent(`http://127.0.0.1:${a?.port}/slack/events`, envelope)).status).toBe(200);
    await waitUntil(
      () => fake.byMethod('chat.postMessage').find((c) => c.args.thread_ts === ts),
      15_000,
      'the answer from the first replica',
    );
    expect((await postEvent(`http://127.0.0.1:${b?.port}/slack/events`, envelope, 1)).status).toBe(200);
    await waitUntil(
      () => b?.bot.out.stdout.includes(`"eventId":"${envelope.event_id}"`),
      15_000,
      'the second replica to recognise the retry',
    );
    const answers = fake.byMethod('chat.postMessage').filter((c) => c.args.thread_ts === ts);
    expect(answers).toHaveLength(1);
    // read by the bundled paste worker thread (dist/paste-worker.js), not refused
    expect(JSON.stringify(answers[0]?.args)).toContain('Offline diagnosis of the pasted output');
  });

  it('a signed command replayed to the other replica is answered once (signatures kept in the queue Redis)', async () => {
    const [a, b] = replicas;
    const body = slashBody({ text: 'help', user: 'UREPLAY', responseUrl: `${fake.url}/respond/replay` });
    const headers = signHeaders(body);
    const first = await postForm(`http://127.0.0.1:${a?.port}/slack/events`, body, headers);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('redis-runbook');
    const again = await postForm(`http://127.0.0.1:${b?.port}/slack/events`, body, headers);
    expect({ status: again.status, text: await again.text() }).toEqual({ status: 200, text: '' });
    // the child writes its log line asynchronously: wait for it rather than read it at once
    await waitUntil(
      () =>
        b?.bot.out.stdout
          .split('\n')
          .some((l) => l.includes('"event":"request_refused"') && l.includes('"code":"SLACK_REPLAY"')),
      10_000,
      'the replay log line',
    );
  });
});
