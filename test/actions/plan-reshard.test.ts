/**
 * reshard and rebalance planned over recorded clusters: the source -> target table (contiguous, touching
 * the target when it can), parameter refusals, refusals on unhealthy clusters, "no rebalancing needed" as
 * a refusal with ACTION_NOT_NEEDED, and weighted rebalance moves.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/registry.ts';
import { countSlots } from '../../src/cluster/slots.ts';
import { asPlan, asRefusal, fixtureInput } from './plan-input.ts';

const [A, B, C, R] = ['127.189.3.1:7000', '127.189.3.2:7000', '127.189.3.3:7000', '127.189.3.4:7000'];

describe('reshard', () => {
  it('moves the slots next to the target, in one range, with their keys', () => {
    const p = asPlan(makePlan('reshard', fixtureInput('healthy', { from: A, to: B, slots: 1000 })));
    const move = p.steps[0]!;
    if (move.kind !== 'move-slots') throw new Error('not a move');
    expect(move.slots).toEqual([{ start: 4461, end: 5460 }]);
    expect(move.otherMasters.map((n) => n.address)).toEqual([C]);
    expect(p.summary).toBe(`Move 4461-5460 (1000 slots) from ${A} to ${B}`);
    expect(p.expected.slice(0, 2)).toEqual([
      `${A} owns 4461 slots in 1 range (0-4460)`,
      `${B} owns 6462 slots in 1 range (4461-10922)`,
    ]);
    expect(p.steps[1]).toMatchObject({
      kind: 'wait',
      until: { kind: 'slots-settled', slots: [{ start: 4461, end: 5460 }] },
    });
  });

  it('takes the lowest slots when no range touches the target (like redis-cli)', () => {
    const p = asPlan(makePlan('reshard', fixtureInput('healthy', { from: C, to: A, slots: 10 })));
    expect(p.steps[0]).toMatchObject({ slots: [{ start: 10923, end: 10932 }] });
  });

  it('refuses bad parameters', () => {
    const r = (params: object) =>
      asRefusal(makePlan('reshard', fixtureInput('healthy', { from: A, to: B, slots: 10, ...params })));
    expect(r({ to: R }).reasons[0]).toContain('a replica, not a master');
    expect(r({ slots: 0 }).reasons[0]).toContain('from 1 to 5461');
    expect(r({ slots: 6000 }).code).toBe('ACTION_BAD_PARAMS');
    expect(r({ to: A }).reasons[0]).toContain('the same master');
    expect(r({ from: '10.9.9.9:1' }).code).toBe('ACTION_BAD_PARAMS');
    expect(asRefusal(makePlan('reshard', fixtureInput('healthy', { from: A, to: B }))).reasons[0]).toContain(
      'needs --slots',
    );
  });

  it('refuses on an unhealthy cluster: open slots, a master down', () => {
    const open = asRefusal(
      makePlan(
        'reshard',
        fixtureInput('open-slot', { from: '127.185.246.3:7000', to: '127.185.246.1:7000', slots: 5 }),
      ),
    );
    expect(open.reasons[0]).toContain('open (4748)');
    const down = asRefusal(
      makePlan(
        'reshard',
        fixtureInput('master-killed-no-replica', {
          from: '127.160.214.2:7000',
          to: '127.160.214.3:7000',
          slots: 5,
        }),
      ),
    );
    expect(down.reasons.join(' ')).toContain('127.160.214.1:7000 are down');
  });
});

describe('rebalance', () => {
  it('says no rebalancing is needed with the numbers, as a refusal with nothing to approve', () => {
    const r = asRefusal(makePlan('rebalance', fixtureInput('healthy')));
    expect(r.code).toBe('ACTION_NOT_NEEDED');
    expect(r.reasons[0]).toContain(`within 2% of its share (slots owned/expected: ${A} 5461/5461`);
  });

  it('moves slots by weight, each move contiguous', () => {
    const p = asPlan(makePlan('rebalance', fixtureInput('healthy', { weights: { [A]: 2 } })));
    const moves = p.steps.filter((s) => s.kind === 'move-slots');
    expect(
      moves.map(
        (m) =>
          m.kind === 'move-slots' && [
            m.source.address,
            m.target.address,
            countSlots(m.slots),
            m.slots.length,
          ],
      ),
    ).toEqual([
      [B, A, 1366, 1],
      [C, A, 1365, 1],
    ]);
    expect(p.steps.at(-1)?.kind).toBe('wait');
  });

  it('refuses a weight for an unknown node', () => {
    expect(
      asRefusal(makePlan('rebalance', fixtureInput('healthy', { weights: { '10.1.1.1:1': 2 } }))).code,
    ).toBe('ACTION_BAD_PARAMS');
  });
});
