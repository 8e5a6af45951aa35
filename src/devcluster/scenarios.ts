/** The catalogue of break scenarios, by name. Each builds a real cluster, breaks it, and waits (bounded). */
import type { ScenarioOptions, ScenarioResult } from './scenario-kit.ts';
import { configLost, ghostNodes, staleAddresses, wrongAnnouncedAddress } from './scenarios-addresses.ts';
import {
  failoverCompleted,
  frozenMasterSynced,
  frozenMasterUnsynced,
  healthy,
  majorityMastersDown,
  masterKilledNoReplica,
  noFullCoverageDeadMaster,
  noVoters,
} from './scenarios-failures.ts';
import {
  aclProtected,
  busPortBlocked,
  openSlot,
  sameHostReplicas,
  slotsUnassigned,
} from './scenarios-layout.ts';

export type {
  ExpectedFacts,
  NodeRef,
  OpenSlotFact,
  ScenarioOptions,
  ScenarioResult,
} from './scenario-kit.ts';

/** Scenario builders by name, in catalogue order. */
export const SCENARIOS = {
  healthy,
  'master-killed-no-replica': masterKilledNoReplica,
  'failover-completed': failoverCompleted,
  'frozen-master-synced': frozenMasterSynced,
  'frozen-master-unsynced': frozenMasterUnsynced,
  'majority-masters-down': majorityMastersDown,
  'slots-unassigned': slotsUnassigned,
  'open-slot': (so?: ScenarioOptions) => openSlot(so, 'both'),
  'open-slot-importing-only': (so?: ScenarioOptions) => openSlot(so, 'importing-only'),
  'same-host-replicas': sameHostReplicas,
  'no-full-coverage-dead-master': noFullCoverageDeadMaster,
  'acl-protected': aclProtected,
  'bus-port-blocked': busPortBlocked,
  'stale-addresses': staleAddresses,
  'ghost-nodes': ghostNodes,
  'wrong-announced-address': wrongAnnouncedAddress,
  'config-lost': configLost,
  'no-voters': noVoters,
} satisfies Record<string, (so?: ScenarioOptions) => Promise<ScenarioResult>>;

export type ScenarioName = keyof typeof SCENARIOS;

/** Names of every scenario, in catalogue order. */
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** Returns true when `name` is a known scenario. */
export function isScenarioName(name: string): name is ScenarioName {
  return Object.hasOwn(SCENARIOS, name);
}

/** Builds and breaks the named scenario; the caller must `result.cluster.stop()`. */
export function runScenario(name: ScenarioName, so: ScenarioOptions = {}): Promise<ScenarioResult> {
  return SCENARIOS[name](so);
}
