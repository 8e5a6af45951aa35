/**
 * The Prometheus side of {@link Metrics}: a private prom-client Registry per call (never the global
 * default registry), the default process metrics, and the bot's series. Label values are closed sets,
 * so a caller can never grow the series count without bound.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Metrics, MetricsEndpoint } from '../metrics.ts';

/**
 * The closed set of values of each open-ended label, handed in by the caller that knows them (`serve`
 * takes them from the rooms that define them: src/cli/metric-labels.ts); ops imports no room above it.
 * Any other value is recorded as 'other'.
 */
export interface MetricLabelSets {
  /** 'ok' and every kind of probe error. */
  probeOutcomes: readonly string[];
  /** Every state of an approval request. */
  approvalStates: readonly string[];
  /** Every state a remediation job can end in. */
  jobOutcomes: readonly string[];
}

/** `value` when it is in `allowed`, else 'other'. */
function closed(value: string, allowed: ReadonlySet<string>): string {
  return allowed.has(value) ? value : 'other';
}

/** Metrics recorded into a fresh registry, plus that registry's exposition for /metrics. */
export function createPrometheusMetrics(
  labels: MetricLabelSets,
): Metrics & MetricsEndpoint & { registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const probeOutcomes = new Set(labels.probeOutcomes);
  const approvalStates = new Set(labels.approvalStates);
  const jobOutcomes = new Set(labels.jobOutcomes);
  const counter = (name: string, help: string, labelNames: string[]) =>
    new Counter({ name, help, labelNames, registers });
  const histogram = (name: string, help: string, labelNames: string[], buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers });
  const diagnoses = counter(
    'redis_runbook_diagnoses_total',
    'Diagnoses answered, by source (live probe or paste) and result (cluster state, error, timeout).',
    ['source', 'result'],
  );
  const diagnosisSeconds = histogram(
    'redis_runbook_diagnosis_duration_seconds',
    'Wall time of a diagnosis, from request to verdict, by source.',
    ['source'],
    [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  );
  const probes = counter(
    'redis_runbook_probes_total',
    `Cluster nodes probed live, by outcome (${labels.probeOutcomes.join(', ')}).`,
    ['outcome'],
  );
  const acks = histogram(
    'redis_runbook_slack_ack_seconds',
    "Time from a Slack listener starting to its ack() returning (Slack's limit is 3 s), by kind.",
    ['kind'],
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
  );
  const approvals = counter('redis_runbook_approvals_total', 'Approval requests that reached each state.', [
    'state',
  ]);
  const jobs = counter('redis_runbook_jobs_total', 'Remediation jobs finished, by outcome.', ['outcome']);
  const jobSeconds = histogram(
    'redis_runbook_job_duration_seconds',
    'Wall time of a remediation job, by outcome.',
    ['outcome'],
    [1, 5, 15, 30, 60, 120, 300, 600, 1800],
  );
  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    diagnosis(source, result, seconds) {
      diagnoses.inc({ source, result });
      diagnosisSeconds.observe({ source }, seconds);
    },
    probe(outcome) {
      probes.inc({ outcome: closed(outcome, probeOutcomes) });
    },
    slackAck(kind, seconds) {
      acks.observe({ kind }, seconds);
    },
    approval(state) {
      approvals.inc({ state: closed(state, approvalStates) });
    },
    job(outcome, seconds) {
      const o = closed(outcome, jobOutcomes);
      jobs.inc({ outcome: o });
      jobSeconds.observe({ outcome: o }, seconds);
    },
  };
}
