/** Shared helpers for the cloud root-cause tests: live probe + diagnose, and pastes built from clusters. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { clusterSchema } from '../../src/config/schema.ts';
import type { DevCluster } from '../../src/devcluster/index.ts';
import { diagnose, diagnosePaste } from '../../src/diagnose/diagnose.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { probeCluster } from '../../src/diagnose/probe/probe.ts';
import type { Diagnosis, Finding, FindingCode, RootCauseCode } from '../../src/diagnose/types.ts';
import { FIXTURES, hasScenario, scenarioMeta } from '../diagnose/scenario-fixtures.ts';

/** The root-cause and finding codes this work added. */
export const CLOUD_CAUSES: readonly RootCauseCode[] = [
  'stale-addresses',
  'ghost-nodes',
  'wrong-announced-address',
  'cluster-config-lost',
  'host-failure',
  'failover-not-possible-no-voters',
];
export const CLOUD_FINDINGS: readonly FindingCode[] = [
  'STALE_ADDRESS',
  'GHOST_NODE',
  'WRONG_ANNOUNCED_ADDRESS',
  'CONFIG_LOST',
  'NO_ELIGIBLE_VOTERS',
];

/** Probes the cluster live from `seeds` (loopback only) and diagnoses it. */
export async function liveDiagnosis(
  c: DevCluster,
  seeds: string[],
): Promise<{ snapshot: ClusterSnapshot; diagnosis: Diagnosis }> {
  const cluster = clusterSchema.parse({
    name: 'cloud-test',
    seeds,
    timeouts: { connectMs: 800, commandMs: 1000, nodeDeadlineMs: 2000 },
  });
  const opts = c.auth.password
    ? { allowHost: isLoopbackHost, password: c.auth.password }
    : { allowHost: isLoopbackHost };
  const snapshot = await probeCluster(cluster, opts);
  return { snapshot, diagnosis: diagnose(snapshot) };
}

/** A terminal session an engineer could paste: CLUSTER NODES + CLUSTER INFO of each live node. */
export async function sessionPaste(c: DevCluster): Promise<string> {
  const parts: string[] = [];
  for (const n of c.live()) {
    parts.push(`$ redis-cli -h ${n.host} -p ${n.port} cluster nodes`, await c.cli(n, 'CLUSTER', 'NODES'));
    parts.push(`$ redis-cli -h ${n.host} -p ${n.port} cluster info`, await c.cli(n, 'CLUSTER', 'INFO'));
  }
  return `${parts.join('\n').replace(/\r/g, '')}\n`;
}

/** True when H2's recorded scenario exists. */
export const hasFixture = hasScenario;

/**
 * A recorded scenario as one pasted terminal session (CLUSTER NODES, CLUSTER INFO, INFO replication per
 * node). `only` keeps the nodes whose address is listed.
 */
export function fixturePaste(name: string, only?: readonly string[]): string {
  const dir = join(FIXTURES, name);
  const meta = scenarioMeta(name);
  const parts: string[] = [];
  for (const n of meta.nodes) {
    if (only && !only.includes(n.address)) continue;
    const host = n.address.slice(0, n.address.lastIndexOf(':'));
    const port = n.address.slice(n.address.lastIndexOf(':') + 1);
    const cmds: [string, string][] = [
      ['nodes-', 'cluster nodes'],
      ['cluster-info-', 'cluster info'],
      ['info-replication-', 'info replication'],
    ];
    for (const [prefix, cmd] of cmds) {
      const f = n.files?.find((x) => x.startsWith(prefix));
      if (f)
        parts.push(`$ redis-cli -h ${host} -p ${port} ${cmd}`, readFileSync(join(dir, f), 'utf8').trimEnd());
    }
  }
  return `${parts.join('\n').replace(/\r/g, '')}\n`;
}

/** Addresses of a recorded scenario's running nodes, in meta order. */
export function fixtureAddresses(name: string): string[] {
  return scenarioMeta(name)
    .nodes.filter((n) => n.files?.some((f) => f.startsWith('nodes-')))
    .map((n) => n.address);
}

/** Diagnoses pasted text. */
export function pasted(text: string): Diagnosis {
  return diagnosePaste(text, { takenAt: '2026-01-01T00:00:00.000Z' });
}

export function causeCodes(d: Diagnosis): RootCauseCode[] {
  return d.rootCauses.map((c) => c.code);
}

export function findingsOf(d: Diagnosis, code: FindingCode): Finding[] {
  return d.findings.filter((f) => f.code === code);
}
