/**
 * A slot owner that stops answering before its peers notice (cluster-node-timeout 15 s): frozen, then
 * killed, each probed at once on a real cluster. Never 'healthy'; 'undetermined' naming the owner.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevCluster, startCluster } from '../../src/devcluster/index.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import { probeCluster } from '../../src/diagnose/probe/probe.ts';

describe('slot owner not answering before its peers flag it (real cluster, node timeout 15 s)', () => {
  let c: DevCluster;
  beforeAll(async () => {
    c = await startCluster({ masters: 3, nodeTimeoutMs: 15_000, label: 'h8-unconfirmed' });
  }, 40_000);
  afterAll(async () => {
    await c?.stop();
  });

  const probe = () =>
    probeCluster(
      {
        name: 'unconfirmed',
        seeds: [c.node(1).address],
        timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
      },
      { allowHost: isLoopbackHost },
    );

  it('frozen master: undetermined, critical NODE_UNREACHABLE, peers still list it healthy', async () => {
    const victim = c.node(0);
    await c.freeze(victim);
    const snap = await probe();
    const d = diagnose(snap);
    expect(snap.observations.find((o) => o.address === victim.address)?.error?.kind).toBe('timeout');
    expect(d.rootCauses.map((r) => r.code)).not.toContain('healthy');
    expect(d.rootCauses[0]).toMatchObject({ code: 'undetermined', nodes: [victim.address] });
    expect(d.rootCauses[0]!.summary).toContain('its peers do not flag it yet');
    const f = d.findings.find((x) => x.code === 'NODE_UNREACHABLE' && x.nodes.includes(victim.address));
    expect(f?.severity).toBe('critical');
    expect(f?.slots).toBe(d.rootCauses[0]!.slots);
    await c.thaw(victim);
  }, 20_000);

  it('killed master: refused, undetermined, critical', async () => {
    const victim = c.node(2);
    await c.kill(victim);
    const d = diagnose(await probe());
    expect(d.rootCauses[0]).toMatchObject({ code: 'undetermined', nodes: [victim.address] });
    expect(d.rootCauses[0]!.summary).toContain('refuses connections');
    expect(d.findings.filter((x) => x.severity === 'critical').map((x) => x.code)).toContain(
      'NODE_UNREACHABLE',
    );
  }, 20_000);
});
