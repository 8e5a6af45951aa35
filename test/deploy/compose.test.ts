/**
 * docker-compose.yml acted out natively (no docker daemon here): the nodes' and the queue's exact
 * redis-server commands, the init service's script (create, then its cluster_state healthcheck), every
 * healthcheck as depends_on waits for it, and the bot with the service's environment, the mounted
 * registry and .env.example's Slack settings, against the tests' fake Slack Web API. The mapping from
 * compose addresses to loopback is all in ./act-out.ts. Then: the endpoints, the image's HEALTHCHECK
 * command, and a signed `/redis diagnose` of the acted-out cluster.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocatePrefix } from '../../src/devcluster/net.ts';
import { type FakeSlack, startFakeSlack, waitUntil } from '../bot/helpers/fake-slack.ts';
import { postForm, signHeaders, slashBody } from '../bot/helpers/signed.ts';
import { get, type ServeProcess, spawnServe } from '../ops/helpers/serve-process.ts';
import {
  AddressMap,
  type ComposeFile,
  dockerfileInstructions,
  healthArgv,
  parseEnvFile,
  readCompose,
  run,
  startService,
  stopService,
  subnetPrefix,
  waitHealthy,
} from './act-out.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const compose: ComposeFile = readCompose(join(ROOT, 'docker-compose.yml'));
const services = compose.services;
const redisServices = Object.keys(services).filter((n) => services[n]?.command?.[0] === 'redis-server');
const nodeServices = redisServices.filter((n) => services[n]?.command?.includes('--cluster-enabled'));
const envFile = parseEnvFile(readFileSync(join(ROOT, '.env.example'), 'utf8'));

let map: AddressMap;
let dir: string;
let fake: FakeSlack;
let bot: ServeProcess;
let botPort: number;
const started: ChildProcess[] = [];

/** The service's healthcheck, mapped, as argv. */
const health = (name: string) => healthArgv(services[name]?.healthcheck?.test ?? []).map((a) => map.apply(a));

beforeAll(async () => {
  const from = subnetPrefix(compose);
  const to = await allocatePrefix((p) => {
    const ip = (n: string) =>
      `${p}.${String(services[n]?.networks?.['redis-runbook']?.ipv4_address).split('.')[3]}`;
    return [
      ...redisServices.flatMap((n) => [
        { host: ip(n), port: 6379 },
        { host: ip(n), port: 16379 },
      ]),
      { host: ip('bot'), port: 3000 },
    ];
  });
  map = new AddressMap(from, to, services);
  dir = mkdtempSync(join(tmpdir(), 'compose-act-'));
  fake = await startFakeSlack();
  // The redis-server services, each in its own working directory (a container's /data).
  for (const name of redisServices) {
    const cwd = join(dir, name);
    mkdirSync(cwd);
    const ip = map.of(name);
    const argv = [
      ...(services[name]?.command ?? []).map((a) => map.apply(a)),
      '--bind',
      ip,
      '--bind-source-addr',
      ip,
    ];
    started.push(startService(argv, cwd));
  }
  // redis-cluster-init: depends_on every node being healthy; then its own healthcheck (cluster_state:ok).
  const init = services['redis-cluster-init'];
  for (const dep of Object.keys(init?.depends_on ?? {})) await waitHealthy(dep, health(dep));
  const initDir = join(dir, 'redis-cluster-init');
  mkdirSync(initDir);
  started.push(
    startService(
      (init?.command ?? []).map((a) => map.apply(a)),
      initDir,
    ),
  );
  await waitHealthy('redis-cluster-init', health('redis-cluster-init'));
  // The bot: depends_on queue and init healthy; environment from env_file (.env.example) + environment.
  const botService = services.bot ?? {};
  for (const dep of Object.keys(botService.depends_on ?? {})) await waitHealthy(dep, health(dep));
  const env: NodeJS.ProcessEnv = { ...envFile };
  for (const [k, v] of Object.entries(botService.environment ?? {})) env[k] = map.apply(String(v));
  for (const volume of botService.volumes ?? []) {
    const [source, target] = volume.split(':');
    if (!source || !target || env.REDIS_RUNBOOK_CONFIG !== target) continue;
    const mounted = join(dir, 'redis-runbook.yml');
    writeFileSync(mounted, map.apply(readFileSync(join(ROOT, source), 'utf8')));
    env.REDIS_RUNBOOK_CONFIG = mounted;
  }
  env.SLACK_API_URL = fake.apiUrl;
  const cmd = dockerfileInstructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).findLast(
    (i) => i.op === 'CMD',
  );
  const [subcommand, ...args] = JSON.parse(cmd?.args ?? '[]') as string[];
  expect(subcommand).toBe('serve');
  bot = spawnServe([...args, '--host', map.of('bot')], env, dir);
  botPort = await bot.port();
}, 180_000);

