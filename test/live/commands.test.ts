/**
 * The commands that runbook steps and recommended actions print, run exactly as printed (`sh -c`, bounded)
 * against real clusters: read-only ones must work, and the mutating plans (finish a migration, FORGET on
 * every node, FAILOVER FORCE / TAKEOVER, ADDSLOTSRANGE) must heal the broken cluster they were printed for.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { planCommandText } from '../../src/bot/render/action-command.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import { backupReplicaLayout, type DevCluster, keySlot, startCluster } from '../../src/devcluster/index.ts';
import { waitFlagged, waitPromoted, waitState } from '../../src/devcluster/scenario-waits.ts';
import { runScenario, type ScenarioName } from '../../src/devcluster/scenarios.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { probeCluster } from '../../src/diagnose/probe/probe.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { RUNBOOKS } from '../../src/runbooks/registry.ts';
import { diagnoseSnapshot } from '../../src/runbooks/run.ts';
import type { RunbookName } from '../../src/runbooks/types.ts';
import { runCli } from './action-helpers.ts';

const PW_ENV = 'RUNBOOK_COMMANDS_TEST_PW';
const INLINE =
  /(?:REDISCLI_AUTH="\$\w+" )?(?:timeout \d+ )?redis-cli -h \S+ -p \S+(?: --user \S+)? [^;#()]*?(?=\s*(?:;|#|\)|\.\s|\.$|$| then | on ))/g;
const MUTATING =
  /\b(setslot|migrate|failover|forget|meet|addslots|addslotsrange|config set|rewrite|replicate|reset)\b/i;
const BROKEN =
  /Syntax error|Unrecognized option|unknown command|wrong number of arg|Invalid arguments|NOAUTH|WRONGPASS|ERR syntax/i;

interface Shell {
  code: number | null;
  out: string;
  timedOut: boolean;
}

/** Runs `cmd` with `sh -c` in its own process group; kills the group after `limitMs`. */
function sh(cmd: string, env: NodeJS.ProcessEnv, limitMs = 15_000): Promise<Shell> {
  return new Promise((resolve) => {
    const p = spawn('sh', ['-c', cmd], { env: { ...process.env, ...env }, detached: true });
    let out = '';
    let timedOut = false;
    p.stdout.on('data', (b: Buffer) => (out += b.toString()));
    p.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      if (p.pid) process.kill(-p.pid, 'SIGKILL');
    }, limitMs);
    p.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out: out.trim(), timedOut });
    });
  });
}

/** Probes `c` once and diagnoses it with each of `runbooks` (undefined: the fitting one), with its auth names. */
async function diagnoseAll(c: DevCluster, runbooks: (RunbookName | undefined)[]): Promise<Diagnosis[]> {
  const cluster: ClusterConfig = {
    name: 'commands',
    seeds: [c.live()[0]!.address],
    ...(c.auth.username ? { username: c.auth.username } : {}),
    ...(c.auth.password ? { passwordEnv: PW_ENV } : {}),
    timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
  };
  const password = c.auth.password;
  const probe = { allowHost: isLoopbackHost, ...(password ? { password } : {}) };
  const snapshot = await probeCluster(cluster, probe);
  const auth = {
    ...(c.auth.username ? { username: c.auth.username } : {}),
    ...(password ? { passwordEnv: PW_ENV } : {}),
  };
  const out: Diagnosis[] = [];
  for (const runbook of runbooks) {
    const copy = structuredClone(snapshot);
    out.push((await diagnoseSnapshot(copy, { auth, ...(runbook ? { runbook } : {}) })).diagnosis);
  }
  return out;
}

/** The live diagnosis of `c` with `runbook` (or the fitting one). */
async function diagnose(c: DevCluster, runbook?: RunbookName): Promise<Diagnosis> {
  return (await diagnoseAll(c, [runbook]))[0]!;
}

const envOf = (c: DevCluster): NodeJS.ProcessEnv => (c.auth.password ? { [PW_ENV]: c.auth.password } : {});
const codes = (d: Diagnosis) => d.rootCauses.map((r) => r.code);
const actionTexts = (d: Diagnosis) =>
  d.rootCauses.flatMap((r) => r.actions.map((a) => `${a.target}: ${a.why}`));

