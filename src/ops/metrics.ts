/**
 * The bot's own measurements as an injected object (no module-level registry, so tests never share
 * one). This file holds the contract and the no-op used by the CLI; the Prometheus implementation is in
 * metrics/prometheus.ts and is loaded only by `serve`, so prom-client never loads anywhere else.
 */

/** Where a diagnosis came from: a live probe of a registered cluster, or pasted text. */
export type DiagnosisSource = 'live' | 'paste';

/** How a diagnosis ended: the cluster state it found, or that it failed or ran out of time. */
export type DiagnosisResult = 'ok' | 'fail' | 'unknown' | 'error' | 'timeout' | 'interrupted';

/** What a Slack acknowledgement answered. */
export type SlackAckKind = 'command' | 'action';

/** The bot's series. Every method is cheap and never throws. */
export interface Metrics {
  /** One diagnosis answered, with its wall time. */
  diagnosis(source: DiagnosisSource, result: DiagnosisResult, seconds: number): void;
  /** One node probed: 'ok', or the probe's error kind (timeout, refused, auth, tls, loading, ...). */
  probe(outcome: string): void;
  /** Time from a Slack listener starting to its ack() returning. */
  slackAck(kind: SlackAckKind, seconds: number): void;
  /** An approval request reached `state` (recorded by the approval flow). */
  approval(state: string): void;
  /** A remediation job ended with `outcome` after `seconds` (recorded by the job worker). */
  job(outcome: string, seconds: number): void;
}

/** The Prometheus exposition of a registry, for /metrics. */
export interface MetricsEndpoint {
  contentType: string;
  render(): Promise<string>;
}

/** Metrics that record nothing: the CLI and tests that do not look at metrics. */
export const nullMetrics: Metrics = {
  diagnosis: () => undefined,
  probe: () => undefined,
  slackAck: () => undefined,
  approval: () => undefined,
  job: () => undefined,
};
