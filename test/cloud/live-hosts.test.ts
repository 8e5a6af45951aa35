/** Host and zone loss on real clusters: nodes sharing an address, or hostnames naming zones, die together. */
import { describe, expect, it } from 'vitest';
import { hostDown, zoneDown } from '../../src/devcluster/scenarios-cloud.ts';
import { useScenario } from '../live/helpers.ts';
import { causeCodes, liveDiagnosis, pasted, sessionPaste } from './helpers.ts';

const SO = { nodeTimeoutMs: 1000 };

describe('host-failure: a master and its replica on one address die together', () => {
  const get = useScenario(() => hostDown(SO), 60_000);

  it('names the host, both nodes and the lost shard, instead of a plain dead master', async () => {
    const s = get();
    const [m, r] = [s.cluster.node(0), s.cluster.node(3)];
    const { diagnosis: d } = await liveDiagnosis(s.cluster, [s.cluster.node(1).address]);
    expect(causeCodes(d)[0]).toBe('host-failure');
    expect(causeCodes(d)).not.toContain('master-failed-no-replica');
    const cause = d.rootCauses[0]!;
    expect(cause.summary).toContain(`host ${m.host}`);
    expect(cause.nodes.sort()).toEqual([m.address, r.address].sort());
    expect(cause.explanation).toMatch(/both on it/);
    expect(cause.slots).toBe('0-5460');
    expect(cause.actions.map((a) => a.target)).toEqual([m.address, r.address]);
  }, 30_000);

  it('the same from a pasted session', async () => {
    const s = get();
    const d = pasted(await sessionPaste(s.cluster));
    expect(causeCodes(d)[0]).toBe('host-failure');
  });
});

describe('host-failure by zone: hostnames name availability zones', () => {
  const get = useScenario(() => zoneDown(SO), 60_000);

  it('sees the zone, while the failover that followed is reported too', async () => {
    const s = get();
    const { diagnosis: d } = await liveDiagnosis(s.cluster, [s.cluster.node(1).address]);
    const zone = d.rootCauses.find((c) => c.code === 'host-failure');
    expect(zone?.summary).toContain('use1-az1');
    expect(zone?.nodes.sort()).toEqual([s.cluster.node(0).address, s.cluster.node(5).address].sort());
    expect(causeCodes(d)).toContain('failover-completed');
  }, 30_000);
});
