/** Live probe + diagnosis + runbook on real clusters: healthy, slots never assigned, an open slot. */
import { describe, expect, it } from 'vitest';
import { diagnoseLiveForCli } from '../../src/cli/live.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import { probeCluster } from '../../src/diagnose/probe/probe.ts';
import type { StepResult } from '../../src/diagnose/types.ts';
import { createDiagnosisService } from '../../src/runbooks/service.ts';
import { clusterOf, codes, live, probeOpts, registryOf, useScenario } from './helpers.ts';

describe('healthy cluster', () => {
  const get = useScenario('healthy');

  it('discovers all six nodes from one seed and reads everything from each', async () => {
    const s = get();
    const r = await live(s);
    expect(r.snapshot.source).toBe('live');
    expect(r.snapshot.observations).toHaveLength(6);
    for (const o of r.snapshot.observations) {
      expect(o.error, o.address).toBeUndefined();
      expect(o.nodeId).toMatch(/^[0-9a-f]{40}$/);
      expect(o.nodes?.nodes).toHaveLength(6);
      expect(o.clusterInfo?.cluster_state).toBe('ok');
      expect(o.replication?.role).toMatch(/master|slave/);
      expect(o.server?.redis_version).toMatch(/^\d+\./);
      expect(o.config).toMatchObject({
        requireFullCoverage: true,
        nodeTimeoutMs: 1500,
        replicaValidityFactor: 10,
      });
      expect(o.busPort).toMatchObject({ port: 17000, open: true });
      expect(typeof o.dbsize).toBe('number');
    }
    expect(r.snapshot.keysInSlots).toEqual([]);
    expect(r.diagnosis.state).toBe('ok');
    expect(r.diagnosis.rootCauses[0]?.code).toBe('healthy');
    expect(r.runbook).toBe('health');
    // The scenarios run cluster-node-timeout 1500, below the 2000 ms floor, and without persistence
    // (save "", appendonly no): the only advice expected.
    expect(r.diagnosis.steps?.filter((st) => st.verdict === 'problem').map((st) => st.id)).toEqual([
      'node-timeout',
      'settings',
    ]);
    const settings = r.diagnosis.steps?.find((st) => st.id === 'settings');
    expect(new Set(settings?.evidence.map((e) => e.split(':')[0]))).toEqual(
      new Set(['WARNING NO_PERSISTENCE', 'INFO REPLICA_VALIDITY_BLOCKS']),
    );
  });

  it('serves the DiagnosisService contract, posting steps as they complete', async () => {
    const s = get();
    const service = createDiagnosisService(registryOf(s), { probe: probeOpts(s) });
    expect(service.clusterNames()).toEqual(['healthy']);
    const posted: string[] = [];
    const d = await service.diagnoseCluster('healthy', {
      runbook: 'clusterdown',
      onStep: (st: StepResult, i, total) => {
        posted.push(`${i + 1}/${total}:${st.id}`);
      },
    });
    expect(posted).toEqual([
      '1/6:cluster-state',
      '2/6:failed-nodes',
      '3/6:coverage',
      '4/6:logs',
      '5/6:reachability',
      '6/6:root-cause',
    ]);
    expect(d.steps?.map((st) => st.id)).toHaveLength(6);
    await expect(service.diagnoseCluster('nope')).rejects.toMatchObject({ code: 'UNKNOWN_CLUSTER' });
  });

  it('never contacts a host the caller does not allow, and says so', async () => {
    const s = get();
    const seed = s.cluster.live()[0]!;
    const snap = await probeCluster(clusterOf(s), { allowHost: (h) => h === seed.host });
    expect(snap.observations.map((o) => o.address)).toEqual([seed.address]);
    expect(
      snap.warnings.filter((w) => w.endsWith('was not probed: outside the allowed addresses.')),
    ).toHaveLength(5);
    // Seen from the seed alone, the other masters' slots look unserved: their keys are counted, boundedly.
    const capped = await probeCluster(clusterOf(s), {
      allowHost: (h) => h === seed.host,
      keyCount: { maxCommands: 10, batch: 5 },
    });
    expect(capped.keysInSlots).toBeDefined();
    expect(capped.warnings.some((w) => w.startsWith('Key counts in unserved slots are incomplete'))).toBe(
      true,
    );
  });

  it('follows the natMap, records where it connected, and notices a mapping that reaches the wrong node', async () => {
    const s = get();
    const [a, b, c] = s.cluster.nodes;
    const nat = { [b!.address]: c!.address };
    const snap = await probeCluster({ ...clusterOf(s), seeds: [a!.address], natMap: nat }, probeOpts(s));
    // b's announced address leads to c: c answers, is filed under its own address, and the mix-up is reported.
    expect(snap.observations.map((o) => o.address)).not.toContain(b!.address);
    expect(snap.observations.filter((o) => o.address === c!.address)).toHaveLength(1);
    // Whichever of b and c came first in the seed's view, the mix-up is reported.
    const mixUp = (w: string) =>
      w.includes(`not ${b!.id.slice(0, 8)} as the cluster lists it`) ||
      w.startsWith(`${b!.address} was not probed: it maps to ${c!.address}`) ||
      w.startsWith(`${c!.address} was not probed: it maps to ${c!.address}`);
    expect(snap.warnings.filter(mixUp).length, snap.warnings.join('\n')).toBeGreaterThan(0);
    const identity = { [b!.address]: b!.address };
    const ok = await probeCluster({ ...clusterOf(s), natMap: identity }, probeOpts(s));
    expect(ok.observations).toHaveLength(6);
    expect(ok.observations.every((o) => o.contactedAddress === undefined)).toBe(true);
  });

  it('degrades gracefully when CONFIG is denied: records configError, keeps everything else', async () => {
    const s = get();
    for (const n of s.cluster.nodes) {
      await s.cluster.call(n, [
        'ACL',
        'SETUSER',
        'diag',
        'on',
        '>diag-pass-1',
        '~*',
        '&*',
        '+@all',
        '-config',
      ]);
    }
    const snap = await probeCluster(
      { ...clusterOf(s), username: 'diag' },
      { ...probeOpts(s), password: 'diag-pass-1' },
    );
    expect(snap.observations).toHaveLength(6);
    for (const o of snap.observations) {
      expect(o.error).toBeUndefined();
      expect(o.nodes?.nodes).toHaveLength(6);
      expect(o.config).toBeUndefined();
      expect(o.configError).toMatch(/NOPERM/);
    }
    const d = diagnose(snap);
    expect(d.rootCauses[0]?.code).toBe('healthy');
    expect(d.warnings.join(' ')).toMatch(/CONFIG GET/);
  });

  it('prints JSON with steps from the CLI path and exits 0', async () => {
    const s = get();
    let out = '';
    const code = await diagnoseLiveForCli(s.cluster.live()[0]!.address, {
      json: true,
      config: '/nonexistent-is-not-used.yml',
      probe: probeOpts(s),
      out: (t) => {
        out += t;
      },
      err: () => {},
    }).catch(() => -1);
    // An explicitly named missing registry is a config error (exit 2), not a crash.
    expect(code).toBe(2);
    const ok = await diagnoseLiveForCli(s.cluster.live()[0]!.address, {
      json: true,
      probe: probeOpts(s),
      out: (t) => {
        out = t;
      },
    });
    expect(ok).toBe(0);
    const doc = JSON.parse(out) as { source: string; steps: StepResult[]; rootCauses: { code: string }[] };
    expect(doc.source).toBe('live');
    expect(doc.rootCauses[0]!.code).toBe('healthy');
    expect(doc.steps.length).toBeGreaterThan(3);
  });
});

