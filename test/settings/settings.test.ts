/**
 * Settings that cause the next outage, on a LIVE 3-master/3-replica cluster misconfigured on purpose:
 * one node with a different cluster-node-timeout, cluster-replica-no-failover on every replica, no
 * persistence on one master (the others get appendonly), an evicting policy, a migration barrier of 0,
 * partial coverage. Checked through the rules, the health runbook, /redis settings and the CLI; CONFIG
 * read in one call per node (Redis 7); CONFIG denied shows every setting as unknown, never assumed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot } from '../../src/bot/core.ts';
import { buildBotDeps } from '../../src/bot/deps.ts';
import type { BotMessage } from '../../src/bot/message.ts';
import { createLogger } from '../../src/bot/slack/logger.ts';
import { runSettings } from '../../src/cli/settings.ts';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { ClusterConfig } from '../../src/config/schema.ts';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import { fileConfigReply, isSinglePatternError } from '../../src/diagnose/probe/config.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { probeCluster } from '../../src/diagnose/probe/probe.ts';
import { settingsReport } from '../../src/diagnose/settings/report.ts';
import type { Diagnosis, Finding } from '../../src/diagnose/types.ts';
import { diagnoseSnapshot } from '../../src/runbooks/run.ts';
import { messageText, recorder } from '../bot/helpers/recorder.ts';

let c: DevCluster;
let snap: ClusterSnapshot;
let d: Diagnosis;
const probe = { allowHost: isLoopbackHost };
const registry = (): ClusterConfig => ({
  name: 'prod',
  seeds: [c.node(0).address],
  timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2500 },
});
const of = (code: string) => d.findings.filter((f) => f.code === code);

beforeAll(async () => {
  c = await startCluster({ masters: 3, replicasPerMaster: 1, nodeTimeoutMs: 2000, label: 'settings' });
  const [m0, m1, m2] = c.masters();
  await c.act(c.node(4), 'CONFIG', 'SET', 'cluster-node-timeout', '5000');
  for (const r of c.replicas()) await c.act(r, 'CONFIG', 'SET', 'cluster-replica-no-failover', 'yes');
  for (const m of [m1!, m2!]) await c.act(m, 'CONFIG', 'SET', 'appendonly', 'yes');
  await c.act(m1!, 'CONFIG', 'SET', 'maxmemory', '104857600', 'maxmemory-policy', 'allkeys-lru');
  await c.act(m2!, 'CONFIG', 'SET', 'cluster-migration-barrier', '0');
  for (const n of c.nodes) await c.act(n, 'CONFIG', 'SET', 'cluster-require-full-coverage', 'no');
  await c.act(m0!, 'CONFIG', 'RESETSTAT');
  snap = await probeCluster(registry(), probe);
  d = diagnose(snap);
}, 90_000);
afterAll(async () => {
  await c?.stop();
});

const byNodes = (fs: Finding[]) => fs.flatMap((f) => f.nodes);

describe('the findings', () => {
  it('reads every setting with one CONFIG GET per node (Redis 7 takes many parameters)', async () => {
    const stats = await c.cli(c.node(0), 'INFO', 'commandstats');
    expect(stats).toMatch(/cmdstat_config\|get:calls=1,/);
    const m0 = snap.observations.find((o) => o.address === c.node(0).address);
    expect(m0?.config).toMatchObject({
      nodeTimeoutMs: 2000,
      appendonly: false,
      save: '',
      replicaNoFailover: false,
      migrationBarrier: 1,
      maxmemoryPolicy: 'noeviction',
      announceIp: c.node(0).host,
      minReplicasToWrite: 0,
      minReplicasMaxLag: 10,
    });
  });

  it('SETTINGS_DIFFER: the node with another cluster-node-timeout, as a warning', () => {
    const timeout = of('SETTINGS_DIFFER').find((f) => f.message.startsWith('cluster-node-timeout'));
    expect(timeout).toMatchObject({ severity: 'warning', nodes: [c.node(4).address] });
    expect(timeout?.evidence).toContain(`cluster-node-timeout 5000: ${c.node(4).address}`);
    // Another setting that differs is reported as info.
    expect(of('SETTINGS_DIFFER').find((f) => f.message.startsWith('maxmemory-policy'))?.severity).toBe(
      'info',
    );
  });

  it('REPLICA_NO_FAILOVER for every master, since every replica has it', () => {
    const fs = of('REPLICA_NO_FAILOVER');
    expect(fs).toHaveLength(3);
    expect(fs.every((f) => f.severity === 'warning')).toBe(true);
    for (const m of c.masters()) expect(byNodes(fs)).toContain(m.address);
  });

  it('NO_PERSISTENCE on the one master without AOF or RDB, naming its replica', () => {
    const fs = of('NO_PERSISTENCE');
    expect(fs.map((f) => f.nodes)).toEqual([[c.node(0).address]]);
    expect(fs[0]?.message).toMatch(/comes back empty.*its 1 replica copy the empty data set/);
  });

  it('EVICTION_POLICY, MIGRATION_BARRIER and COVERAGE_POLICY', () => {
    expect(of('EVICTION_POLICY')).toMatchObject([{ severity: 'info', nodes: [c.node(1).address] }]);
    expect(of('MIGRATION_BARRIER')).toMatchObject([{ severity: 'warning', nodes: [c.node(2).address] }]);
    expect(of('COVERAGE_POLICY')[0]?.message).toContain('cluster-require-full-coverage no');
  });

  it('no ANNOUNCE_UNSET without evidence; a natMap address or PID 1 is evidence, with its strength', () => {
    expect(of('ANNOUNCE_UNSET')).toEqual([]);
    const victim = c.node(5).address;
    // The same snapshot, as if cluster-announce-ip were unset on one node that the registry reaches
    // through a natMap entry (this loopback harness cannot build a real NAT), then as if it ran as PID 1.
    const unset = structuredClone(snap);
    const o = unset.observations.find((x) => x.address === victim)!;
    o.config = { ...o.config, announceIp: '' };
    expect(diagnose(unset).findings.filter((f) => f.code === 'ANNOUNCE_UNSET')).toEqual([]);
    o.contactedAddress = '10.20.30.40:7000';
    const strong = diagnose(unset).findings.find((f) => f.code === 'ANNOUNCE_UNSET');
    expect(strong).toMatchObject({ severity: 'warning', nodes: [victim] });
    delete o.contactedAddress;
    o.server = { ...o.server, process_id: '1' };
    const weak = diagnose(unset).findings.find((f) => f.code === 'ANNOUNCE_UNSET');
    expect(weak?.severity).toBe('info');
    expect(weak?.message).toContain('cannot see whether the clients share that network');
  });

  it('the health runbook has a settings step, a problem here', async () => {
    const { diagnosis } = await diagnoseSnapshot(snap, { runbook: 'health' });
    const step = diagnosis.steps?.find((s) => s.id === 'settings');
    expect(step?.verdict).toBe('problem');
    expect(step?.evidence.join('\n')).toMatch(/REPLICA_NO_FAILOVER[\s\S]*NO_PERSISTENCE/);
  });
});

describe('the settings report', () => {
  it('groups each setting by value across nodes', () => {
    const r = settingsReport(snap, d);
    const timeout = r.rows.find((x) => x.name === 'cluster-node-timeout');
    expect(timeout?.groups).toEqual([
      { value: '2000', nodes: expect.any(Array) },
      { value: '5000', nodes: [c.node(4).address] },
    ]);
    expect(r.nodes).toHaveLength(6);
    expect(r.nodes.every((n) => !n.unreadable)).toBe(true);
  });

  it('/redis settings prod: acked, then posted in the channel with findings and the table', async () => {
    const { sent, transport } = recorder();
    const config = parseConfig({ clusters: [registry()], access: { channels: { COPS: ['prod'] } } });
    const b = createBot({ ...buildBotDeps(config, { probe }), transport, logger: createLogger('silent') });
    const acks: BotMessage[] = [];
    await b.command({ user: 'UALICE', channel: 'COPS', text: 'settings prod' }, async (m) => {
      acks.push(m);
    });
    expect(acks[0]?.text).toBe('Reading the settings of prod…');
    expect(sent.map((s) => s.op)).toEqual(['post']);
    const text = messageText(sent[0]?.msg);
    expect(text).toContain('prod: production settings');
    expect(text).toMatch(/cluster-node-timeout +2000 +/);
    expect(text).toContain('WARNING REPLICA_NO_FAILOVER');
  });

  it('redis-runbook settings --json: nodes with values and the findings', async () => {
    let out = '';
    const code = await runSettings(c.node(3).address, {
      json: true,
      probe,
      out: (t) => {
        out += t;
      },
    });
    expect(code).toBe(0);
    const doc = JSON.parse(out) as {
      nodes: { values: Record<string, string | null> }[];
      findings: Finding[];
    };
    expect(doc.nodes).toHaveLength(6);
    expect(doc.nodes.every((n) => n.values['appendonly'] !== null)).toBe(true);
    expect(doc.findings.map((f) => f.code)).toContain('NO_PERSISTENCE');
  });
});

describe('settings that cannot be read', () => {
  it('CONFIG denied by ACL: every value unknown with the reason, only flag-based findings', async () => {
    for (const n of c.nodes) {
      await c.call(n, ['ACL', 'SETUSER', 'diag', 'on', '>diag-pass-2', '~*', '&*', '+@all', '-config']);
    }
    const denied = await probeCluster(
      { ...registry(), username: 'diag' },
      { ...probe, password: 'diag-pass-2' },
    );
    const dd = diagnose(denied);
    const r = settingsReport(denied, dd);
    expect(r.nodes.every((n) => Object.values(n.values).every((v) => v === null))).toBe(true);
    expect(r.nodes[0]?.unreadable).toMatch(/CONFIG GET failed: NOPERM/);
    // Only what CLUSTER NODES itself shows survives: the nofailover flag each replica carries.
    expect(r.findings.map((f) => f.code)).toEqual([
      'REPLICA_NO_FAILOVER',
      'REPLICA_NO_FAILOVER',
      'REPLICA_NO_FAILOVER',
    ]);
    expect(r.findings.flatMap((f) => f.evidence).every((e) => e.endsWith('nofailover flag'))).toBe(true);
    const { diagnosis } = await diagnoseSnapshot(denied, { runbook: 'health' });
    const step = diagnosis.steps?.find((s) => s.id === 'settings');
    expect(step?.verdict).toBe('problem');
    expect(step?.evidence.at(-1)).toBe('Other settings are unknown: CONFIG GET was not available.');
  });

  it('a Redis 6 server (one pattern per CONFIG GET) is detected from its error, and replies are filed by name', () => {
    expect(
      isSinglePatternError("ERR Unknown subcommand or wrong number of arguments for 'get'. Try CONFIG HELP."),
    ).toBe(true);
    expect(isSinglePatternError('ERR wrong number of arguments for CONFIG get')).toBe(true);
    expect(isSinglePatternError("NOPERM this user has no permissions to run the 'config|get' command")).toBe(
      false,
    );
    const cfg = {};
    fileConfigReply(
      ['cluster-node-timeout', '15000', 'save', '', 'maxmemory', 'not-a-number', 'x', '1'],
      cfg,
    );
    expect(cfg).toEqual({ nodeTimeoutMs: 15000, save: '' });
    // A server before Redis 5 knows only the min-slaves-* names.
    const old = {};
    fileConfigReply(['min-slaves-to-write', '2', 'min-slaves-max-lag', '5'], old);
    expect(old).toEqual({ minReplicasToWrite: 2, minReplicasMaxLag: 5 });
  });
});
