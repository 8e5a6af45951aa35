/**
 * The clusters of the registry, for commands that may run without one: when there is no registry file,
 * YAML and zod are never loaded (./registry-file.ts decides, ./load.ts reads and validates).
 */
import { registryFile } from './registry-file.ts';
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