/** Every command the four runbooks print for `c`: step commands plus those named in texts and actions. */
async function printed(c: DevCluster): Promise<string[]> {
  const out = new Set<string>();
  for (const d of await diagnoseAll(
    c,
    RUNBOOKS.map((rb) => rb.name),
  )) {
    for (const s of d.steps ?? []) {
      if (/^(REDISCLI_AUTH="\$\w+" )?(timeout \d+ )?(redis-cli|nc|bash) /.test(s.command)) out.add(s.command);
      for (const t of [...s.evidence, s.meaning]) for (const m of t.matchAll(INLINE)) out.add(m[0]);
    }
    for (const t of actionTexts(d)) for (const m of t.matchAll(INLINE)) out.add(m[0]);
  }
  return [...out];
}

/** The "host:port"s a command talks to (data ports; bus ports as printed for bash's /dev/tcp or nc). */
function targets(cmd: string): string[] {
  const data = [...cmd.matchAll(/-h (\S+) -p (\d+)/g)].map((m) => `${m[1]}:${m[2]}`);
  const check = [...cmd.matchAll(/--cluster check (\S+)/g)].map((m) => m[1]!);
  const bus = [
    ...cmd.matchAll(/\/dev\/tcp\/(\S+)\/(\d+)'/g),
    ...cmd.matchAll(/nc -vz -w \d+ (\S+) (\d+)/g),
  ].map((m) => `${m[1]}:${m[2]}`);
  return [...data, ...check, ...bus];
}

/** The programs a printed command runs (besides the shell's own builtins). */
function toolsOf(cmd: string): string[] {
  return ['redis-cli', 'bash', 'timeout', 'nc', 'grep', 'awk'].filter((t) =>
    new RegExp(`(^|[\\s;|&(])${t} `).test(cmd),
  );
}

/** What runReadOnly did: each command run and its result, and those left out for a missing program. */
interface ReadOnlyRun {
  printed: number;
  ran: Map<string, Shell>;
  skipped: { cmd: string; missing: string[] }[];
}

/**
 * Runs every read-only, placeholder-free printed command as printed, except those needing a program this
 * machine lacks (listed in `skipped`, so assertions count only what really ran). None may hang or be
 * malformed; one that talks only to answering nodes and is not a grep or a `--cluster check` of a broken
 * cluster must exit 0 with output.
 */
async function runReadOnly(c: DevCluster, silent: string[] = []): Promise<ReadOnlyRun> {
  const answering = new Set(
    c.live().flatMap((n) => (silent.includes(n.address) ? [] : [n.address, `${n.host}:${n.cport}`])),
  );
  const all = (await printed(c)).filter((x) => !MUTATING.test(x) && !/<[^<>]+>/.test(x));
  const tools = [...new Set(all.flatMap(toolsOf))];
  const present = new Set<string>();
  for (const t of tools) if ((await sh(`command -v ${t}`, {})).code === 0) present.add(t);
  const skipped = all
    .map((cmd) => ({ cmd, missing: toolsOf(cmd).filter((t) => !present.has(t)) }))
    .filter((x) => x.missing.length > 0);
  const cmds = all.filter((cmd) => !skipped.some((x) => x.cmd === cmd));
  const runs = await Promise.all(cmds.map((cmd) => sh(cmd, envOf(c))));
  for (const [i, cmd] of cmds.entries()) {
    const r = runs[i]!;
    expect(r.timedOut, `hung: ${cmd}`).toBe(false);
    expect(r.out, cmd).not.toMatch(BROKEN);
    if (silent.some((a) => targets(cmd).includes(a))) expect(cmd).toMatch(/\btimeout \d+ redis-cli/);
    const strict = !/--cluster check|\| grep/.test(cmd) && targets(cmd).every((t) => answering.has(t));
    if (strict) expect({ cmd, code: r.code, empty: r.out === '' }).toEqual({ cmd, code: 0, empty: false });
  }
  return { printed: all.length, ran: new Map(cmds.map((cmd, i) => [cmd, runs[i]!])), skipped };
}

/**
 * Many commands were printed, and every one either ran or was left out for a program this machine lacks
 * (netcat, say): the count follows what really ran. Returns the commands that ran.
 */
function ranAll(r: ReadOnlyRun): Map<string, Shell> {
  expect(r.printed).toBeGreaterThan(10);
  expect(r.ran.size + r.skipped.length).toBe(r.printed);
  expect(r.ran.size).toBeGreaterThan(0);
  return r.ran;
}

/** Runs a printed mutating command; it must exit 0 without an error reply. */
async function apply(c: DevCluster, cmd: string): Promise<string> {
  const r = await sh(cmd, envOf(c));
  expect({ cmd, code: r.code, out: r.out }).toEqual({
    cmd,
    code: 0,
    out: expect.not.stringMatching(/ERR|error/i),
  });
  return r.out;
}

/** Follows the resharding plan step by step, filling in the keys GETKEYSINSLOT printed. */
async function applyReshardPlan(c: DevCluster, d: Diagnosis): Promise<void> {
  const lines = d.steps?.find((s) => s.id === 'plan')?.evidence ?? [];
  const steps = lines.flatMap((l) => /^\s+\d+\. (.*)$/.exec(l)?.[1] ?? []);
  expect(steps.length).toBeGreaterThan(0);
  let keys = '';
  for (const step of steps) {
    const others = /^then the same "(.*)" on every other master$/.exec(step);
    if (others) {
      const tpl = steps.find((s) => s.includes(others[1]!))!.replace(/\s+#.*$/, '');
      const named = new Set(steps.flatMap(targets));
      for (const m of c.masters().filter((n) => !named.has(n.address)))
        await apply(c, tpl.replace(/-h \S+ -p \d+/, `-h ${m.host} -p ${m.port}`));
    } else if (step.includes('<keys from the line above>')) {
      await apply(c, step.replace('<keys from the line above>', keys));
    } else {
      const out = await apply(c, step);
      if (/getkeysinslot/.test(step)) keys = out.split('\n').join(' ');
    }
  }
}

/** Builds a scenario, runs `body` on its cluster and always stops it. */
async function withScenario(name: ScenarioName, body: (c: DevCluster) => Promise<void>): Promise<void> {
  const s = await runScenario(name);
  try {
    await body(s.cluster);
  } finally {
    await s.cluster.stop();
  }
}

describe('printed commands on real clusters', () => {
  it('open slot: read-only commands work; the plan finishes the move and the cluster is healthy', async () => {
    await withScenario('open-slot', async (c) => {
      const ran = ranAll(await runReadOnly(c));
      // the bus-port checks need only bash, and say so when the port is open
      const bus = [...ran].filter(([cmd]) => cmd.includes('/dev/tcp/'));
      expect(bus.length).toBeGreaterThan(0);
      for (const [cmd, r] of bus) expect(r.out, cmd).toMatch(/bus port \d+ accepts TCP$/);
      await applyReshardPlan(c, await diagnose(c, 'resharding'));
      await waitState(c, 'ok');
      const after = await diagnose(c);
      expect(codes(after)).toEqual(['healthy']);
      expect(after.findings.map((f) => f.code)).not.toContain('OPEN_SLOT');
      const slot = keySlot('item:{t2}:0');
      expect(await c.cli(c.node(1), 'CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe('10');
    });
  }, 20_000);

  it('password + ACL user: commands authenticate, and MIGRATE carries its own AUTH2', async () => {
    await withScenario('acl-protected', async (c) => {
      const [src, dst] = [c.node(0), c.node(1)];
      const keys = Array.from({ length: 6 }, (_, i) => `acl:{t2}:${i}`);
      const slot = keySlot(keys[0]!);
      for (const k of keys) await c.cli(src, 'SET', k, 'v');
      await c.cli(dst, 'CLUSTER', 'SETSLOT', slot, 'IMPORTING', src.id);
      await c.cli(src, 'CLUSTER', 'SETSLOT', slot, 'MIGRATING', dst.id);
      const auth = ['AUTH2', c.auth.username!, c.auth.password!];
      await c.cli(src, 'MIGRATE', dst.host, dst.port, '', 0, 5000, ...auth, 'KEYS', keys[0]!, keys[1]!);
      ranAll(await runReadOnly(c));
      const d = await diagnose(c, 'resharding');
      expect(d.steps?.find((s) => s.id === 'plan')?.evidence.join('\n')).toContain(
        `AUTH2 runbook "$${PW_ENV}"`,
      );
      await applyReshardPlan(c, d);
      await waitState(c, 'ok');
      expect(codes(await diagnose(c))).toEqual(['healthy']);
      expect(await c.cli(src, 'CLUSTER', 'COUNTKEYSINSLOT', slot)).toBe('0');
      for (const k of keys) expect(await c.cli(dst, 'GET', k)).toBe('v');
    });
  }, 20_000);

  it('ghost nodes: the printed CLUSTER FORGET on every node removes the ghost', async () => {
    await withScenario('ghost-nodes', async (c) => {
      ranAll(await runReadOnly(c));
      const forget = (await diagnose(c)).rootCauses
        .flatMap((r) => r.actions)
        .find((a) => a.action === 'forget-node');
      const cmds = [...(forget?.why ?? '').matchAll(INLINE)].map((m) => m[0]);
      expect(cmds).toHaveLength(3);
      for (const cmd of cmds) await apply(c, cmd);
      // The handshake entry to nowhere is the documented residual: it expires by itself within seconds.
      await c.waitFor(async () => codes(await diagnose(c)).join() === 'healthy', {
        what: 'a healthy diagnosis',
        timeoutMs: 10_000,
      });
    });
  }, 25_000);

  it('unassigned slots: the printed ADDSLOTSRANGE covers them', async () => {
    await withScenario('slots-unassigned', async (c) => {
      const d = await diagnose(c);
      const add = actionTexts(d).flatMap((t) => [...t.matchAll(INLINE)].map((m) => m[0]))[0]!;
      expect(add).toBe('redis-cli -h <host> -p <port> CLUSTER ADDSLOTSRANGE 5000 5460 16000 16383');
      await apply(c, add.replace('-h <host> -p <port>', `-h ${c.node(2).host} -p ${c.node(2).port}`));
      await waitState(c, 'ok');
      expect(codes(await diagnose(c))).toEqual(['healthy']);
    });
  }, 20_000);
});

describe('printed failover commands on real clusters', () => {
  it('majority lost: TAKEOVER as printed, then CLUSTER FORGET of both old masters, ends healthy', async () => {
    await withScenario('majority-masters-down', async (c) => {
      const ran = ranAll(await runReadOnly(c));
      // a dead node's bus port: bash says so
      const dead = [...ran].filter(([cmd]) => cmd.includes('/dev/tcp/') && !cmd.includes(c.node(3).host));
      expect(dead.some(([, r]) => r.out.includes('bash: connect: Connection refused'))).toBe(true);
      const variant = (await diagnose(c, 'failover')).steps?.find((s) => s.id === 'variant');
      expect(variant?.command).toBe(`redis-cli -h ${c.node(3).host} -p 7000 cluster failover takeover`);
      expect(variant?.meaning).toMatch(/loses every write .* after .* last sync/);
      await apply(c, variant!.command);
      await waitPromoted(c, c.node(3));
      await waitPromoted(c, c.node(4));
      await waitState(c, 'ok');
      const done = await diagnose(c);
      expect(codes(done)).toEqual(['failover-completed', 'failover-completed']);
      // Each forget-node action prints its exact plan command; the same words with `apply` run it.
      const seed = c.live()[0]!.address;
      const forgets = done.rootCauses.flatMap((r) => r.actions).filter((a) => a.action === 'forget-node');
      const cmds = forgets.map((a) => planCommandText(a, seed));
      expect(cmds).toHaveLength(2);
      for (const cmd of cmds) {
        expect(cmd).toMatch(/^redis-runbook plan forget-node \S+ --node [0-9a-f]{40}$/);
        const [, , ...words] = cmd!.split(' ');
        const auth = c.auth.password ? ['--password-env', PW_ENV] : [];
        Object.assign(process.env, envOf(c)); // runCli passes the test's environment on
        const r = await runCli(['apply', ...words, ...auth, '--yes', '--reason', 'printed command test']);
        expect(r, r.stdout + r.stderr).toMatchObject({ code: 0 });
      }
      expect(codes(await diagnose(c))).toEqual(['healthy']);
    });
  }, 30_000);

  it('a nofailover replica: CLUSTER FAILOVER FORCE as printed promotes it', async () => {
    const c = await startCluster({
      nodes: backupReplicaLayout(),
      nodeTimeoutMs: 1500,
      label: 'commands-force',
    });
    try {
      await c.kill(c.node(0));
      await waitFlagged(c, c.node(0), 'fail');
      const d = await diagnose(c, 'failover');
      const variant = d.steps?.find((s) => s.id === 'variant');
      expect(variant?.command).toBe(`redis-cli -h ${c.node(3).host} -p 7000 cluster failover force`);
      expect(variant?.meaning).toMatch(/lost/);
      await apply(c, variant!.command);
      await waitPromoted(c, c.node(3));
      await waitState(c, 'ok');
      expect(codes(await diagnose(c))).toEqual(['failover-completed']);
    } finally {
      await c.stop();
    }
  }, 25_000);

  it('a frozen master: commands that reach it or --cluster check are bounded by timeout', async () => {
    const c = await startCluster({ masters: 3, nodeTimeoutMs: 1500, label: 'commands-frozen' });
    try {
      const frozen = c.node(0);
      await c.freeze(frozen);
      const ran = ranAll(await runReadOnly(c, [frozen.address]));
      const check = [...ran.keys()].find((cmd) => cmd.includes('--cluster check'))!;
      expect(check).toMatch(/^timeout 10 redis-cli --cluster check \S+ {3}# hangs while /);
      expect(ran.get(check)?.code).toBe(124);
    } finally {
      await c.stop();
    }
  }, 30_000);
});
