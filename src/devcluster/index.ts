/** Public entry of the real-cluster dev harness (edge module: spawns redis-server processes). */
export { cleanupNow } from './cleanup.ts';
export type { Auth, CliRun } from './client.ts';
export { replyText, runRedisCli } from './client.ts';
export { DevCluster, type RestartOptions } from './cluster.ts';
export * as conditions from './conditions.ts';
export { DevClusterError, type DevClusterErrorCode } from './errors.ts';
export { type NodeRow, parseInfo, parseNodes } from './inspect.ts';
export { type ConfigLine, DevNode, type NodeState } from './node.ts';
export { backupReplicaLayout, evenSlots } from './plan.ts';
export { keySlot, keysInRanges } from './scenario-kit.ts';
export {
  type ExpectedFacts,
  isScenarioName,
  type NodeRef,
  type OpenSlotFact,
  runScenario,
  SCENARIO_NAMES,
  SCENARIOS,
  type ScenarioName,
  type ScenarioOptions,
  type ScenarioResult,
} from './scenarios.ts';
export { startCluster } from './start.ts';
export type { Action, ClusterOptions, NodeSpec } from './types.ts';
export { sleep, type WaitOptions, waitFor } from './wait.ts';
