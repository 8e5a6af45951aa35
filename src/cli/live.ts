/**
 * `redis-runbook diagnose <cluster|host:port>` and `runbook run`: probe live, print each runbook step as
 * it completes (or everything as JSON), end with the diagnosis. Loads the registry (YAML, zod) only when
 * there is one, and the probe (ioredis) only once the target resolved; the probe starts before the diagnosis code
 * loads, so the two overlap. Exit 0 no critical finding, 2 usage or
 * input error (unknown cluster, bad host:port, missing password env var, invalid config, credentials every
 * node rejects), 3 critical findings, including no node answering at all (an outage, not bad input).
 */
import type { ClusterSnapshot } from '../cluster/types.ts';
import { isConfigError } from '../config/errors.ts';
import { registeredClusters } from '../config/registered.ts';
import { resolveTarget } from '../config/target.ts';
import type { ProbeOptions } from '../diagnose/probe/probe.ts';
import type { Diagnosis } from '../diagnose/types.ts';
import { RUNBOOK_NAMES, type RunbookName } from '../runbooks/types.ts';
import { EXIT_CRITICAL, EXIT_USAGE, exitCodeFor } from './exit-codes.ts';

export interface LiveCliOptions {
  json?: boolean;
  runbook?: RunbookName;
  /** Registry file (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml). */
  config?: string;
  /** For an ad-hoc host:port: ACL user and the env var holding the password. */
  user?: string;
  passwordEnv?: string;
  probe?: ProbeOptions;
  /** Where output goes (default stdout / stderr). */
  out?: (text: string) => void;
  err?: (text: string) => void;
  color?: boolean;
  /** Print each step in full as it completes, then everything else (default: the brief, at the end). */
  verbose?: boolean;
}

/** The diagnosis as the JSON document `diagnose --json` prints (same field order as for pastes). */
export function liveJson(d: Diagnosis): Record<string, unknown> {
  return {
    source: d.source,
    ...(d.cluster ? { cluster: d.cluster } : {}),
    state: d.state,
    rootCauses: d.rootCauses,
    findings: d.findings,
    ...(d.steps ? { steps: d.steps } : {}),
    warnings: d.warnings,
    visibility: d.visibility,
    fingerprint: d.fingerprint,
  };
}

