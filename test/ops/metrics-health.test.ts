/** Metrics registries are per instance; readiness checks are bounded and recover; drain waits, bounded. */
import { describe, expect, it } from 'vitest';
import { METRIC_LABELS } from '../../src/cli/metric-labels.ts';
import { Readiness } from '../../src/ops/health/readiness.ts';
import { Drain } from '../../src/ops/lifecycle/drain.ts';
import { createPrometheusMetrics } from '../../src/ops/metrics/prometheus.ts';

const sample = (text: string, series: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(series))
    ?.split(' ')
    .pop();

describe('Prometheus metrics', () => {
  it('keeps each instance in its own registry, with the default process metrics', async () => {
    const a = createPrometheusMetrics(METRIC_LABELS);
    const b = createPrometheusMetrics(METRIC_LABELS);
    a.diagnosis('live', 'fail', 1.2);
    a.probe('timeout');
    a.probe('something-new');
    a.slackAck('command', 0.02);
    const textA = await a.render();
    const textB = await b.render();
    expect(sample(textA, 'redis_runbook_diagnoses_total{source="live",result="fail"}')).toBe('1');
    expect(sample(textA, 'redis_runbook_probes_total{outcome="timeout"}')).toBe('1');
    expect(sample(textA, 'redis_runbook_probes_total{outcome="other"}')).toBe('1');
    expect(sample(textA, 'redis_runbook_slack_ack_seconds_count{kind="command"}')).toBe('1');
    expect(textB).not.toContain('redis_runbook_diagnoses_total{');
    expect(textB).toContain('process_cpu_user_seconds_total');
    expect(textB).toContain('nodejs_eventloop_lag_seconds');
  });

  it('declares the approval and job series with no samples until something records them', async () => {
    const m = createPrometheusMetrics(METRIC_LABELS);
    const before = await m.render();
    expect(before).toContain('# TYPE redis_runbook_approvals_total counter');
    expect(before).not.toMatch(/^redis_runbook_(approvals|jobs)_total\{/m);
    m.approval('approved');
    m.job('succeeded', 12);
    const after = await m.render();
    expect(sample(after, 'redis_runbook_approvals_total{state="approved"}')).toBe('1');
    expect(sample(after, 'redis_runbook_job_duration_seconds_count{outcome="succeeded"}')).toBe('1');
  });
});

describe('readiness', () => {
  it('answers within its timeout when a check hangs, and is ready again when the check recovers', async () => {
    const r = new Readiness(300);
    let up = false;
    r.add('hangs-then-ok', () => (up ? Promise.resolve({ ok: true }) : new Promise(() => undefined)));
    r.add('fine', async () => ({ ok: true }));
    const first = await r.report();
    expect(first.ready).toBe(false);
    expect(first.checks['hangs-then-ok']).toEqual({ ok: false, detail: 'no answer within 300 ms' });
    up = true;
    expect((await r.report()).ready).toBe(true);
    r.startDraining();
    expect(await r.report()).toMatchObject({ ready: false, draining: true });
  });

  it('reports a rejecting check by its message', async () => {
    const r = new Readiness();
    r.add('queue', () => Promise.reject(new Error('connect ECONNREFUSED 127.9.9.9:6379')));
    expect((await r.report()).checks.queue).toEqual({
      ok: false,
      detail: 'connect ECONNREFUSED 127.9.9.9:6379',
    });
  });
});

describe('drain', () => {
  it('waits for tracked work and registered closers, and says what was still running at the budget', async () => {
    const d = new Drain();
    let release: () => void = () => undefined;
    void d.track(new Promise<void>((r) => setTimeout(r, 20)));
    void d.track(new Promise<void>((r) => (release = r)));
    let closes = 0;
    d.register('worker', async () => {
      closes += 1;
    });
    d.register('stuck', () => new Promise(() => undefined));
    expect(d.inFlight).toBe(2);
    const first = await d.settle(100);
    expect(first).toEqual({ unfinished: 1, late: ['stuck'] });
    release();
    const second = await d.settle(100);
    expect(second).toEqual({ unfinished: 0, late: ['stuck'] });
    expect(closes).toBe(1);
  });
});
