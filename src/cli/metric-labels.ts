/**
 * The closed label sets of the Prometheus series, taken from the rooms that define them: probe error
 * kinds (src/cluster), request states and job outcomes (src/approvals). Wired here because src/ops
 * imports no room above it.
 */
import { JOB_OUTCOMES, REQUEST_STATES } from '../approvals/types.ts';
import { PROBE_ERROR_KINDS } from '../cluster/types.ts';
import type { MetricLabelSets } from '../ops/metrics/prometheus.ts';

/** What `createPrometheusMetrics` counts by name; anything else is 'other'. */
export const METRIC_LABELS: MetricLabelSets = {
  probeOutcomes: ['ok', ...PROBE_ERROR_KINDS],
  approvalStates: REQUEST_STATES,
  jobOutcomes: JOB_OUTCOMES,
};
