/**
 * `redis-runbook diagnose --file` run as a child process, as a user runs it (bin/redis-runbook.js, the
 * compiled build that vitest's global setup keeps current): JSON shape, exit codes 0/2/3, stdin, and clean
 * one-line errors.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { hasScenario, scenarioPaste } from '../diagnose/scenario-fixtures.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'diagnose-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], input?: string) {
  const res = spawnSync(process.execPath, ['bin/redis-runbook.js', 'diagnose', ...args], {
    cwd: root,
    input: input ?? '',
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: res.status, out: res.stdout, err: res.stderr };
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const withFixtures =
  hasScenario('healthy') && hasScenario('master-killed-no-replica') ? describe : describe.skip;

withFixtures('diagnose --file', () => {
  it('healthy dump: exit 0 and the documented JSON shape', () => {
    const r = run(['--file', file('healthy.txt', scenarioPaste('healthy')), '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(Object.keys(json)).toEqual([
      'source',
      'state',
      'rootCauses',
      'findings',
      'steps',
      'warnings',
      'visibility',
      'fingerprint',
    ]);
    expect(json).toMatchObject({ source: 'paste', state: 'ok' });
    expect(json.rootCauses[0]).toMatchObject({ code: 'healthy', nodes: [], slots: '', actions: [] });
    expect(Object.keys(json.rootCauses[0])).toEqual([
      'code',
      'summary',
      'explanation',
      'nodes',
      'slots',
      'actions',
    ]);
    expect(json.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(r.err).toBe('');
  });

  it('dead master: exit 3, critical findings with the documented fields', () => {
    const r = run(['--file', file('dead.txt', scenarioPaste('master-killed-no-replica')), '--json']);
    expect(r.code).toBe(3);
    const json = JSON.parse(r.out);
    expect(json.state).toBe('fail');
    expect(json.rootCauses[0].code).toBe('master-failed-no-replica');
    const f = json.findings.find((x: { severity: string }) => x.severity === 'critical');
    expect(Object.keys(f)).toEqual(['code', 'severity', 'message', 'nodes', 'slots', 'evidence']);
  });

  it('reads stdin with "-" and prints the text report', () => {
    const r = run(['--file', '-'], scenarioPaste('master-killed-no-replica'));
    expect(r.code).toBe(3);
    expect(r.out).toMatch(/ROOT CAUSE \[master-failed-no-replica\]/);
    expect(r.out).toMatch(/Recommended actions/);
    expect(r.out.includes('\u001b[')).toBe(false);
  });
});

describe('pastes that are not clean redis-cli output (issue 12)', () => {
  it('redacted ids are diagnosed, not refused: the cause and a note that the ids look renamed', () => {
    const text = [
      'n1 10.1.0.1:7000@17000 master,fail - 1700000100000 1700000090000 4 disconnected 0-16383',
      'n2 10.1.0.2:7000@17000 myself,slave n1 0 1700000200000 4 connected',
      'n3 10.1.0.3:7000@17000 master - 0 1700000201000 0 connected',
    ].join('\n');
    const r = run(['--file', file('redacted.txt', text), '--json']);
    expect(r.code).toBe(3);
    const json = JSON.parse(r.out);
    expect(json.rootCauses[0].code).toBe('failover-not-possible-no-voters');
    expect(json.warnings.join(' ')).toMatch(/node ids look redacted or renamed \(n1, n2, n3\)/);
  });

  it('text with nothing readable still gets an answer: undetermined, what to paste, exit 2', () => {
    const r = run(['--file', file('prose.txt', 'the site is down, help\n'), '--json']);
    expect(r.code).toBe(2);
    const json = JSON.parse(r.out);
    expect(json.rootCauses.map((c: { code: string }) => c.code)).toEqual(['undetermined']);
    expect(json.rootCauses[0].explanation).toMatch(/Paste the output of CLUSTER NODES/);
    expect(r.err).toMatch(/no Redis Cluster output found.*\[NO_CLUSTER_OUTPUT\]/);
  });
});

describe('diagnose usage and input errors exit 2 with one clear line', () => {
  it.each([
    [
      'a missing file',
      ['--file', '/nonexistent/dump.txt'],
      undefined,
      /cannot read \/nonexistent\/dump\.txt: no such file/,
    ],
    ['an empty file', ['--file', file('empty.txt', '  \n\n')], undefined, /input is empty/],
    ['empty stdin', ['--file', '-'], '', /input is empty/],
    ['no target and no file', [], undefined, /give a cluster name or host:port, or --file/],
    [
      'an unknown runbook, refused before any probe',
      ['127.0.0.1:1', '--runbook', 'bogus'],
      undefined,
      /no runbook named "bogus" \(try clusterdown, .*\) \[UNKNOWN_RUNBOOK\]/,
    ],
  ])('%s', (_, args, input, message) => {
    const r = run(args as string[], input);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
