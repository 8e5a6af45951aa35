/** The runbooks this build knows, and the selector that picks the one that fits a diagnosis. */
import type { Diagnosis, RootCauseCode } from '../diagnose/types.ts';
import { clusterdownRunbook } from './clusterdown.ts';
import { failoverRunbook } from './failover.ts';
import { healthRunbook } from './health.ts';
import { reshardingRunbook } from './resharding.ts';
import type { Runbook, RunbookInfo, RunbookName } from './types.ts';

export const RUNBOOKS: readonly Runbook[] = [
  clusterdownRunbook,
  failoverRunbook,
  reshardingRunbook,
  healthRunbook,
];

/** Names and descriptions of every runbook. */
export function listRunbooks(): RunbookInfo[] {
  return RUNBOOKS.map(({ name, title, description }) => ({ name, title, description }));
}

/** The runbook called `name`, or undefined. */
export function getRunbook(name: string): Runbook | undefined {
  return RUNBOOKS.find((r) => r.name === name);
}

/** True when `name` is a runbook name. */
export function isRunbookName(name: string): name is RunbookName {
  return RUNBOOKS.some((r) => r.name === name);
}

const BY_CAUSE: Partial<Record<RootCauseCode, RunbookName>> = {
  'resharding-interrupted': 'resharding',
  'failover-blocked': 'failover',
  'failover-completed': 'failover',
  'failover-not-possible-no-voters': 'failover',
  'master-failed-no-replica': 'clusterdown',
  'master-loading': 'clusterdown',
  'slots-never-assigned': 'clusterdown',
  'quorum-lost': 'clusterdown',
  'network-partition': 'clusterdown',
  'host-failure': 'clusterdown',
  'stale-addresses': 'clusterdown',
  'cluster-config-lost': 'clusterdown',
  'ghost-nodes': 'health',
  'wrong-announced-address': 'health',
  'writes-refused': 'health',
  healthy: 'health',
};

/** Picks the runbook for a diagnosis: by its first root cause, else by state and findings. */
export function selectRunbook(d: Diagnosis): RunbookName {
  // Nothing answered: the clusterdown runbook's reachability step is what helps most.
  if (d.visibility.nodesSeen === 0) return 'clusterdown';
  for (const c of d.rootCauses) {
    const name = BY_CAUSE[c.code];
    if (name) return name;
  }
  const codes = new Set(d.findings.map((f) => f.code));
  if (codes.has('OPEN_SLOT')) return 'resharding';
  if (d.state === 'fail' || codes.has('SLOTS_UNASSIGNED') || codes.has('SLOTS_OWNER_DOWN'))
    return 'clusterdown';
  if (codes.has('NODE_FAIL') || codes.has('REPLICA_NOT_SYNCED')) return 'failover';
  return 'health';
}
