/**
 * The Prometheus side of {@link Metrics}: a private prom-client Registry per call (never the global
 * default registry), the default process metrics, and the bot's series. Label values are closed sets,
 * so a caller can never grow the series count without bound.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import type { Metrics, MetricsEndpoint } from '../metrics.ts';

const PROBE_OUTCOMES = new Set([
  'ok',
  'timeout',
  'refused',
  'auth',
  'tls',
  'loading',
  'not-cluster',
  'error',
]);
const APPROVAL_STATES = new Set([
  'pending',
  'approved',
  'denied',
  'expired',
  'cancelled',
  'executing',
  'succeeded',
  'failed',
  'unknown-outcome',
]);
const JOB_OUTCOMES = new Set(['succeeded', 'failed', 'aborted', 'unknown-outcome']);

/** `value` when it is in `allowed`, else 'other'. */
function closed(value: string, allowed: ReadonlySet<string>): string {
  return allowed.has(value) ? value : 'other';
}

/** Metrics recorded into a fresh registry, plus that registry's exposition for /metrics. */
export function createPrometheusMetrics(): Metrics & MetricsEndpoint & { registry: Registry } {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const diagnoses = new Counter({
    name: 'redis_runbook_diagnoses_total',
    help: 'Diagnoses answered, by source (live probe or paste) and result (cluster state, error, timeout).',
    labelNames: ['source', 'result'],
    registers,
  });
  const diagnosisSeconds = new Histogram({
    name: 'redis_runbook_diagnosis_duration_seconds',
    help: 'Wall time of a diagnosis, from request to verdict, by source.',
    labelNames: ['source'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const probes = new Counter({
    name: 'redis_runbook_probes_total',
    help: 'Cluster nodes probed live, by outcome (ok, timeout, refused, auth, tls, loading, not-cluster, error).',
    labelNames: ['outcome'],
    registers,
  });
  const acks = new Histogram({
    name: 'redis_runbook_slack_ack_seconds',
    help: "Time from a Slack listener starting to its ack() returning (Slack's limit is 3 s), by kind.",
    labelNames: ['kind'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers,
  });
  const approvals = new Counter({
    name: 'redis_runbook_approvals_total',
    help: 'Approval requests that reached each state.',
    labelNames: ['state'],
    registers,
  });
  const jobs = new Counter({
    name: 'redis_runbook_jobs_total',
    help: 'Remediation jobs finished, by outcome.',
    labelNames: ['outcome'],
    registers,
  });
  const jobSeconds = new Histogram({
    name: 'redis_runbook_job_duration_seconds',
    help: 'Wall time of a remediation job, by outcome.',
    labelNames: ['outcome'],
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800],
    registers,
  });
  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    diagnosis(source, result, seconds) {
      diagnoses.inc({ source, result });
      diagnosisSeconds.observe({ source }, seconds);
    },
    probe(outcome) {
      probes.inc({ outcome: closed(outcome, PROBE_OUTCOMES) });
    },
    slackAck(kind, seconds) {
      acks.observe({ kind }, seconds);
    },
    approval(state) {
      approvals.inc({ state: closed(state, APPROVAL_STATES) });
    },
    job(outcome, seconds) {
      const o = closed(outcome, JOB_OUTCOMES);
      jobs.inc({ outcome: o });
      jobSeconds.observe({ outcome: o }, seconds);
    },
  };
}
