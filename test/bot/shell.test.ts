/**
 * The terminal twin, as a user drives it: `redis-runbook shell` in a child process with piped stdin,
 * against a LIVE 3-master cluster (H2's harness). Plus `serve` refusing to start without its env.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { startStandalone } from '../../src/devcluster/start.ts';
import { fixture } from './helpers/big-dump.ts';
import { BOT_TOKEN, type FakeSlack, startFakeSlack, waitUntil } from './helpers/fake-slack.ts';
import { serveEnv, startedPort } from './helpers/serve.ts';
import { postForm, slashBody } from './helpers/signed.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'redis-runbook.js');
let cluster: DevCluster;
let queue: DevCluster;
let dir: string;
let configFile: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI with `args`, feeding `input` on stdin then closing it; bounded by a 60 s kill. */
function runCli(args: string[], input: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', LOG_LEVEL: 'warn', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

beforeAll(async () => {
  cluster = await startCluster({ masters: 3, nodeTimeoutMs: 1000, label: 'h5-shell' });
  queue = await startStandalone({ label: 'h5-queue' });
  dir = mkdtempSync(join(tmpdir(), 'h5-shell-'));
  configFile = join(dir, 'redis-runbook.yml');
  writeFileSync(
    configFile,
    [
      'clusters:',
      '  - name: prod',
      `    seeds: [${cluster.nodes.map((n) => `"${n.address}"`).join(', ')}]`,
      'access:',
      '  channels:',
      '    COPS: [prod]',
      '  groups:',
      '    oncall: [UBOB]',
      '  permissions:',
      '    diagnose: ["@oncall", UALICE]',
      '',
    ].join('\n'),
  );
});
afterAll(async () => {
  await cluster?.stop();
  await queue?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('redis-runbook shell (piped stdin)', () => {
  it('answers help and explains bad input, then exits 0 at EOF', async () => {
    const r = await runCli(
      ['shell', '--config', configFile],
      'help\ndiagnoze prod\ndiagnose nope\ndiagnose 127.0.0.1:7000\nclusters\nrunbook list\n',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('/redis diagnose prod');
    expect(r.stdout).toContain('Did you mean `diagnose`?');
    expect(r.stdout).toContain('Unknown cluster "nope"');
    expect(r.stdout).toContain('only works on clusters registered');
    expect(r.stdout).toMatch(/Clusters usable here \(1\)\n {2}- prod/);
    expect(r.stdout).toContain('clusterdown: ');
    expect(r.stderr).toContain('applying no user rules');
  });

  it('--as and --channel apply the access rules, and refusals are logged', async () => {
    const mallory = await runCli(
      ['shell', '--config', configFile, '--as', 'UMALLORY', '--channel', 'COPS'],
      'diagnose prod\n',
    );
    expect(mallory.code).toBe(0);
    expect(mallory.stdout).toContain('You do not have the "diagnose" permission');
    expect(mallory.stderr).toMatch(/"event":"access_refused".*"code":"PERMISSION_DENIED"/);
    const elsewhere = await runCli(
      ['shell', '--config', configFile, '--as', 'UBOB', '--channel', 'CELSE'],
      'check prod\n',
    );
    expect(elsewhere.stdout).toContain('Cluster "prod" is not available in this channel');
  });

  it('diagnoses the live cluster step by step, then a numbered button shows the nodes', async () => {
    const r = await runCli(
      ['shell', '--config', configFile, '--as', 'UBOB', '--channel', 'COPS'],
      'check prod\n2\n',
    );
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain('Diagnosing prod…');
    expect(out).toMatch(/── #1 ──\n\[\.\.\.\] Diagnosing prod\.\.\./);
    expect(out).toMatch(/ {2}│ \[OK\] Step 1\/\d+: /);
    expect(out).toContain('── #1 updated ──');
    expect(out).toContain('Redis Cluster diagnosis: cluster prod   state: OK');
    expect(out).toMatch(/\[1\] Diagnose again {3}\[2\] Show nodes/);
    expect(out.indexOf('── #1 updated ──')).toBeGreaterThan(out.lastIndexOf('│ [OK] Step'));
    expect(out).toMatch(/prod: 3 nodes, 3 masters/);
    for (const n of cluster.nodes) expect(out).toContain(n.address);
  });

  it('diagnoses a pasted dump offline, brief first, and says whose view it was under Details', async () => {
    const r = await runCli(['shell', '--config', configFile], `${fixture('down-nodes-n1.txt')}\n\n1\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Offline diagnosis of the pasted output');
    expect(r.stdout).toContain('ROOT CAUSE [master-failed-no-replica]');
    expect(r.stdout).toContain('More with the Details choice');
    const details = r.stdout.indexOf('[1] Details');
    expect(details).toBeGreaterThan(0);
    expect(r.stdout.indexOf('CLUSTER NODES as seen by 127.31.0.1:7000')).toBeGreaterThan(details);
  });

  it('a broken config file is a clear error with exit 2 and no stack', async () => {
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'clusters:\n  - name: x\n    seeds: [nothost]\n');
    const r = await runCli(['shell', '--config', bad], 'help\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('clusters[0].seeds[0]');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

/** Starts `serve` against `fake`; resolves with the child, its port (once listening) and its output. */
async function startServe(fake: FakeSlack) {
  const child = spawn(process.execPath, [BIN, 'serve', '--config', configFile, '--host', '127.0.0.1'], {
    cwd: dir,
    env: serveEnv(fake, `redis://${queue.node(0).address}`),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => {
    out.stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    out.stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, out, exited };
}

describe('redis-runbook serve', () => {
  it('serves signed commands on $PORT at /slack/events and stops cleanly on SIGTERM', async () => {
    const fake = await startFakeSlack();
    const { child, out, exited } = await startServe(fake);
    try {
      const port = await waitUntil(() => startedPort(out.stdout), 30_000, 'listening');
      const body = slashBody({ text: 'help', channel: 'COPS', responseUrl: `${fake.url}/respond/serve` });
      const res = await postForm(`http://127.0.0.1:${port}/slack/events`, body);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { response_type: string }).response_type).toBe('ephemeral');
      expect(out.stdout).not.toContain(BOT_TOKEN);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      await fake.close();
    }
  });

  it('a token Slack rejects is a clear error with exit 2', async () => {
    const fake = await startFakeSlack();
    fake.rejectAuth = true;
    const { out, exited } = await startServe(fake);
    expect(await exited).toBe(2);
    expect(out.stderr).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(out.stderr).not.toMatch(/\n\s+at /);
    await fake.close();
  });

  it('reports missing Slack variables and exits 2 without a stack', async () => {
    const r = await runCli(['serve', '--config', configFile], '', {
      SLACK_BOT_TOKEN: '',
      SLACK_SIGNING_SECRET: '',
      SLACK_APP_TOKEN: '',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('SLACK_BOT_TOKEN is not set');
    expect(r.stderr).toContain('SLACK_SIGNING_SECRET is not set');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
