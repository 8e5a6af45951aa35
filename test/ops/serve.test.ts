/**
 * `redis-runbook serve` as a real process, the way a platform runs it: /healthz, /readyz and /metrics
 * on the Slack port (HTTP mode) and on $PORT in Socket Mode; readiness following a real queue Redis that
 * is stopped and started again, and a fake Slack whose WebSocket goes away and comes back; JSON logs with
 * no secret; SIGTERM with diagnoses in flight (a frozen node keeps them running).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { startStandalone } from '../../src/devcluster/start.ts';
import { BOT_TOKEN, type FakeSlack, startFakeSlack, waitUntil } from '../bot/helpers/fake-slack.ts';
import { serveEnv } from '../bot/helpers/serve.ts';
import { postForm, SIGNING_SECRET, slashBody } from '../bot/helpers/signed.ts';
import { get, type ServeProcess, sample, spawnServe, waitForStatus } from './helpers/serve-process.ts';

let fake: FakeSlack;
let cluster: DevCluster;
let queue: DevCluster;
let dir: string;
let configFile: string;
const queueUrl = () => `redis://${queue.node(0).address}`;
const httpEnv = () => ({ ...serveEnv(fake, queueUrl()), LOG_LEVEL: 'debug' });

beforeAll(async () => {
  [fake, cluster, queue] = await Promise.all([
    startFakeSlack(),
    startCluster({ masters: 3, label: 'ops-serve' }),
    startStandalone({ label: 'ops-serve-queue' }),
  ]);
  dir = mkdtempSync(join(tmpdir(), 'ops-serve-'));
  configFile = join(dir, 'redis-runbook.yml');
  const seeds = cluster.nodes.map((n) => `"${n.address}"`).join(', ');
  writeFileSync(
    configFile,
    [
      'clusters:',
      '  - name: prod',
      `    seeds: [${seeds}]`,
      // Same nodes, other timeouts: with a frozen node a diagnosis of prod-medium takes 3 to 4 s (each
      // command to that node waits 3 s), one of prod-slow about 20 s.
      '  - name: prod-medium',
      `    seeds: [${seeds}]`,
      '    timeouts: { commandMs: 3000, nodeDeadlineMs: 4000 }',
      '  - name: prod-slow',
      `    seeds: [${seeds}]`,
      '    timeouts: { connectMs: 20000, commandMs: 20000, nodeDeadlineMs: 30000 }',
      'access:',
      '  channels:',
      '    COPS: [prod, prod-medium, prod-slow]',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await Promise.all([fake?.close(), cluster?.stop(), queue?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The verdict (chat.update) of the parent message that names `user`, once posted. */
function verdictFor(user: string): string | undefined {
  const parent = fake
    .byMethod('chat.postMessage')
    .find((c) => !c.args.thread_ts && JSON.stringify(c.args.blocks ?? c.args.text).includes(`<@${user}>`));
  const update = fake.byMethod('chat.update').find((c) => c.args.ts === parent?.result.ts);
  return update ? String(update.args.text) : undefined;
}

/** Whether a new TCP connection to the bot's port is accepted ('connected') or the error code. */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve('connected');
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

async function diagnose(port: number, cluster: string, user: string) {
  const body = slashBody({ text: `diagnose ${cluster}`, user, responseUrl: `${fake.url}/respond/${user}` });
  return postForm(`http://127.0.0.1:${port}/slack/events`, body);
}

