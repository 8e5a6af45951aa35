/**
 * Credentials on the command line against a real password-protected cluster (issue 13): an explicit
 * --password-env wins over the registry entry whose seed the address is (and the output says which entry's
 * settings are used); with no registry, an auth failure points at the flags, never at a registry entry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseLiveForCli } from '../../src/cli/live.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';

const RIGHT = 'cli-cred-Right-pw-1';
let c: DevCluster;
let dir: string;
let saved: string | undefined;

beforeAll(async () => {
  saved = process.env.REDIS_RUNBOOK_CONFIG;
  delete process.env.REDIS_RUNBOOK_CONFIG;
  process.env.CLI_CRED_RIGHT = RIGHT;
  process.env.CLI_CRED_WRONG = 'cli-cred-not-the-pw-2';
  dir = mkdtempSync(join(tmpdir(), 'cli-credentials-'));
  c = await startCluster({ masters: 3, password: RIGHT, label: 'cli-credentials' });
}, 90_000);
afterAll(async () => {
  if (saved !== undefined) process.env.REDIS_RUNBOOK_CONFIG = saved;
  await c?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function run(target: string, opts: { config?: string; passwordEnv?: string }) {
  const lines: string[] = [];
  const code = await diagnoseLiveForCli(target, {
    ...opts,
    probe: { allowHost: isLoopbackHost },
    out: (t) => lines.push(t),
    err: (t) => lines.push(t),
    verbose: true,
  });
  return { code, text: lines.join('\n') };
}

describe('credentials given on the command line', () => {
  it('--password-env wins over the registry entry the address is a seed of, and says so', async () => {
    const seed = c.node(0).address;
    const config = join(dir, 'redis-runbook.yml');
    writeFileSync(
      config,
      `clusters:\n  - name: prod\n    seeds: ["${seed}"]\n    passwordEnv: CLI_CRED_WRONG\n`,
    );
    const r = await run(seed, { config, passwordEnv: 'CLI_CRED_RIGHT' });
    expect(r.code).toBe(0);
    expect(r.text).toContain(
      `${seed} is a seed of the registered cluster "prod": using its settings, with --password-env CLI_CRED_RIGHT as given instead of its own`,
    );
    expect(r.text).not.toContain(RIGHT);
    // without the flag the entry's (wrong) variable is used, as before
    expect((await run(seed, { config })).code).toBe(2);
  }, 60_000);

  it('with no registry, a rejected password points at the flags, not at a registry entry', async () => {
    const r = await run(c.node(0).address, { passwordEnv: 'CLI_CRED_WRONG' });
    expect(r.code).toBe(2);
    expect(r.text).toContain('check --user and --password-env');
    expect(r.text).not.toMatch(/registry entry/);
  }, 60_000);
});
