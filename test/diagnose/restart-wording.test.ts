/**
 * Restart advice never promises keys without evidence: with the node's own settings read it says what
 * really happens (keys it persisted, or EMPTY slots without persistence); without them (a paste, a dead
 * node) it is conditional, and names what the nodes that answered run. The root cause is the same in
 * every case.
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../../src/cluster/model.ts';
import type { NodeConfig } from '../../src/cluster/types.ts';
import { diagnose, diagnosePaste } from '../../src/diagnose/diagnose.ts';
import { restartOutcome } from '../../src/diagnose/persistence.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { hasScenario, scenarioLive, scenarioNames, scenarioPaste } from './scenario-fixtures.ts';

const OFF: NodeConfig = { appendonly: false, save: '' };
const ON: NodeConfig = { appendonly: true, save: '3600 1' };

/** Every sentence of the answer that speaks of a restart. */
function restartTexts(d: Diagnosis): string[] {
  return d.rootCauses.flatMap((c) => [
    c.explanation,
    ...c.actions.filter((a) => a.action === 'restart-node').map((a) => a.why),
  ]);
}

// The old, unconditional promises.
const PROMISE =
  /rejoins with (its )?slots[^.;]* and (its )?keys[.;,]|with the keys it persisted\.|restores service with its data/;

describe('no restart advice promises keys it cannot know about', () => {
  it.each(scenarioNames())('%s, pasted and live without settings', (name) => {
    for (const d of [diagnosePaste(scenarioPaste(name)), diagnose(scenarioLive(name))]) {
      for (const t of restartTexts(d)) expect(t).not.toMatch(PROMISE);
      for (const c of d.rootCauses)
        for (const a of c.actions.filter((x) => x.action === 'restart-node' && /slots \d/.test(x.why)))
          expect(a.why).toMatch(
            /only if it persisted them|runs without persistence|the keys it persisted \(/,
          );
    }
  });
});

const run = hasScenario('master-killed-no-replica') ? describe : describe.skip;

run('a dead master without replica: the same cause, three levels of knowledge', () => {
  const name = 'master-killed-no-replica';
  const restartWhy = (d: Diagnosis) => d.rootCauses[0]!.actions.find((a) => a.action === 'restart-node')!.why;

  it('pasted (nothing known): conditional, and says what to check', () => {
    const d = diagnosePaste(scenarioPaste(name));
    expect(d.rootCauses[0]?.code).toBe('master-failed-no-replica');
    expect(restartWhy(d)).toMatch(
      /it rejoins with slots 0-\d+ and its keys only if it persisted them \(RDB or AOF\); otherwise it comes back EMPTY and serves them with no keys\. Check appendonly and save in its redis\.conf first\.$/,
    );
  });

  it('live, the others without persistence: conditional, and "if it runs like them, EMPTY"', () => {
    const d = diagnose(scenarioLive(name, OFF));
    expect(d.rootCauses[0]?.code).toBe('master-failed-no-replica');
    expect(restartWhy(d)).toContain(
      'all 4 other nodes whose settings were read run without persistence (save "", appendonly no): if it runs like them, it comes back EMPTY',
    );
  });

  it('live, the others persisting: conditional, no guess either way', () => {
    const d = diagnose(scenarioLive(name, ON));
    expect(d.rootCauses[0]?.code).toBe('master-failed-no-replica');
    expect(restartWhy(d)).toContain('only if it persisted them');
    expect(restartWhy(d)).not.toContain('run without persistence');
  });
});

const healthy = hasScenario('healthy') ? describe : describe.skip;

healthy('a master whose own settings the probe read', () => {
  const master = (config: NodeConfig) => {
    const model = buildModel(scenarioLive('healthy', config));
    return { model, node: model.nodes.find((n) => n.role === 'master' && n.slotCount > 0)! };
  };

  it('persistence on: rejoins with the keys it persisted, saying how', () => {
    const { model, node } = master(ON);
    expect(restartOutcome(model, node)).toMatch(
      /^it rejoins with slots [\d-]+ and the keys it persisted \(appendonly yes, save "3600 1"\); writes not yet on disk are lost \(up to about a second with AOF's default fsync, everything since the last save with RDB alone\)\.$/,
    );
  });

  it('persistence off: EMPTY, data loss, promote a replica first', () => {
    const { model, node } = master(OFF);
    const said = restartOutcome(model, node);
    expect(said).toContain(
      'runs without persistence (save "", appendonly no, read by the probe), so a restart comes back EMPTY',
    );
    expect(said).toContain('every key in them is lost');
    expect(said).toContain('Promote a replica first if one holds the data (failover)');
  });

  it('a replica: no claim about keys, it resyncs', () => {
    const model = buildModel(scenarioLive('healthy', OFF));
    const replica = model.nodes.find((n) => n.role === 'replica')!;
    expect(restartOutcome(model, replica)).toBe(
      'it owns no slots, so no key depends on it: a replica resyncs from its master on return.',
    );
  });
});