afterAll(async () => {
  await bot?.stop();
  await Promise.all(started.map((c) => stopService(c)));
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('docker-compose.yml acted out on loopback', () => {
  it('the init service built 3 masters with a replica each, every node announcing its compose address', async () => {
    // Each node's own role (ROLE) is final once `--cluster create` returns; a peer's view of it follows by
    // gossip, so the first node's table is awaited (bounded) before it is read.
    const roles = await Promise.all(
      nodeServices.map(async (n) => (await run(['redis-cli', '-h', map.of(n), '-p', '6379', 'role'])).out),
    );
    expect(roles.filter((r) => r.startsWith('master\n'))).toHaveLength(3);
    expect(roles.filter((r) => r.startsWith('slave\n'))).toHaveLength(3);
    const first = map.of(nodeServices[0] ?? '');
    const table = async () =>
      (await run(['redis-cli', '-h', first, '-p', '6379', 'cluster', 'nodes'])).out.trim().split('\n');
    const role = (lines: string[], r: string) => lines.filter((l) => l.split(' ')[2]?.includes(r)).length;
    let nodes = await table();
    for (const end = Date.now() + 15_000; role(nodes, 'master') !== 3 || role(nodes, 'slave') !== 3; ) {
      if (Date.now() > end) break; // the assertions below then say what the view still shows
      await new Promise((r) => setTimeout(r, 100));
      nodes = await table();
    }
    expect(role(nodes, 'master')).toBe(3);
    expect(role(nodes, 'slave')).toBe(3);
    expect(nodes).toHaveLength(6);
    const announced = nodes.map((l) => l.split(' ')[1]?.split('@')[0]).sort();
    expect(announced).toEqual(nodeServices.map((n) => `${map.of(n)}:6379`).sort());
  });

  it('the queue Redis runs with appendonly yes and maxmemory-policy noeviction', async () => {
    const q = map.of('queue');
    expect((await run(['redis-cli', '-h', q, 'config', 'get', 'appendonly'])).out).toBe('appendonly\nyes\n');
    expect((await run(['redis-cli', '-h', q, 'config', 'get', 'maxmemory-policy'])).out).toBe(
      'maxmemory-policy\nnoeviction\n',
    );
  });

  it('a second run of the init script finds the cluster and leaves it alone', async () => {
    const again = startService(
      (services['redis-cluster-init']?.command ?? []).map((a) => map.apply(a)),
      dir,
    );
    try {
      await waitUntil(() => again.output().includes('cluster already created'), 15_000, 'the init script');
    } finally {
      await stopService(again);
    }
  });

  it('the bot serves /healthz, /readyz and /metrics, and the image HEALTHCHECK command passes', async () => {
    expect((await get(botPort, '/healthz', map.of('bot'))).status).toBe(200);
    expect(botPort).toBe(Number(services.bot?.environment?.PORT));
    const ready = await get(botPort, '/readyz', map.of('bot'));
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body).checks.queue.ok).toBe(true);
    expect((await get(botPort, '/metrics', map.of('bot'))).body).toContain('redis_runbook_diagnoses_total');
    const check = dockerfileInstructions(readFileSync(join(ROOT, 'Dockerfile'), 'utf8')).find(
      (i) => i.op === 'HEALTHCHECK',
    );
    const argv = JSON.parse(check?.args.slice(check.args.indexOf('CMD') + 3).trim() ?? '[]') as string[];
    // Rule 3: inside the container, 127.0.0.1 is the bot itself.
    const mapped = argv.map((a) => a.replace('127.0.0.1', map.of('bot')));
    expect(mapped[0]).toBe('node');
    const r = await run([process.execPath, ...mapped.slice(1)], 10_000);
    expect(r).toMatchObject({ code: 0 });
  });

  it('answers a signed /redis diagnose of the acted-out cluster: healthy, 6 nodes seen', async () => {
    const body = slashBody({ text: 'diagnose playground', responseUrl: `${fake.url}/respond/compose` });
    const secret = envFile.SLACK_SIGNING_SECRET;
    const res = await postForm(
      `http://${map.of('bot')}:${botPort}/slack/events`,
      body,
      signHeaders(body, undefined, secret),
    );
    expect(res.status).toBe(200);
    const update = await waitUntil(() => fake.byMethod('chat.update')[0], 30_000, 'the verdict');
    const verdict = JSON.stringify(update.args);
    expect(verdict).toContain('playground');
    expect(verdict).toContain('healthy');
    expect(verdict).toContain('6 of 6');
  });
});
