/**
 * Builds a 'live'-like ClusterSnapshot from a recorded scenario (test/fixtures/<name>/) for runbook steps:
 * the shared loader's snapshot (running nodes' own outputs, dead nodes refused, frozen ones timed out) plus
 * CONFIG, bus ports (open unless `busClosed` names the address) and the open slots' key counts.
 */
import { buildModel } from '../../src/cluster/model.ts';
import type { ClusterSnapshot, NodeConfig, SlotKeyCount } from '../../src/cluster/types.ts';
import { diagnose } from '../../src/diagnose/diagnose.ts';
import type { RunbookContext } from '../../src/runbooks/types.ts';
import { scenarioLive, scenarioMeta } from '../diagnose/scenario-fixtures.ts';

/** meta.json of a recorded scenario. */
export const fixtureMeta = scenarioMeta;

/** CONFIG GET as the recorder's clusters were built: defaults, full coverage off in one scenario. */
function recordedConfig(name: string): NodeConfig {
  return {
    requireFullCoverage: name !== 'no-full-coverage-dead-master',
    nodeTimeoutMs: 1500,
    replicaValidityFactor: 10,
    allowReadsWhenDown: false,
  };
}

/** The recorded scenario as a live snapshot (see the module comment). */
export function fixtureSnapshot(
  name: string,
  opts: { busClosed?: string[]; keys?: boolean } = {},
): ClusterSnapshot {
  const snapshot = scenarioLive(name, recordedConfig(name), {
    busPorts: { closed: opts.busClosed ?? [] },
    frozenMessage: 'Command timed out',
    keysCounted: true,
  });
  const open = scenarioMeta(name).expected.openSlots;
  if (opts.keys !== false && open.length > 0) {
    const counts: SlotKeyCount[] = [];
    for (const o of open) {
      counts.push({ address: o.source.address, nodeId: o.source.id, slot: o.slot, keys: o.keysOnSource });
      counts.push({ address: o.target.address, nodeId: o.target.id, slot: o.slot, keys: o.keysOnTarget });
    }
    snapshot.openSlotKeys = counts;
  }
  return snapshot;
}

/** Snapshot, model and diagnosis of a recorded scenario, ready for runbook steps. */
export function fixtureContext(
  name: string,
  opts: Parameters<typeof fixtureSnapshot>[1] = {},
): RunbookContext {
  const snapshot = fixtureSnapshot(name, opts);
  return { snapshot, model: buildModel(snapshot), diagnosis: diagnose(snapshot) };
}