describe('serve in HTTP mode', () => {
  let bot: ServeProcess;
  let port: number;
  beforeAll(async () => {
    bot = spawnServe(['--config', configFile, '--host', '127.0.0.1'], httpEnv());
    port = await bot.port();
  });
  afterAll(async () => {
    await bot?.stop('SIGKILL');
  });

  it('answers /healthz, /readyz and /metrics on the Slack port; metrics count diagnoses, probes and acks', async () => {
    expect(await get(port, '/healthz')).toEqual({ status: 200, body: '{"status":"ok"}\n' });
    const ready = await get(port, '/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toMatchObject({
      ready: true,
      checks: { queue: { ok: true }, slack: { ok: true } },
    });
    expect((await diagnose(port, 'prod', 'UMETRICS')).status).toBe(200);
    expect(await waitUntil(() => verdictFor('UMETRICS'), 30_000, 'verdict')).toMatch(/prod/);
    const { status, body } = await get(port, '/metrics');
    expect(status).toBe(200);
    expect(sample(body, 'redis_runbook_diagnoses_total{source="live",result="ok"}')).toBe(1);
    expect(sample(body, 'redis_runbook_diagnosis_duration_seconds_count{source="live"}')).toBe(1);
    expect(sample(body, 'redis_runbook_probes_total{outcome="ok"}')).toBeGreaterThanOrEqual(3);
    expect(sample(body, 'redis_runbook_slack_ack_seconds_count{kind="command"}')).toBe(1);
    expect(body).toContain('process_resident_memory_bytes');
    expect(body).not.toMatch(/^redis_runbook_(approvals|jobs)_total\{/m);
  });

  it('writes only JSON lines on stdout, with Bolt debug lines too, and none carries a secret', () => {
    const lines = bot.jsonLines();
    expect(lines.some((l) => l.component === 'bolt' && String(l.msg).includes("apiCall('auth.test')"))).toBe(
      true,
    );
    expect(lines.every((l) => typeof l.level === 'string' && typeof l.time === 'string')).toBe(true);
    expect(bot.out.stdout).not.toContain(BOT_TOKEN);
    expect(bot.out.stdout).not.toContain(SIGNING_SECRET);
    expect(bot.out.stdout).not.toContain('/respond/UMETRICS');
  });

  it('/readyz turns 503 when the queue Redis stops and 200 once it is back, with no restart', async () => {
    const node = queue.node(0);
    await queue.kill(node);
    const down = await waitForStatus(port, '/readyz', 503);
    const report = JSON.parse(down.body);
    expect(report.checks.queue).toMatchObject({ ok: false });
    expect(report.checks.queue.detail).toContain('is not answering');
    expect(report.checks.slack.ok).toBe(true);
    // Slack is still answered while the queue Redis is down.
    const help = await postForm(
      `http://127.0.0.1:${port}/slack/events`,
      slashBody({ text: 'help', responseUrl: `${fake.url}/respond/help` }),
    );
    expect(help.status).toBe(200);
    await queue.restart(node, { awaitUp: false });
    const up = await waitForStatus(port, '/readyz', 200);
    console.log(
      `readiness: 503 ${down.ms} ms after the queue Redis died, 200 ${up.ms} ms after it restarted`,
    );
    expect(bot.child.exitCode).toBeNull();
  });

  it('SIGTERM: stops taking requests, lets a diagnosis finish, interrupts a long one, exits 0 within 10 s', async () => {
    const frozen = cluster.node(2);
    await cluster.freeze(frozen);
    try {
      expect((await diagnose(port, 'prod-medium', 'UQUICK')).status).toBe(200);
      expect((await diagnose(port, 'prod-slow', 'USLOW')).status).toBe(200);
      await waitUntil(
        () => fake.byMethod('chat.postMessage').filter((c) => !c.args.thread_ts).length >= 3,
        10_000,
        'both parent messages',
      );
      expect(verdictFor('UQUICK')).toBeUndefined();
      const stopping = bot.stop('SIGTERM');
      await waitUntil(() => bot.out.stdout.includes('"event":"stopping"'), 5000, 'stopping line');
      expect(await connectOutcome(port)).toBe('ECONNREFUSED');
      const { code, ms } = await stopping;
      console.log(`shutdown with two diagnoses in flight: exit ${code} after ${ms} ms`);
      expect(code).toBe(0);
      expect(ms).toBeLessThan(10_000);
      expect(verdictFor('UQUICK')).not.toMatch(/interrupted|restarting/);
      expect(verdictFor('USLOW')).toContain('The bot is restarting');
      const stopped = bot.jsonLines().find((l) => l.event === 'stopped');
      expect(stopped).toMatchObject({ wrappedUp: 1, abandoned: 0 });
    } finally {
      await cluster.thaw(frozen);
    }
  });
});

