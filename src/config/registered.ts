/**
 * The clusters of the registry, for commands that may run without one: when there is no registry file,
 * YAML and zod are never loaded (./registry-file.ts decides, ./load.ts reads and validates).
 */
import { DEFAULT_APPROVALS_PREFIX, registryFile } from './registry-file.ts';
import type { ClusterConfig } from './schema.ts';

/** The registry's clusters; none when there is no registry. Throws the registry's coded errors. */
export async function registeredClusters(
  path?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ClusterConfig[]> {
  if (registryFile(path, env) === null) return [];
  const { loadConfig } = await import('./load.ts');
  return loadConfig(path, env).clusters;
}

/** The registry's clusters and approvals prefix; none and the default when there is no registry. */
export async function registeredSettings(
  path?: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ clusters: ClusterConfig[]; approvalsPrefix: string }> {
  if (registryFile(path, env) === null) return { clusters: [], approvalsPrefix: DEFAULT_APPROVALS_PREFIX };
  const { loadConfig } = await import('./load.ts');
  const config = loadConfig(path, env);
  return { clusters: config.clusters, approvalsPrefix: config.approvals.prefix };
}
