/** Shared bits of the live action tests: a registry entry for a dev cluster, plan/execute wrappers, keys, commandstats, the CLI. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { expect } from 'vitest';
import { type ExecuteOptions, executePlan, planAction } from '../../src/actions/service.ts';
import type { ExecutionEvent, ExecutionResult, Plan, Refusal } from '../../src/actions/types.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import type { DevCluster, DevNode } from '../../src/devcluster/index.ts';
import { writeKeys } from '../../src/devcluster/scenario-kit.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import type { ActionParams, Diagnosis } from '../../src/diagnose/types.ts';

/** Env var the tests put the cluster password in (never the process environment). */
export const PW_ENV = 'ACTIONS_TEST_PW';

/** Registry entry for `c`, seeded with its first live node; the password by env var name. */
export function configOf(c: DevCluster, extra: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    name: 'actions-test',
    seeds: [c.live()[0]!.address],
    ...(c.auth.username ? { username: c.auth.username } : {}),
    ...(c.auth.password ? { passwordEnv: PW_ENV } : {}),
    timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
    ...extra,
  };
}

/** Options that keep the probe and the executor on loopback and hand them the password. */
export function optsOf(c: DevCluster, env: NodeJS.ProcessEnv = {}): ExecuteOptions {
  return {
    probe: { allowHost: isLoopbackHost },
    env: { ...(c.auth.password ? { [PW_ENV]: c.auth.password } : {}), ...env },
  };
}

/** Plans `action`; fails the test with the refusal when it refuses. */
export async function mustPlan(
  c: DevCluster,
  action: string,
  params: ActionParams,
  cfg = configOf(c),
): Promise<{ plan: Plan; diagnosis: Diagnosis }> {
  const r = await planAction(cfg, action, params, optsOf(c));
  if ('refusal' in r) throw new Error(`${action} refused: ${r.refusal.reasons.join('; ')}`);
  return r;
}

/** Plans `action` and expects a refusal. */
export async function mustRefuse(c: DevCluster, action: string, params: ActionParams): Promise<Refusal> {
  const r = await planAction(configOf(c), action, params, optsOf(c));
  if (!('refusal' in r)) throw new Error(`${action} planned: ${r.plan.summary}`);
  return r.refusal;
}

/** Runs a plan, collecting its events; records how long it took under `label`. */
export async function run(
  c: DevCluster,
  plan: Plan,
  label: string,
  timings: Record<string, number>,
  cfg = configOf(c),
): Promise<{ result: ExecutionResult; events: ExecutionEvent[] }> {
  const events: ExecutionEvent[] = [];
  const result = await executePlan(cfg, plan, { ...optsOf(c), listener: (e) => void events.push(e) });
  timings[label] = result.elapsedMs;
  return { result, events };
}

/** Writes `count` keys to `master`'s slots and returns them. */
export function seed(c: DevCluster, master: DevNode, count = 30): Promise<string[]> {
  return writeKeys(c, master, count);
}

/** Every key reads back its value from `node`. */
export async function expectReadable(c: DevCluster, node: DevNode, keys: readonly string[]): Promise<void> {
  for (const k of keys) expect(await c.cli(node, 'GET', k), k).toBe(`value-of-${k}`);
}

/** How many times `node` ran `command` ("cluster|failover"), from INFO commandstats. */
export async function calls(c: DevCluster, node: DevNode, command: string): Promise<number> {
  const stats = await c.info(node, 'commandstats');
  return Number(/calls=(\d+)/.exec(stats[`cmdstat_${command}`] ?? '')?.[1] ?? 0);
}

/** Waits until `replica`'s offset equals its master's. */
export async function waitCaughtUp(c: DevCluster, replica: DevNode, master: DevNode): Promise<void> {
  await c.waitFor(
    async () => {
      const [m, r] = [await c.info(master), await c.info(replica)];
      return r['master_link_status'] === 'up' && r['slave_repl_offset'] === m['master_repl_offset'];
    },
    { what: `${replica.address} caught up`, timeoutMs: 10_000 },
  );
}

/** How a CLI run ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment a CLI run under test gets: no registry, no colours, no REDIS_URL. */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env['REDIS_RUNBOOK_CONFIG'];
  delete env['REDIS_URL']; // `apply` audits to REDIS_URL when set: never the machine's own 6379
  return env;
}

/** Starts the compiled `redis-runbook <args>` as an operator runs it, in the environment of cliEnv. */
export function spawnBuiltCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['bin/redis-runbook.js', ...args], { env: cliEnv() });
}

/** Runs `redis-runbook <args>` (from source, no registry, no colours, stdin closed); killed after 60 s. */
export function runCli(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      env: cliEnv(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.stdin.end();
    const timer = setTimeout(() => p.kill('SIGKILL'), 60_000);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Creates (or resets) each [name, password, ACL rules] user on every node of `c`. */
export async function setAclUsers(c: DevCluster, users: readonly [string, string, string][]): Promise<void> {
  for (const n of c.nodes)
    for (const [name, pw, acl] of users)
      await c.cli(n, 'ACL', 'SETUSER', name, 'reset', 'on', `>${pw}`, ...acl.split(' '));
}

/** A registry entry that diagnoses as `diag` (DIAG_PW) and remediates as `user` (password in `env`). */
export function aclConfig(seed: DevNode, user: string, env: string): ClusterConfig {
  return {
    name: 'acl',
    seeds: [seed.address],
    username: 'diag',
    passwordEnv: 'DIAG_PW',
    remediation: { username: user, passwordEnv: env },
    timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
  };
}