describe('serve in Socket Mode', () => {
  it('serves the endpoints on $PORT; /readyz follows the WebSocket going away and coming back', {
    timeout: 90_000,
  }, async () => {
    const bot = spawnServe(['--config', configFile, '--host', '127.0.0.1'], {
      ...serveEnv(fake, queueUrl()),
      SLACK_SIGNING_SECRET: '',
      SLACK_APP_TOKEN: 'xapp-1-A1-opstest',
    });
    try {
      const port = await bot.port();
      expect((await get(port, '/healthz')).status).toBe(200);
      await waitForStatus(port, '/readyz', 200);
      fake.socket.refuse = true;
      fake.socket.drop();
      const down = await waitForStatus(port, '/readyz', 503);
      expect(JSON.parse(down.body).checks.slack.detail).toMatch(/^Socket Mode not connected/);
      fake.socket.refuse = false;
      const up = await waitForStatus(port, '/readyz', 200, 30_000);
      console.log(
        `Socket Mode readiness: 503 after ${down.ms} ms, 200 again ${up.ms} ms after Slack came back`,
      );
      fake.socket.push({
        envelope_id: 'ops-env-1',
        type: 'slash_commands',
        accepts_response_payload: true,
        payload: {
          ...Object.fromEntries(
            new URLSearchParams(slashBody({ text: 'help', responseUrl: `${fake.url}/respond/sock` })),
          ),
        },
      });
      await waitUntil(() => fake.socket.received.find((m) => m.envelope_id === 'ops-env-1'), 10_000, 'ack');
      const metrics = await get(port, '/metrics');
      expect(sample(metrics.body, 'redis_runbook_slack_ack_seconds_count{kind="command"}')).toBe(1);
      const { code, ms } = await bot.stop('SIGTERM');
      expect(code).toBe(0);
      expect(ms).toBeLessThan(10_000);
    } finally {
      fake.socket.refuse = false;
      await bot.stop('SIGKILL');
    }
  });
});

describe('start-up errors: one readable message, a non-zero exit, no stack trace', () => {
  it('bad YAML, missing or malformed variables, and an unreachable queue Redis', {
    timeout: 120_000,
  }, async () => {
    const badYaml = join(dir, 'bad.yml');
    writeFileSync(badYaml, 'clusters:\n  - name: x\n    seeds: ["a:1"\n');
    const nobody = await startStandalone({ label: 'ops-serve-gone' });
    const gone = `redis://:pw-never-shown@${nobody.node(0).address}`;
    await nobody.stop();
    const env = serveEnv(fake, queueUrl());
    const runs = await Promise.all(
      [
        spawnServe(['--config', badYaml], env),
        spawnServe(['--config', configFile], { ...env, SLACK_BOT_TOKEN: '' }),
        spawnServe(['--config', configFile], { ...env, LOG_LEVEL: 'loud', REDIS_URL: 'http://queue' }),
        spawnServe(['--config', configFile], { ...env, REDIS_URL: gone }),
      ].map(async (p) => ({ code: await p.exited, err: p.out.stderr })),
    );
    const [yaml, token, vars, unreachable] = runs;
    expect(yaml).toMatchObject({ code: 2 });
    expect(yaml?.err).toMatch(/bad\.yml is not valid YAML\n\s+- line \d+, column \d+/);
    expect(token).toMatchObject({ code: 2 });
    expect(token?.err).toContain('SLACK_BOT_TOKEN is not set');
    expect(vars).toMatchObject({ code: 2 });
    expect(vars?.err).toContain('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent');
    expect(vars?.err).toContain('REDIS_URL must be a redis:// or rediss:// URL');
    expect(unreachable).toMatchObject({ code: 1 });
    expect(unreachable?.err).toMatch(
      /^redis-runbook serve: cannot start: queue Redis at redis:\/\/127\.[\d.]+:7000 is not answering \(.*ECONNREFUSED.*\)\. Start it, or set REDIS_URL to the queue Redis\.\n$/,
    );
    for (const r of runs) {
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.err).not.toContain('pw-never-shown');
    }
  });
});
