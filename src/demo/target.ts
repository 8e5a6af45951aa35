/**
 * What the demo diagnoses and the commands it prints. The cluster is named by its seed's host:port, so
 * every redis-runbook command the demo prints (its own, and each step's "check it yourself") works as
 * printed on a machine with no registry; a made-up name would not.
 */
import type { ClusterConfig } from '../config/schema.ts';
import type { RecommendedAction } from '../diagnose/types.ts';

/** The demo's cluster: ad-hoc, named by `seed` exactly as `redis-runbook diagnose <seed>` names it. */
export function demoCluster(seed: string): ClusterConfig {
  return {
    name: seed,
    seeds: [seed],
    timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
  };
}

/** The command the demo shows the on-call engineer typing. */
export function demoCommand(seed: string): string {
  return `redis-runbook runbook run clusterdown ${seed}`;
}

/** The `plan` and `apply --yes` command lines the demo prints for `fix` on the cluster `seed` names. */
export function fixCommands(seed: string, fix: RecommendedAction): { plan: string; apply: string } {
  const flags = Object.entries(fix.params ?? {})
    .filter(([k]) => k === 'node' || k === 'master')
    .map(([k, v]) => ` --${k} ${v}`)
    .join('');
  return {
    plan: `redis-runbook plan ${fix.action} ${seed}${flags}`,
    apply: `redis-runbook apply ${fix.action} ${seed}${flags} --yes`,
  };
}
