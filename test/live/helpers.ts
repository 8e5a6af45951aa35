/** Shared bits of the live tests: a registry entry for a scenario cluster and loopback-only probing. */

import { afterAll, beforeAll } from 'vitest';
import { parseConfig } from '../../src/config/load.ts';
import type { ClusterConfig, Config } from '../../src/config/schema.ts';
import { runScenario, type ScenarioName, type ScenarioResult } from '../../src/devcluster/scenarios.ts';
import { isLoopbackHost } from '../../src/diagnose/probe/nat.ts';
import type { ProbeOptions } from '../../src/diagnose/probe/probe.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { type LiveResult, runLive } from '../../src/runbooks/run.ts';

/**
 * Builds a scenario (by name, or with `build`) once before the enclosing describe's tests, within
 * `timeoutMs` when given, and stops its cluster after them; returns a getter for the result (valid in tests).
 */
export function useScenario(
  scenario: ScenarioName | (() => Promise<ScenarioResult>),
  timeoutMs?: number,
): () => ScenarioResult {
  const box: { s?: ScenarioResult } = {};
  beforeAll(async () => {
    box.s = await (typeof scenario === 'string' ? runScenario(scenario) : scenario());
  }, timeoutMs);
  afterAll(async () => {
    await box.s?.cluster.stop();
  });
  return () => box.s!;
}

/** Registry entry for a scenario's cluster: one live seed, so discovery is exercised. */
export function clusterOf(s: ScenarioResult, name = s.name): ClusterConfig {
  const seed = s.cluster.live()[0]!;
  return {
    name,
    seeds: [seed.address],
    ...(s.cluster.auth.username ? { username: s.cluster.auth.username } : {}),
    timeouts: { connectMs: 1000, commandMs: 1200, nodeDeadlineMs: 2000 },
  };
}

/** A whole registry holding the scenario's cluster. */
export function registryOf(s: ScenarioResult, extra: Partial<ClusterConfig> = {}): Config {
  return parseConfig({ clusters: [{ ...clusterOf(s), ...extra }] });
}

/** Probe options for tests: never follow an address outside 127.0.0.0/8. */
export function probeOpts(s: ScenarioResult, password = s.cluster.auth.password): ProbeOptions {
  return { allowHost: isLoopbackHost, ...(password !== undefined ? { password } : {}) };
}

/** Probes, diagnoses and runs the fitting runbook on the scenario's cluster. */
export function live(s: ScenarioResult, password?: string): Promise<LiveResult> {
  return runLive(clusterOf(s), { probe: probeOpts(s, password ?? s.cluster.auth.password) });
}

/** Codes of the findings about `address`. */
export function codesFor(d: Diagnosis, address: string): string[] {
  return d.findings.filter((f) => f.nodes.includes(address)).map((f) => f.code);
}

/** Every finding code of a diagnosis. */
export function codes(d: Diagnosis): string[] {
  return d.findings.map((f) => f.code);
}
