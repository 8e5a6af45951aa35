/**
 * Live CLI exit codes when nobody answers: a registered cluster whose every node is down is an outage
 * (diagnosis printed, exit 3), while an unknown name, a bad address, a missing password variable or an
 * invalid registry stay input errors (exit 2). Real redis-server processes, killed or frozen.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diagnoseLiveForCli } from '../../src/cli/live.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';

describe('live CLI when no node answers (real cluster, every node down)', () => {
  let c: DevCluster;
  let dir: string;
  let registry: string;
  beforeAll(async () => {
    c = await startCluster({ masters: 3, nodeTimeoutMs: 1000, label: 'h8-outage' });
    dir = mkdtempSync(join(tmpdir(), 'h8-outage-'));
    registry = join(dir, 'registry.yml');
    const seeds = c.nodes.map((n) => `      - ${n.address}`).join('\n');
    const t = 'timeouts: { connectMs: 500, commandMs: 800, nodeDeadlineMs: 1500 }';
    writeFileSync(
      registry,
      `clusters:\n  - name: dead\n    seeds:\n${seeds}\n    ${t}\n` +
        `  - name: secret\n    seeds: [${c.node(0).address}]\n    passwordEnv: H8_SURELY_UNSET_PW\n    ${t}\n`,
    );
  }, 40_000);
  afterAll(async () => {
    await c?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = async (target: string, config = registry) => {
    let out = '';
    let err = '';
    const code = await diagnoseLiveForCli(target, {
      json: true,
      config,
      probe: { allowHost: isLoopbackHost },
      out: (t) => {
        out += t;
      },
      err: (t) => {
        err += t;
      },
    });
    return { code, out, err };
  };

  it('every node frozen: timeouts, exit 3, and the advice names frozen processes', async () => {
    for (const n of c.nodes) await c.freeze(n);
    const r = await run('dead');
    for (const n of c.nodes) await c.thaw(n);
    expect(r.code).toBe(3);
    const d = JSON.parse(r.out) as Diagnosis;
    expect(d.rootCauses.map((x) => x.code)).toEqual(['undetermined']);
    expect(d.rootCauses[0]!.explanation).toMatch(/did not answer in time/);
    expect(d.rootCauses[0]!.explanation).toMatch(/kill -CONT/);
  }, 20_000);

  it('every node killed: prints the diagnosis (undetermined, state unknown) and exits 3', async () => {
    for (const n of c.nodes) await c.kill(n);
    const r = await run('dead');
    expect(r.code).toBe(3);
    const d = JSON.parse(r.out) as Diagnosis;
    expect(d.state).toBe('unknown');
    expect(d.visibility.nodesSeen).toBe(0);
    expect(d.rootCauses).toHaveLength(1);
    expect(d.rootCauses[0]!.code).toBe('undetermined');
    expect(d.rootCauses[0]!.summary).toMatch(/^No node answered: 3 addresses were tried/);
    expect(d.rootCauses[0]!.explanation).toMatch(/refused the connection/);
    expect(d.rootCauses[0]!.explanation).toMatch(/update the seeds in the registry/);
    const unreachable = d.findings.filter((f) => f.code === 'NODE_UNREACHABLE');
    expect(unreachable.map((f) => f.nodes[0]).sort()).toEqual(c.nodes.map((n) => n.address).sort());
    expect(unreachable.every((f) => f.severity === 'critical')).toBe(true);
    expect(r.err).toContain('NO_NODE_ANSWERED');
  }, 20_000);

  it('input errors still exit 2: unknown cluster, bad host:port, missing password env var, invalid registry', async () => {
    expect((await run('no-such-cluster')).code).toBe(2);
    expect((await run('127.0.0.1:notaport')).code).toBe(2);
    expect((await run('127.0.0.1:99999')).code).toBe(2);
    const secret = await run('secret');
    expect(secret.code).toBe(2);
    expect(secret.err).toContain('H8_SURELY_UNSET_PW');
    const bad = join(dir, 'bad.yml');
    writeFileSync(bad, 'clusters:\n  - name: x\n    seeds: [not-an-address]\n');
    expect((await run('x', bad)).code).toBe(2);
  }, 20_000);
});
