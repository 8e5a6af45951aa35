/**
 * del-node planned over recorded clusters: the exact steps for a master (even, contiguous spread; the
 * replica re-pointed only after the data moved, never to the node removed; FORGET on every other node in
 * one 60 s window; RESET SOFT last, after any sync), for --to and for a replica; and every refusal: a
 * stranger, bad --to, a last copy without allow-no-replica, the only up-to-date copy of a down master, a
 * dead node or ghost entry (forget-node instead), a side of an open migration, a seed at the node.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/registry.ts';
import type { Plan, PlanStep, Refusal } from '../../src/actions/types.ts';
import type { ActionParams } from '../../src/diagnose/types.ts';
import { asPlan, asRefusal, fixtureInput } from './plan-input.ts';

const [A, B, C] = ['127.189.3.1:7000', '127.189.3.2:7000', '127.189.3.3:7000'];
const [RA, RB] = ['127.189.3.4:7000', '127.189.3.5:7000'];
const ID = {
  A: '1c0a71855b504c0a1f1db66727f344f830083c0b',
  B: '460d69c395d9c335a822ea25bcc666e0e9046b5e',
  C: 'e5ecf7b8428b63f3539e54ea8cd17be0af1a0095',
  RA: 'e04a685d8aef58f25ba9548eee967246f27c3ff9',
};
const cli = (addr: string, cmd: string) => `redis-cli -h ${addr.split(':')[0]} -p 7000 ${cmd}`;

function plan(scenario: string, params: ActionParams, seeds?: string[]): Plan | Refusal {
  const input = fixtureInput(scenario, params);
  return makePlan('del-node', seeds ? { ...input, seeds } : input);
}
const shape = (s: PlanStep) =>
  s.kind === 'move-slots' ? [s.kind, s.target.address, s.slots] : [s.kind, s.display[0]];

describe('del-node plans', () => {
  it('a master: its slots split evenly in one range each, its replica re-pointed, forgotten, reset', () => {
    const p = asPlan(plan('healthy', { node: A }));
    expect(p.steps.map(shape)).toEqual([
      ['move-slots', B, [{ start: 2731, end: 5460 }]],
      ['move-slots', C, [{ start: 0, end: 2730 }]],
      ['wait', cli(B, 'CLUSTER NODES')],
      ['command', cli(RA, `CLUSTER REPLICATE ${ID.B}`)],
      ['wait', cli(RA, 'INFO replication')],
      ['wait', cli(A, 'INFO replication')],
      ['fanout', cli(B, `CLUSTER FORGET ${ID.A}`)],
      ['wait', cli(B, 'CLUSTER NODES')],
      ['command', cli(A, 'CLUSTER RESET SOFT')],
    ]);
    expect(p.steps.map((s) => s.id)).toEqual(['s1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9']);
    const [move, , owns, repoint, synced, idle, forget, forgotten] = p.steps;
    expect(move).toMatchObject({ source: { id: ID.A }, otherMasters: [{ address: C }], replace: false });
    expect(owns).toMatchObject({ until: { kind: 'owns-none', node: { id: ID.A } } });
    expect(repoint).toMatchObject({ skipIf: { kind: 'role', role: 'replica', of: ID.B } });
    expect(synced).toMatchObject({ until: { kind: 'replica-synced', node: { address: RA } } });
    expect(forget).toMatchObject({ withinMs: 60_000, alreadyDone: ['ERR Unknown node'] });
    expect(forget!.display).toHaveLength(5);
    expect(forget!.display.join('\n')).not.toContain(`-h ${A.split(':')[0]} `);
    expect(forgotten).toMatchObject({ until: { kind: 'forgotten', id: ID.A } });
    expect(idle).toMatchObject({ until: { kind: 'replica-synced', node: { id: ID.A }, orMaster: true } });
    expect(p.summary).toBe(
      `Remove master ${A}: move its 5461 slots to ${B} (2730), ${C} (2731) with their keys, re-point ${RA} to ${B}, forget it on 5 nodes, reset it`,
    );
    expect(p.expected).toEqual([
      `${B} owns 8192 slots (2731-5460 added)`,
      `${C} owns 8192 slots (0-2730 added)`,
      `${RA} replicates ${B}, synced`,
      `no answering node lists ${ID.A}`,
      `${A} knows only itself, owns no slot and holds no key`,
    ]);
    expect(p.dangerous).toEqual([]);
    expect(p.risks.map((r) => r.kind)).not.toContain('data-loss');
    expect(p.risks.map((r) => r.text).join('\n')).toContain('Only 2 masters will own slots');
    expect(p.advice?.[0]).toContain(`Stop the redis-server at ${A}`);
    expect(p.advice?.at(-1)).toBe(
      `${RA} now replicates ${B}; to remove it too, plan del-node --node ${RA} after this run.`,
    );
  });

  it('--to takes every slot; replace-existing-keys shows in the MIGRATE and in dangerous', () => {
    const p = asPlan(plan('healthy', { node: A, to: C, allow: ['replace-existing-keys'] }));
    expect(p.steps[0]).toMatchObject({
      kind: 'move-slots',
      target: { address: C },
      slots: [{ start: 0, end: 5460 }],
      replace: true,
    });
    expect(p.steps[0]!.display.join('\n')).toContain('MIGRATE 127.189.3.3 7000 "" 0 60000 REPLACE KEYS');
    expect(p.dangerous).toEqual(['replace-existing-keys']);
  });

  it('a replica: forget and reset only; its master left without a copy needs allow-no-replica', () => {
    const r = asRefusal(plan('healthy', { node: RA }));
    expect(r.reasons).toEqual([
      `${RA} is the last replica of ${A} with its data (5461 slots): without it ${A} has no copy, and if it fails those slots are down and their keys lost`,
    ]);
    const p = asPlan(plan('healthy', { node: RA, allow: ['allow-no-replica'] }));
    expect(p.steps.map((s) => s.display[0])).toEqual([
      cli(RA, 'INFO replication'),
      cli(A, `CLUSTER FORGET ${ID.RA}`),
      cli(A, 'CLUSTER NODES'),
      cli(RA, 'CLUSTER RESET SOFT'),
    ]);
    expect(p.steps[0]).toMatchObject({
      until: { kind: 'replica-synced', orMaster: true },
      timeoutMs: 60_000,
    });
    expect(p.dangerous).toEqual(['allow-no-replica']);
    expect(p.risks.find((x) => x.kind === 'data-loss')?.text).toContain(
      `${A} is left without a copy of its 5461 slots`,
    );
  });

  it('a node down elsewhere cannot get the FORGET: the risk and the advice say what follows', () => {
    const p = asPlan(plan('failover-completed', { node: '127.101.28.5:7000', allow: ['allow-no-replica'] }));
    const dead = '127.101.28.1:7000';
    expect(p.steps.find((s) => s.kind === 'fanout')!.display.join('\n')).not.toContain('127.101.28.1 ');
    expect(p.risks.map((r) => r.text)).toContainEqual(
      expect.stringContaining(
        `${dead} is down and cannot get the FORGET: coming back after the 60 s ban, it gossips`,
      ),
    );
    expect(p.advice?.at(-1)).toMatch(
      new RegExp(`^Keep 127\\.101\\.28\\.5:7000 stopped before ${dead.replace(/\./g, '\\.')} comes back`),
    );
  });

  it('refuses bad parameters', () => {
    const bad = (params: ActionParams) => asRefusal(plan('healthy', params));
    expect(bad({ node: '10.9.9.9:1' })).toMatchObject({ code: 'ACTION_BAD_PARAMS' });
    expect(bad({ node: A, to: RB }).reasons[0]).toBe(`--to ${RB} is a replica, not a master`);
    expect(bad({ node: A, to: A }).reasons[0]).toBe('--to names the node being removed');
    expect(bad({ node: RA, to: B, allow: ['allow-no-replica'] })).toMatchObject({
      code: 'ACTION_BAD_PARAMS',
    });
    expect(bad({ node: A, master: B }).reasons[0]).toBe('del-node does not take --master');
  });

  it('refuses while a registry seed is the node (the checks after would see a lone node)', () => {
    expect(asRefusal(plan('healthy', { node: A }, [A])).reasons[0]).toMatch(
      /reached only through 127\.189\.3\.1:7000/,
    );
    expect(asRefusal(plan('healthy', { node: A }, [B, A])).hint).toBe(
      `Take ${A} out of the cluster's seeds in the registry, then plan again.`,
    );
    asPlan(plan('healthy', { node: A }, [B, C]));
  });

  it('refuses the only up-to-date copy of a down master, and offers failover-force', () => {
    const r = asRefusal(plan('no-voters', { node: '127.77.0.3:7000', allow: ['allow-no-replica'] }));
    expect(r.reasons[0]).toMatch(
      /^127\.77\.0\.1:7000 is down \(fail\) and 127\.77\.0\.3:7000 is its best replica \(offset \d+\): it holds the only up-to-date copy of 16384 slots$/,
    );
    expect(r.alternatives).toEqual([
      expect.objectContaining({
        action: 'failover-force',
        params: { node: '127.77.0.3:7000', master: '127.77.0.1:7000' },
      }),
    ]);
  });

  it('a replica that never synced is no copy: removed without allow-no-replica', () => {
    const p = asPlan(plan('frozen-master-unsynced', { node: '127.128.121.4:7000' }));
    expect(p.dangerous).toEqual([]);
    // Its master is down: no wait for a sync that cannot finish.
    expect(p.steps.map((s) => s.kind)).toEqual(['fanout', 'wait', 'command']);
    expect(p.steps.at(-1)!.display[0]).toContain('CLUSTER RESET SOFT');
  });

  it('refuses dead nodes and ghosts: forget-node, or a failover first while it owns slots', () => {
    const dead = asRefusal(plan('failover-completed', { node: '127.101.28.1:7000' }));
    expect(dead.reasons[0]).toMatch(/^127\.101\.28\.1:7000 is down \(flagged fail by the cluster/);
    expect(dead.alternatives?.[0]).toMatchObject({ action: 'forget-node' });
    const ghost = asRefusal(plan('ghost-nodes', { node: '127.138.202.4:7000' }));
    expect(ghost.hint).toContain('forget-node');
    expect(ghost.alternatives?.[0]).toMatchObject({ action: 'forget-node' });
    const owner = asRefusal(plan('no-voters', { node: '127.77.0.1:7000' }));
    expect(owner.reasons[1]).toBe('it still owns 16384 slots');
    expect(owner.alternatives?.[0]).toMatchObject({
      action: 'failover-force',
      params: { node: '127.77.0.3:7000' },
    });
  });

  it('refuses either side of an open migration, and offers fix-open-slot', () => {
    const input = fixtureInput('open-slot');
    const open = input.model.openSlots;
    const sides = [...new Set(open.flatMap((o) => [o.node, o.peer]))].map(
      (id) => input.model.byId.get(id)!.label,
    );
    expect(sides).toHaveLength(2);
    for (const side of sides) {
      const r = asRefusal(plan('open-slot', { node: side }));
      expect(r.reasons[0]).toContain('is a side of an open migration of slot(s) 4748');
      expect(r.alternatives?.[0]).toMatchObject({ action: 'fix-open-slot', params: { slotRanges: '4748' } });
    }
  });
});
