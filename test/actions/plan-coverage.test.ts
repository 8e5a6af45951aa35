/**
 * fix-coverage planned over recorded clusters: the exact commands for unassigned slots (even, contiguous,
 * merged into the ranges the masters own), keyed slots to their holder, and every refusal: keys on
 * several nodes, uncounted keys, a failed owner (alternatives), a failed owner with a live replica, and the
 * discard-dead-owner-data plan with its losses stated.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/registry.ts';
import { asPlan, asRefusal, fixtureInput } from './plan-input.ts';

describe('fix-coverage on slots never assigned', () => {
  it('gives each range to the master it extends, with the exact commands, then waits for agreement', () => {
    const p = asPlan(makePlan('fix-coverage', fixtureInput('slots-unassigned')));
    expect(p.steps.map((s) => s.kind)).toEqual([
      'assign-slots',
      'command',
      'command',
      'assign-slots',
      'command',
      'command',
      'wait',
    ]);
    // The last slot of each range is assigned by SETSLOT NODE on an importing slot: the node then tells
    // every other node at once instead of waiting for gossip.
    expect(p.steps.flatMap((s) => s.display)).toEqual([
      'redis-cli -h 127.238.13.1 -p 7000 CLUSTER ADDSLOTSRANGE 5000 5459',
      'redis-cli -h 127.238.13.1 -p 7000 CLUSTER SETSLOT 5460 IMPORTING 1ffabc0d4057f23eb057effa658b55cde0bf8280',
      'redis-cli -h 127.238.13.1 -p 7000 CLUSTER SETSLOT 5460 NODE b806854cdd9ea36e88693ecc6424477fb3557be0',
      'redis-cli -h 127.238.13.3 -p 7000 CLUSTER ADDSLOTSRANGE 16000 16382',
      'redis-cli -h 127.238.13.3 -p 7000 CLUSTER SETSLOT 16383 IMPORTING b806854cdd9ea36e88693ecc6424477fb3557be0',
      'redis-cli -h 127.238.13.3 -p 7000 CLUSTER SETSLOT 16383 NODE d3974bbf7ea60a45e440a0267b67bbc4c97a4563',
      'redis-cli -h 127.238.13.1 -p 7000 CLUSTER NODES',
    ]);
    expect(p.steps[6]).toMatchObject({
      until: {
        kind: 'slots-settled',
        slots: [
          { start: 5000, end: 5460 },
          { start: 16000, end: 16383 },
        ],
      },
    });
    expect(p.expected).toContain('127.238.13.1:7000 owns 5461 slots in 1 range (0-5460)');
    expect(p.expected).toContain('every slot is served: cluster_state:ok');
    expect(p.fixes).toEqual(['slots-never-assigned']);
    expect(p.risks.every((r) => r.kind === 'none')).toBe(true);
    expect(p.dangerous).toEqual([]);
  });

  it('limits itself to --slot-ranges (emptiest master first) and says when nothing is needed', () => {
    const p = asPlan(
      makePlan('fix-coverage', fixtureInput('slots-unassigned', { slotRanges: '16000-16100' })),
    );
    expect(p.steps.filter((s) => s.kind === 'assign-slots').flatMap((s) => s.display)).toEqual([
      'redis-cli -h 127.238.13.1 -p 7000 CLUSTER ADDSLOTSRANGE 16012 16099',
      'redis-cli -h 127.238.13.3 -p 7000 CLUSTER ADDSLOTSRANGE 16000 16010',
    ]);
    expect(p.expected).not.toContain('every slot is served: cluster_state:ok');
    expect(
      asRefusal(makePlan('fix-coverage', fixtureInput('slots-unassigned', { slotRanges: '0-100' }))).code,
    ).toBe('ACTION_NOT_NEEDED');
    expect(
      asRefusal(makePlan('fix-coverage', fixtureInput('slots-unassigned', { slotRanges: '9-x' }))).code,
    ).toBe('ACTION_BAD_PARAMS');
  });

  it('gives slots whose keys sit on one master to that master', () => {
    const p = asPlan(
      makePlan(
        'fix-coverage',
        fixtureInput('slots-unassigned', {}, (s) => {
          s.keysInSlots = [{ address: '127.238.13.2:7000', slot: 16001, keys: 7 }];
        }),
      ),
    );
    const mine = p.steps.filter((s) => s.kind === 'command' && s.node.address === '127.238.13.2:7000');
    expect(mine.flatMap((s) => s.display)).toEqual([
      'redis-cli -h 127.238.13.2 -p 7000 CLUSTER SETSLOT 16001 IMPORTING b806854cdd9ea36e88693ecc6424477fb3557be0',
      'redis-cli -h 127.238.13.2 -p 7000 CLUSTER SETSLOT 16001 NODE 1ffabc0d4057f23eb057effa658b55cde0bf8280',
    ]);
    expect(p.risks.map((r) => r.text).join(' ')).toContain('hold keys only on 127.238.13.2:7000 (7 keys)');
  });

  it('refuses keys on several nodes, and keys not counted everywhere, with the numbers', () => {
    const several = asRefusal(
      makePlan(
        'fix-coverage',
        fixtureInput('slots-unassigned', {}, (s) => {
          s.keysInSlots = [
            { address: '127.238.13.1:7000', slot: 5001, keys: 3 },
            { address: '127.238.13.2:7000', slot: 5001, keys: 5 },
          ];
        }),
      ),
    );
    expect(several.reasons[0]).toContain('slot 5001: 127.238.13.1:7000 (3 keys), 127.238.13.2:7000 (5 keys)');
    const uncounted = asRefusal(
      makePlan(
        'fix-coverage',
        fixtureInput('slots-unassigned', {}, (s) => {
          s.keysInSlotsUncounted = [{ start: 16000, end: 16383 }];
        }),
      ),
    );
    expect(uncounted.reasons[0]).toContain('16000-16383 (384 slots) were not counted');
    expect(
      asRefusal(
        makePlan(
          'fix-coverage',
          fixtureInput('slots-unassigned', {}, (s) => delete s.keysInSlots),
        ),
      ).reasons[0],
    ).toContain('no key counts');
  });
});

describe('fix-coverage and a failed owner', () => {
  it('refuses, saying what would be lost, and offers restart and (last) the named option', () => {
    const r = asRefusal(makePlan('fix-coverage', fixtureInput('master-killed-no-replica')));
    expect(r.code).toBe('ACTION_REFUSED');
    expect(r.reasons[0]).toContain('0-5460 (5461 slots) still belong to 127.160.214.1:7000');
    expect(r.reasons[0]).toContain('delete those keys when it returns');
    expect(r.alternatives?.map((a) => a.action)).toEqual(['restart-node', 'fix-coverage']);
    expect(r.alternatives?.[1]?.params).toEqual({ slotRanges: '0-5460', allow: ['discard-dead-owner-data'] });
  });

  it('with discard-dead-owner-data takes the slots over in one transaction per master, the losses stated', () => {
    const p = asPlan(
      makePlan(
        'fix-coverage',
        fixtureInput('master-killed-no-replica', { allow: ['discard-dead-owner-data'] }),
      ),
    );
    expect(p.dangerous).toEqual(['discard-dead-owner-data']);
    const take = p.steps.filter((s) => s.kind === 'assign-slots');
    expect(take.map((s) => s.kind === 'assign-slots' && s.replacing?.address)).toEqual([
      '127.160.214.1:7000',
      '127.160.214.1:7000',
    ]);
    expect(p.expected).toContain('127.160.214.2:7000 owns 8192 slots in 1 range (2731-10922)');
    expect(take.flatMap((s) => s.display)).toEqual([
      "printf 'MULTI\\nCLUSTER DELSLOTSRANGE 2731 5460\\nCLUSTER ADDSLOTSRANGE 2731 5460\\nCLUSTER BUMPEPOCH\\nEXEC\\n' | redis-cli -h 127.160.214.2 -p 7000",
      "printf 'MULTI\\nCLUSTER DELSLOTSRANGE 0 2730\\nCLUSTER ADDSLOTSRANGE 0 2730\\nCLUSTER BUMPEPOCH\\nEXEC\\n' | redis-cli -h 127.160.214.3 -p 7000",
    ]);
    const loss = p.risks.find((x) => x.kind === 'data-loss')!.text;
    expect(loss).toContain('0-5460 (5461 slots) are taken from 127.160.214.1:7000');
    expect(loss).toContain('deletes its keys');
    expect(loss).toContain('turns into a replica');
    expect(p.fixes).toContain('master-failed-no-replica');
  });

  it('refuses even with the option while a replica of the failed owner is up', () => {
    const r = asRefusal(
      makePlan(
        'fix-coverage',
        fixtureInput('frozen-master-unsynced', { allow: ['discard-dead-owner-data'] }),
      ),
    );
    expect(r.reasons.at(-1)).toContain('holds that data');
    expect(r.alternatives?.[0]?.action).toBe('failover-force');
  });
});
