/**
 * fix-open-slot planned over recorded clusters: finishing a half-done move (one move-slots step, the exact
 * commands, target first), rolling back a move no key reached (STABLE on the open side only), finishing
 * when the target's keys were not counted, and refusing a move whose source is down and not replaced.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/registry.ts';
import { isRefusal } from '../../src/actions/types.ts';
import { asPlan, fixtureInput } from './plan-input.ts';

describe('fix-open-slot', () => {
  it('finishes a move with keys on both sides: one move-slots step, SETSLOT NODE on the target first', () => {
    const p = asPlan(makePlan('fix-open-slot', fixtureInput('open-slot')));
    const [src, dst, other] = ['127.185.246.1:7000', '127.185.246.2:7000', '127.185.246.3:7000'];
    expect(p.steps.map((s) => s.kind)).toEqual(['move-slots', 'wait']);
    const move = p.steps[0]!;
    if (move.kind !== 'move-slots') throw new Error('not a move');
    expect(move).toMatchObject({
      source: { address: src },
      target: { address: dst },
      slots: [{ start: 4748, end: 4748 }],
      otherMasters: [{ address: other }],
      replace: false,
    });
    expect(move.display).toEqual([
      '# for each slot of 4748, up to 256 at a time (windows of 64 side by side); slot 4748 shown:',
      'redis-cli -h 127.185.246.2 -p 7000 CLUSTER SETSLOT 4748 IMPORTING 5e92e6191c404720e79e07f77b1124b564df2f70   # already set: skipped',
      'redis-cli -h 127.185.246.1 -p 7000 CLUSTER SETSLOT 4748 MIGRATING 5e001e02c368720bbe01193fe6c0f68327724f94   # already set: skipped',
      'redis-cli -h 127.185.246.1 -p 7000 CLUSTER GETKEYSINSLOT 4748 100   # then, until it lists none:',
      'redis-cli -h 127.185.246.1 -p 7000 MIGRATE 127.185.246.2 7000 "" 0 60000 KEYS <the keys it listed>',
      'redis-cli -h 127.185.246.2 -p 7000 CLUSTER SETSLOT 4748 NODE 5e001e02c368720bbe01193fe6c0f68327724f94   # target first',
      'redis-cli -h 127.185.246.1 -p 7000 CLUSTER SETSLOT 4748 NODE 5e001e02c368720bbe01193fe6c0f68327724f94',
      'redis-cli -h 127.185.246.3 -p 7000 CLUSTER SETSLOT 4748 NODE 5e001e02c368720bbe01193fe6c0f68327724f94',
    ]);
    expect(p.risks.map((r) => r.text).join(' ')).toContain(
      `slot 4748: 6 keys move from ${src} to ${dst} (4 are there already)`,
    );
    expect(p.expected).toContain(`slot 4748 is owned by ${dst} and open nowhere`);
    expect(p.fixes).toEqual(['resharding-interrupted']);
    expect(p.summary).toBe('Close slot 4748: finish the move');
  });

  it('rolls back a move no key reached: STABLE on the importing target only', () => {
    const p = asPlan(makePlan('fix-open-slot', fixtureInput('open-slot-importing-only')));
    expect(p.steps.flatMap((s) => s.display)).toEqual([
      'redis-cli -h 127.61.178.2 -p 7000 CLUSTER SETSLOT 4748 STABLE',
      'redis-cli -h 127.61.178.1 -p 7000 CLUSTER NODES',
    ]);
    expect(p.risks[0]!.text).toContain('no key reached 127.61.178.2:7000 (0 counted)');
    expect(p.expected).toContain('slot 4748 is owned by 127.61.178.1:7000 and open nowhere');
  });

  it('finishes instead when the target was not counted, and says what that means', () => {
    const p = asPlan(
      makePlan(
        'fix-open-slot',
        fixtureInput('open-slot-importing-only', {}, (s) => {
          s.openSlotKeys = s.openSlotKeys?.filter((k) => k.address !== '127.61.178.2:7000');
        }),
      ),
    );
    expect(p.steps.map((s) => s.kind)).toEqual(['move-slots', 'wait']);
    expect(p.risks[0]!.text).toContain('Only 127.61.178.2:7000 had it open');
  });

  it('migrating only, no key on the target: rolls back on the source', () => {
    const p = asPlan(
      makePlan(
        'fix-open-slot',
        fixtureInput('open-slot', {}, (s) => {
          for (const o of s.observations) for (const l of o.nodes?.nodes ?? []) l.importing = [];
          for (const k of s.openSlotKeys ?? []) if (k.address === '127.185.246.2:7000') k.keys = 0;
        }),
      ),
    );
    expect(p.steps.flatMap((s) => s.display)[0]).toBe(
      'redis-cli -h 127.185.246.1 -p 7000 CLUSTER SETSLOT 4748 STABLE',
    );
    expect(p.steps).toHaveLength(2);
    expect(p.summary).toBe('Close slot 4748: roll back (no key reached the target)');
  });

  it('says when nothing is open, and refuses a move whose source is down and not replaced', () => {
    const none = makePlan('fix-open-slot', fixtureInput('open-slot', { slotRanges: '0-100' }));
    expect(isRefusal(none) && none.code).toBe('ACTION_NOT_NEEDED');
    const dead = makePlan(
      'fix-open-slot',
      fixtureInput('open-slot', {}, (s) => {
        const o = s.observations.find((x) => x.address === '127.185.246.1:7000')!;
        o.error = { kind: 'refused', message: 'connect ECONNREFUSED' };
        for (const other of s.observations) {
          for (const l of other.nodes?.nodes ?? []) {
            if (l.id.startsWith('5e92e619') && !l.flags.includes('myself')) l.flags.push('fail');
          }
        }
        delete o.nodes;
      }),
    );
    if (!isRefusal(dead)) throw new Error('planned');
    expect(dead.reasons[0]).toContain('the source 127.185.246.1:7000 is down');
    expect(dead.alternatives?.[0]).toMatchObject({
      action: 'restart-node',
      params: { node: '127.185.246.1:7000' },
    });
  });
});
