import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  isConfigError,
  loadConfig,
  parseConfigText,
  resolvePassword,
  resolveTarget,
} from '../../src/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'rr-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function caught(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

const GOOD = `
clusters:
  - name: prod
    seeds: ["127.0.0.1:7000", "[::1]:7001"]
    passwordEnv: RR_TEST_PROD_PW
    timeouts: { commandMs: 900 }
  - name: staging
    seeds: ["localhost:7100"]
`;

describe('loadConfig', () => {
  it('loads and fills defaults', () => {
    const cfg = loadConfig(write('good.yml', GOOD), {});
    expect(cfg.clusters.map((c) => c.name)).toEqual(['prod', 'staging']);
    expect(cfg.clusters[0]!.timeouts).toEqual({ connectMs: 1000, commandMs: 900, nodeDeadlineMs: 2500 });
    expect(cfg.access.permissions.diagnose).toEqual(['*']);
  });

  it('gives an empty config when the default file is missing', () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(loadConfig(undefined, {}).clusters).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  });

  it('fails when an explicitly named file is missing (argument or env var)', () => {
    expect(caught(() => loadConfig(join(dir, 'nope.yml'), {})).code).toBe('CONFIG_NOT_FOUND');
    const viaEnv = caught(() => loadConfig(undefined, { REDIS_RUNBOOK_CONFIG: join(dir, 'nope2.yml') }));
    expect(viaEnv.code).toBe('CONFIG_NOT_FOUND');
    expect(viaEnv.message).toContain('nope2.yml');
  });

  it('lets REDIS_RUNBOOK_CONFIG override the default, and an explicit path override both', () => {
    const viaEnv = write('env.yml', GOOD);
    expect(loadConfig(undefined, { REDIS_RUNBOOK_CONFIG: viaEnv }).clusters).toHaveLength(2);
    const other = write('other.yml', 'clusters: []\n');
    expect(loadConfig(other, { REDIS_RUNBOOK_CONFIG: viaEnv }).clusters).toHaveLength(0);
  });

  it('lists every problem by its path', () => {
    const err = caught(() =>
      parseConfigText(`
clusters:
  - name: ok
    seeds: ["127.0.0.1:7000"]
  - name: "bad name"
    seeds: [nohost, "h:99999"]
    colour: blue
    timeouts: { connectMs: 5 }
  - name: ok
    seeds: []
access:
  channels: { C1: prod }
`),
    );
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.problems).toEqual(
      expect.arrayContaining([
        'clusters[1].name: letters, digits, ".", "_" and "-" only',
        'clusters[1].seeds[0]: expected "host:port"',
        'clusters[1].seeds[1]: port must be 1-65535',
        'clusters[1].colour: unknown setting',
        'clusters[2].name: duplicate cluster "ok"',
      ]),
    );
    expect(err.problems.some((p) => p.startsWith('clusters[1].timeouts.connectMs:'))).toBe(true);
    expect(err.problems.some((p) => p.startsWith('clusters[2].seeds:'))).toBe(true);
    expect(err.problems.some((p) => p.startsWith('access.channels.C1:'))).toBe(true);
    expect(err.problems).toHaveLength(8);
    expect(err.message).toContain('8 problems');
  });

  it('reports YAML syntax errors with line numbers', () => {
    const err = caught(() => parseConfigText('clusters:\n  - name: a\n   seeds: [x\n'));
    expect(err.code).toBe('CONFIG_YAML');
    expect(err.problems[0]).toMatch(/^line \d+, column \d+: /);
  });

  it('loads the committed example', () => {
    const cfg = loadConfig('redis-runbook.example.yml', {});
    expect(cfg.clusters.length).toBeGreaterThan(0);
  });
});

describe('resolvePassword', () => {
  const cfg = parseConfigText(GOOD);
  it('reads the named env var at use time', () => {
    expect(resolvePassword(cfg.clusters[0]!, { RR_TEST_PROD_PW: 's3cret-value' })).toBe('s3cret-value');
    expect(resolvePassword(cfg.clusters[1]!, {})).toBeUndefined();
  });
  it('names the variable, never a value, when it is missing', () => {
    const err = caught(() => resolvePassword(cfg.clusters[0]!, { OTHER: 's3cret-value' }));
    expect(err.code).toBe('PASSWORD_ENV_MISSING');
    expect(err.message).toContain('RR_TEST_PROD_PW');
    expect(err.message).not.toContain('s3cret-value');
  });
});

describe('resolveTarget', () => {
  const cfg = parseConfigText(GOOD);
  it('finds a registered name', () => {
    const t = resolveTarget(cfg, 'prod', { allowAdHoc: false });
    expect(t.adHoc).toBe(false);
    expect(t.cluster.seeds[0]).toBe('127.0.0.1:7000');
  });
  it('rejects an unknown name, listing the known ones', () => {
    const err = caught(() => resolveTarget(cfg, 'prdo', { allowAdHoc: true }));
    expect(err.code).toBe('UNKNOWN_CLUSTER');
    expect(err.message).toContain('prod, staging');
    expect(isConfigError(err, 'UNKNOWN_CLUSTER')).toBe(true);
  });
  it('allows host:port only when ad-hoc targets are allowed', () => {
    expect(caught(() => resolveTarget(cfg, '127.0.0.9:7000', { allowAdHoc: false })).code).toBe(
      'ADHOC_NOT_ALLOWED',
    );
    const t = resolveTarget(cfg, '127.0.0.9:7000', { allowAdHoc: true, passwordEnv: 'MY_PW' });
    expect(t).toMatchObject({ adHoc: true, cluster: { name: '127.0.0.9:7000', passwordEnv: 'MY_PW' } });
    expect(t.cluster.timeouts.commandMs).toBe(1500);
  });
  it('uses the registered settings for an address that is a seed', () => {
    const t = resolveTarget(cfg, '127.0.0.1:7000', { allowAdHoc: true });
    expect(t).toMatchObject({ adHoc: false, cluster: { name: 'prod' } });
    const err = caught(() => resolveTarget(cfg, '127.0.0.1:7000', { allowAdHoc: false }));
    expect(err.message).toContain('"prod"');
  });
  it("lets an explicit --user / --password-env win over the seed's registry entry, and says so", () => {
    const t = resolveTarget(cfg, '127.0.0.1:7000', {
      allowAdHoc: true,
      username: 'ops',
      passwordEnv: 'MINE',
    });
    expect(t).toMatchObject({
      adHoc: false,
      credentials: 'flags',
      cluster: { name: 'prod', username: 'ops', passwordEnv: 'MINE' },
    });
    expect(t.note).toBe(
      '127.0.0.1:7000 is a seed of the registered cluster "prod": using its settings, with --user ops and --password-env MINE as given instead of its own',
    );
  });
});