describe('slots never assigned', () => {
  const get = useScenario('slots-unassigned');

  it('names slots-never-assigned and counts keys in the unassigned slots', async () => {
    const s = get();
    const r = await live(s);
    expect(r.diagnosis.rootCauses[0]?.code).toBe('slots-never-assigned');
    expect(codes(r.diagnosis)).toContain('SLOTS_UNASSIGNED');
    expect(r.snapshot.keysInSlots).toBeDefined();
    expect(r.runbook).toBe('clusterdown');
    const coverage = r.diagnosis.steps?.find((st) => st.id === 'coverage');
    expect(coverage?.verdict).toBe('problem');
    expect(coverage?.evidence.join('\n')).toContain('Unassigned (no owner in any view)');
  });
});

describe('open slot', () => {
  const get = useScenario('open-slot');

  it('finds the open slot, counts keys on both sides and plans to finish it on the target first', async () => {
    const s = get();
    const o = s.expected.openSlots[0]!;
    const r = await live(s);
    expect(r.diagnosis.rootCauses[0]?.code).toBe('resharding-interrupted');
    expect(codes(r.diagnosis)).toContain('OPEN_SLOT');
    const counts = r.snapshot.openSlotKeys ?? [];
    expect(counts).toContainEqual(
      expect.objectContaining({ address: o.source.address, slot: o.slot, keys: o.keysOnSource }),
    );
    expect(counts).toContainEqual(
      expect.objectContaining({ address: o.target.address, slot: o.slot, keys: o.keysOnTarget }),
    );
    expect(r.runbook).toBe('resharding');
    const plan = r.diagnosis.steps?.find((st) => st.id === 'plan')?.evidence.join('\n') ?? '';
    expect(plan.indexOf(`cluster setslot ${o.slot} node ${o.target.id}`)).toBeGreaterThan(0);
  });
});