/** Runs the live diagnosis for the terminal; resolves with the exit code. */
export async function diagnoseLiveForCli(target: string, opts: LiveCliOptions = {}): Promise<number> {
  const out = opts.out ?? ((t: string) => process.stdout.write(`${t}\n`));
  const err = opts.err ?? ((t: string) => process.stderr.write(`${t}\n`));
  try {
    const resolved = resolveTarget({ clusters: await registeredClusters(opts.config) }, target, {
      allowAdHoc: true,
      ...(opts.user ? { username: opts.user } : {}),
      ...(opts.passwordEnv ? { passwordEnv: opts.passwordEnv } : {}),
    });
    const { cluster, credentials, note } = resolved;
    if (note) err(`redis-runbook: ${note}`);
    if (!opts.json) out(`Probing ${cluster.name} (${cluster.seeds.join(', ')})…`);
    const started = Date.now();
    // The probe goes first: its sockets wait on the nodes while Node loads the diagnosis and renderers.
    const probed = import('../diagnose/probe/probe.ts').then(({ probeCluster }) =>
      probeCluster(cluster, opts.probe),
    );
    probed.catch(() => undefined); // awaited by runLive below; a config error is handled there
    const [{ runLive }, { getRunbook }, { renderDiagnosisText }, { renderStepText }] = await Promise.all([
      import('../runbooks/run.ts'),
      import('../runbooks/registry.ts'),
      import('../bot/text.ts'),
      import('./step-text.ts'),
    ]);
    const { diagnosis, snapshot } = await runLive(cluster, {
      probed,
      ...(opts.runbook ? { runbook: opts.runbook } : {}),
      onSelected: (name, snapshot) => {
        if (opts.json) return;
        const seen = snapshot.observations.filter((o) => o.nodes && !o.error).length;
        const title = getRunbook(name)?.title ?? name;
        // One line, then the report: the brief stays about 30 lines in all.
        out(
          `${seen} of ${snapshot.observations.length} nodes answered in ${Date.now() - started} ms; runbook: ${name} — ${title}`,
        );
      },
      onStep: (step, i, total) => {
        if (!opts.json && opts.verbose) out(renderStepText(step, i, total, opts.color));
      },
    });
    if (opts.json) out(JSON.stringify(liveJson(diagnosis), null, 2));
    else {
      // Verbose: the steps were printed in full as they completed, so the report leaves them out.
      const report = opts.verbose ? { ...diagnosis, steps: [] } : diagnosis;
      out(renderDiagnosisText(report, { color: !!opts.color, verbose: !!opts.verbose }).trimEnd());
      out(`(${Date.now() - started} ms)`);
    }
    if (diagnosis.visibility.nodesSeen === 0) return nobodyAnsweredExit(snapshot, err, credentials);
    return exitCodeFor(diagnosis);
  } catch (e) {
    if (isConfigError(e)) {
      err(`redis-runbook: ${e.message} [${e.code}]`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

/**
 * No node gave its view. Credentials every node rejected, or seeds that are not cluster nodes, are input
 * errors (2); seeds that refuse or time out are an outage as far as we can tell (3, the diagnosis says so).
 * The hint names where the credentials came from: the registry entry, or the flags given.
 */
export function nobodyAnsweredExit(
  snapshot: ClusterSnapshot,
  err: (text: string) => void,
  credentials: 'registry' | 'flags' = 'registry',
): number {
  const kinds = new Set(snapshot.observations.flatMap((o) => (o.error ? [o.error.kind] : [])));
  if (snapshot.observations.length === 0) {
    err('redis-runbook: no seed could be probed: check the seeds of this cluster in the registry [NO_SEED]');
    return EXIT_USAGE;
  }
  if (kinds.size > 0 && [...kinds].every((k) => k === 'auth' || k === 'tls')) {
    const what = kinds.has('tls')
      ? kinds.has('auth')
        ? 'credentials or TLS settings'
        : 'TLS settings'
      : 'credentials';
    const check = kinds.has('tls')
      ? 'tls (ca, servername, cert, key) in a registry entry for this cluster (TLS cannot be set with flags)'
      : credentials === 'flags'
        ? '--user and --password-env (the variable must hold the password of that user)'
        : 'the user and password env var in the registry entry';
    err(`redis-runbook: every node rejected our ${what}: check ${check} [NO_NODE_ANSWERED]`);
    return EXIT_USAGE;
  }
  if (kinds.size > 0 && [...kinds].every((k) => k === 'not-cluster')) {
    err('redis-runbook: no seed is a cluster node (cluster-enabled no): check the seeds [NO_NODE_ANSWERED]');
    return EXIT_USAGE;
  }
  err(
    'redis-runbook: no node of the cluster answered: an outage as far as redis-runbook can see [NO_NODE_ANSWERED]',
  );
  return EXIT_CRITICAL;
}

/** The options `diagnose <target>` takes on the command line (the runbook name not yet checked). */
export interface LiveCommandOptions extends Omit<LiveCliOptions, 'runbook' | 'probe' | 'out' | 'err'> {
  runbook?: string;
}

/**
 * `redis-runbook diagnose <target>` as typed: an unknown runbook name is a usage error (exit 2), then the
 * live diagnosis; a configuration error it throws is printed as one line (exit 2). Resolves with the exit code.
 */
export async function liveDiagnosis(target: string, opts: LiveCommandOptions): Promise<number> {
  const { runbook, ...rest } = opts;
  if (runbook !== undefined && !(RUNBOOK_NAMES as readonly string[]).includes(runbook)) {
    process.stderr.write(
      `redis-runbook diagnose: no runbook named "${runbook}" (try ${RUNBOOK_NAMES.join(', ')}) [UNKNOWN_RUNBOOK]\n`,
    );
    return EXIT_USAGE;
  }
  try {
    return await diagnoseLiveForCli(target, {
      ...rest,
      ...(runbook ? { runbook: runbook as RunbookName } : {}),
      color: !!opts.color,
      verbose: !!opts.verbose,
    });
  } catch (err) {
    process.stderr.write(`redis-runbook diagnose: ${(err as Error)?.message ?? String(err)}\n`);
    return EXIT_USAGE;
  }
}
