/**
 * Start-up, as a user starts the CLI (`node bin/redis-runbook.js`, the compiled bundle): which packages
 * each command loads (`--version`, `runbook list` and a pasted dump load no Slack, Redis, logging, YAML or
 * schema library; a live diagnosis loads the Redis client, and YAML and zod only with a registry), and
 * how the launcher refuses a missing or stale build instead of running it. Timings live in `npm run bench`.
 */
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { RUNBOOKS } from '../../src/runbooks/registry.ts';
import { RUNBOOK_NAMES } from '../../src/runbooks/types.ts';
import { scenarioPaste } from '../diagnose/scenario-fixtures.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'redis-runbook.js');
const TRACE = join(import.meta.dirname, 'helpers', 'trace-loads.mjs');
const HEAVY = ['@slack/bolt', 'ioredis', 'pino', 'yaml', 'zod'] as const;
const dir = mkdtempSync(join(tmpdir(), 'startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Traced {
  code: number | null;
  out: string;
  err: string;
  /** npm packages the process loaded, by name. */
  packages: Set<string>;
}

let runs = 0;
/** Runs the CLI in `cwd` (default: an empty temp dir, so no registry) and records what it loaded. */
function traced(args: string[], cwd = dir, input = ''): Traced {
  const trace = join(dir, `trace-${runs++}.txt`);
  writeFileSync(trace, '');
  const res = spawnSync(process.execPath, ['--import', TRACE, BIN, ...args], {
    cwd,
    input,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, TRACE_LOADS: trace, NO_COLOR: '1', REDIS_RUNBOOK_CONFIG: '' },
  });
  const packages = new Set(
    readFileSync(trace, 'utf8')
      .split('\n')
      .flatMap((f) => /node_modules\/(@[^/]+\/[^/]+|[^/]+)\//.exec(f)?.slice(1, 2) ?? []),
  );
  return { code: res.status, out: res.stdout, err: res.stderr, packages };
}

const heavyIn = (t: Traced) => HEAVY.filter((p) => t.packages.has(p));

describe('what each command loads', () => {
  it('--version prints the package version and loads no package at all', () => {
    const t = traced(['--version']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(t.code).toBe(0);
    expect(t.out.trim()).toBe(pkg.version);
    expect([...t.packages]).toEqual([]);
  });

  it('runbook list loads none of Bolt, ioredis, pino, yaml, zod', () => {
    const t = traced(['runbook', 'list']);
    expect(t.code).toBe(0);
    for (const name of RUNBOOK_NAMES) expect(t.out).toContain(name);
    expect(heavyIn(t)).toEqual([]);
  });

  it('a pasted dump (file and stdin) is diagnosed without loading Bolt, ioredis, pino, yaml or zod', () => {
    const paste = scenarioPaste('master-killed-no-replica');
    writeFileSync(join(dir, 'dump.txt'), paste);
    for (const t of [
      traced(['diagnose', '--file', 'dump.txt']),
      traced(['diagnose', '--file', '-'], dir, paste),
    ]) {
      expect(t.code).toBe(3);
      expect(t.out).toContain('master-failed-no-replica');
      expect(heavyIn(t)).toEqual([]);
    }
  });

  it('explain and slot without --cluster load no package at all', () => {
    for (const args of [
      ['explain', 'MOVED 3999 127.0.0.1:6381'],
      ['slot', 'user:1000'],
    ]) {
      const t = traced(args);
      expect(t.code).toBe(0);
      expect([...t.packages]).toEqual([]);
    }
  });

  it('the runbook names the CLI shows without loading a runbook are the registry’s', () => {
    expect(RUNBOOKS.map((r) => r.name)).toEqual([...RUNBOOK_NAMES]);
  });
});

describe('a live diagnosis loads the Redis client, and YAML and zod only with a registry', () => {
  let cluster: DevCluster;
  beforeAll(async () => {
    cluster = await startCluster({ masters: 3, label: 'startup' });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('host:port with no registry: ioredis only', () => {
    const t = traced(['diagnose', cluster.node(0).address]);
    expect(t.code).toBe(0);
    expect(t.out).toContain('3 of 3 nodes answered');
    expect(heavyIn(t)).toEqual(['ioredis']);
  });

  it('prints the brief by default, and every step in full as it completes with --verbose', () => {
    const brief = traced(['diagnose', cluster.node(0).address]);
    const verbose = traced(['diagnose', cluster.node(0).address, '--verbose']);
    expect(brief.out).toMatch(/^STEPS( \(\d+ restates the root cause above\))?$/m);
    expect(brief.out).toMatch(/^ {2}1\. \[ok\] /m);
    expect(brief.out).not.toMatch(/^\[1\/\d+\] /m);
    expect(brief.out).toContain('More with --verbose');
    expect(verbose.out).toMatch(/^\[1\/\d+\] OK/m);
    expect(verbose.out).toContain('FINDINGS');
    expect(brief.out.split('\n').length).toBeLessThan(verbose.out.split('\n').length);
  });

  it('a registered cluster: ioredis, yaml and zod, never Bolt or pino', () => {
    const registry = join(dir, 'registry');
    mkdirSync(registry, { recursive: true });
    writeFileSync(
      join(registry, 'redis-runbook.yml'),
      `clusters:\n  - name: local\n    seeds: ["${cluster.node(0).address}"]\n`,
    );
    const t = traced(['diagnose', 'local'], registry);
    expect(t.code).toBe(0);
    expect(heavyIn(t)).toEqual(['ioredis', 'yaml', 'zod']);
  });
});

describe('the launcher runs only a current build', () => {
  /** A copy of the launcher beside a one-line dist/main.js, with src/ (a checkout) or without (installed). */
  function layout(name: string, opts: { dist: boolean; src: boolean; srcNewer?: boolean }): string {
    const root = join(dir, name);
    mkdirSync(join(root, 'bin'), { recursive: true });
    for (const f of ['redis-runbook.js', 'build-state.js'])
      copyFileSync(join(ROOT, 'bin', f), join(root, 'bin', f));
    const old = new Date(Date.now() - 60_000);
    const now = new Date();
    if (opts.src) {
      mkdirSync(join(root, 'src', 'cli'), { recursive: true });
      writeFileSync(join(root, 'src', 'cli', 'main.ts'), '');
      utimesSync(join(root, 'src', 'cli', 'main.ts'), opts.srcNewer ? now : old, opts.srcNewer ? now : old);
    }
    if (opts.dist) {
      mkdirSync(join(root, 'dist'), { recursive: true });
      writeFileSync(join(root, 'dist', 'main.js'), "process.stdout.write('ran the build\\n');\n");
      const when = opts.srcNewer ? old : now;
      utimesSync(join(root, 'dist', 'main.js'), when, when);
    }
    return root;
  }
  const launch = (root: string) => {
    const res = spawnSync(process.execPath, [join(root, 'bin', 'redis-runbook.js'), '--version'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    return { code: res.status, out: res.stdout, err: res.stderr };
  };

  it('a current build runs, in a checkout and in an installed copy', () => {
    expect(launch(layout('fresh', { dist: true, src: true })).out).toBe('ran the build\n');
    expect(launch(layout('installed', { dist: true, src: false })).out).toBe('ran the build\n');
  });

  it('no build: exit 2 with the command that fixes it', () => {
    const r = launch(layout('unbuilt', { dist: false, src: true }));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/not built yet.*run `npm run build` in .*unbuilt first \[NOT_BUILT\]/);
  });

  it('a build older than a source file: exit 2 naming the file, and the old build never runs', () => {
    const r = launch(layout('stale', { dist: true, src: true, srcNewer: true }));
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain('older than src/cli/main.ts');
    expect(r.err).toContain('npm run build');
  });
});
