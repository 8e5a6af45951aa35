/**
 * fix-coverage on real clusters: unassigned slots (exact commands, execution, cause gone, cluster ok,
 * every key written before readable); a failed owner without replica refused (with full coverage on and
 * off), then taken over only with discard-dead-owner-data, the losses stated, and the returning owner
 * turning into a replica as the risk says.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formatRanges } from '../../src/cluster/slots.ts';
import { allState } from '../../src/devcluster/conditions.ts';
import { startCluster } from '../../src/devcluster/index.ts';
import { ownSlots, writeKeys } from '../../src/devcluster/scenario-kit.ts';
import { waitFlagged, waitState } from '../../src/devcluster/scenario-waits.ts';
import { expectReadable } from './action-helpers.ts';
import { mustPlanSlots, mustRefuseSlots, runSlots, withScenario } from './slot-helpers.ts';

const timings: Record<string, number> = {};
afterAll(() => {
  console.log(`fix-coverage, ms from preflight to verified: ${JSON.stringify(timings)}`);
});

describe('fix-coverage on real clusters', () => {
  it('slots never assigned: each range to the master it extends, cluster ok, keys intact', async () => {
    await withScenario('slots-unassigned', async ({ cluster: c }) => {
      // Built without these slots, the cluster refuses writes: relax coverage just to write the keys.
      const coverage = (v: string) =>
        Promise.all(c.live().map((n) => c.cli(n, 'CONFIG', 'SET', 'cluster-require-full-coverage', v)));
      await coverage('no');
      await c.waitFor(() => allState(c, 'ok'), { what: 'cluster ok', timeoutMs: 10_000 });
      const keys = (await Promise.all(c.masters().map((m) => writeKeys(c, m, 10)))).flat();
      await coverage('yes');
      const [a, , b] = c.masters();
      const p = await mustPlanSlots(c, 'fix-coverage', {});
      expect(p.steps.map((s) => [s.kind, s.display[0]])).toEqual([
        ['assign-slots', `redis-cli -h ${a!.host} -p 7000 CLUSTER ADDSLOTSRANGE 5000 5459`],
        [
          'command',
          `redis-cli -h ${a!.host} -p 7000 CLUSTER SETSLOT 5460 IMPORTING ${p.steps[1]!.kind === 'command' ? p.steps[1]!.argv[4] : ''}`,
        ],
        ['command', `redis-cli -h ${a!.host} -p 7000 CLUSTER SETSLOT 5460 NODE ${a!.id}`],
        ['assign-slots', `redis-cli -h ${b!.host} -p 7000 CLUSTER ADDSLOTSRANGE 16000 16382`],
        ['command', expect.stringContaining('CLUSTER SETSLOT 16383 IMPORTING')],
        ['command', `redis-cli -h ${b!.host} -p 7000 CLUSTER SETSLOT 16383 NODE ${b!.id}`],
        ['wait', `redis-cli -h ${a!.host} -p 7000 CLUSTER NODES`],
      ]);
      const { result } = await runSlots(c, p, 'fix-coverage (845 unassigned slots)', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      expect(result.after?.state).toBe('ok');
      expect(result.after?.rootCauses).not.toContain('slots-never-assigned');
      expect(formatRanges(await ownSlots(c, a!))).toBe('0-5460');
      expect(formatRanges(await ownSlots(c, b!))).toBe('10923-16383');
      for (const m of c.masters())
        await expectReadable(
          c,
          m,
          keys.filter((k) => k.startsWith(`data${m.index}:`)),
        );
    });
  }, 90_000);

  it('a dead owner still holding slots (full coverage off): refused, with restart offered', async () => {
    await withScenario('no-full-coverage-dead-master', async ({ cluster: c, expected }) => {
      const dead = expected.killed[0]!;
      const r = await mustRefuseSlots(c, 'fix-coverage');
      expect(r.code).toBe('ACTION_REFUSED');
      expect(r.reasons[0]).toContain(`0-5460 (5461 slots) still belong to ${dead.address}`);
      expect(r.alternatives?.map((x) => x.action)).toEqual(['restart-node', 'fix-coverage']);
    });
  }, 90_000);

  it('a dead owner: refused; with discard-dead-owner-data taken over, losses stated; the owner returns as a replica', async () => {
    const c = await startCluster({
      label: 'act-cover-dead',
      nodeTimeoutMs: 1500,
      nodes: [
        { role: 'master' },
        { role: 'master' },
        { role: 'master' },
        { role: 'replica', of: 1 },
        { role: 'replica', of: 2 },
      ],
    });
    try {
      const [dead, b, d] = [c.node(0), c.node(1), c.node(2)];
      const keys = [...(await writeKeys(c, b, 10)), ...(await writeKeys(c, d, 10))];
      await writeKeys(c, dead, 10);
      await c.kill(dead);
      await waitFlagged(c, dead, 'fail');
      await waitState(c, 'fail');
      const refused = await mustRefuseSlots(c, 'fix-coverage');
      expect(refused.hint).toContain('--discard-dead-owner-data');
      const p = await mustPlanSlots(c, 'fix-coverage', { allow: ['discard-dead-owner-data'] });
      expect(p.dangerous).toEqual(['discard-dead-owner-data']);
      expect(p.steps.map((s) => s.display[0])).toEqual([
        `printf 'MULTI\\nCLUSTER DELSLOTSRANGE 2731 5460\\nCLUSTER ADDSLOTSRANGE 2731 5460\\nCLUSTER BUMPEPOCH\\nEXEC\\n' | redis-cli -h ${b.host} -p 7000`,
        `printf 'MULTI\\nCLUSTER DELSLOTSRANGE 0 2730\\nCLUSTER ADDSLOTSRANGE 0 2730\\nCLUSTER BUMPEPOCH\\nEXEC\\n' | redis-cli -h ${d.host} -p 7000`,
        `redis-cli -h ${b.host} -p 7000 CLUSTER NODES`,
      ]);
      const loss = p.risks.find((x) => x.kind === 'data-loss')?.text ?? '';
      expect(loss).toContain(`are taken from ${dead.address}`);
      expect(loss).toContain(`turns into a replica of ${b.address}`);
      const { result } = await runSlots(c, p, 'fix-coverage --discard-dead-owner-data', timings);
      expect(result.outcome, result.message).toBe('succeeded');
      expect(result.after?.state).toBe('ok');
      expect(result.after?.rootCauses).not.toContain('master-failed-no-replica');
      await expectReadable(
        c,
        b,
        keys.filter((k) => k.startsWith('data1:')),
      );
      await expectReadable(
        c,
        d,
        keys.filter((k) => k.startsWith('data2:')),
      );
      // As the risk says: back, it sees newer owners and turns into a replica (its data resynced away).
      await c.restart(dead);
      await c.waitFor(async () => (await c.info(dead))['role'] === 'slave', {
        what: `${dead.address} to rejoin as a replica`,
        timeoutMs: 20_000,
      });
      expect((await ownSlots(c, dead)).length).toBe(0);
    } finally {
      await c.stop();
    }
  }, 120_000);
});
