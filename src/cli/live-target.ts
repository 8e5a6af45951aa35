/**
 * Probes a cluster named on the command line (a registry name, or host:port: the terminal may use ad-hoc
 * addresses, chat never does). Loaded only by subcommands given a cluster, so the others never load the
 * probe or ioredis. Throws the registry's coded errors (unknown cluster, bad address, missing password).
 */
import type { ClusterSnapshot } from '../cluster/types.ts';
import { registeredClusters } from '../config/registered.ts';
import type { ClusterConfig } from '../config/schema.ts';
import { resolveTarget } from '../config/target.ts';
import { type ProbeOptions, probeCluster } from '../diagnose/probe/probe.ts';
import type { TargetOptions } from './target-options.ts';

/** Resolves and probes `target`; `probe` lets tests restrict hosts and pass a password. */
export async function probeTarget(
  target: string,
  opts: TargetOptions & { probe?: ProbeOptions },
): Promise<{ cluster: ClusterConfig; snapshot: ClusterSnapshot }> {
  const { cluster } = resolveTarget({ clusters: await registeredClusters(opts.config) }, target, {
    allowAdHoc: true,
    ...(opts.user ? { username: opts.user } : {}),
    ...(opts.passwordEnv ? { passwordEnv: opts.passwordEnv } : {}),
  });
  return { cluster, snapshot: await probeCluster(cluster, opts.probe) };
}
