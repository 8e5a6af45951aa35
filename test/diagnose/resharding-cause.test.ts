/** The resharding cause agrees with the plan: roll back when no key reached the target, else finish. */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/cluster/model.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import { scenarioLive } from './scenario-fixtures.ts';

function withCounts(scenario: string, target: number, source: number) {
  const snapshot = scenarioLive(scenario);
  const open = buildModel(snapshot).openSlots;
  const imp = open.find((o) => o.kind === 'importing')!;
  const model = buildModel(snapshot);
  const label = (id: string) => model.byId.get(id)?.label ?? id;
  snapshot.openSlotKeys = [
    { address: label(imp.node), nodeId: imp.node, slot: imp.slot, keys: target },
    { address: label(imp.peer), nodeId: imp.peer, slot: imp.slot, keys: source },
  ];
  return (
    diagnose(snapshot).rootCauses.find((c) => c.code === 'resharding-interrupted')?.actions[0]?.why ?? ''
  );
}

describe('fix-open-slot advice', () => {
  it('IMPORTING only and no key on the target: roll back with SETSLOT STABLE, no migration', () => {
    const why = withCounts('open-slot-importing-only', 0, 10);
    expect(why).toMatch(/No key has reached .* roll back by closing it \(CLUSTER SETSLOT 4748 STABLE/);
    expect(why).not.toMatch(/Finish the move/);
  });

  it('keys on both sides: finish the move, without the "if it holds no key" hedge', () => {
    const why = withCounts('open-slot', 4, 6);
    expect(why).toMatch(/Finish the move: migrate the keys still on/);
  });
});
