/**
 * The plan message: the same plan renders in the terminal (exact commands verbatim, risks, fingerprint)
 * and in Slack within Block Kit's limits, even for a plan with hundreds of commands (what does not fit
 * goes to a file, never dropped); refusals and results read as plain text.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/registry.ts';
import type { ExecutionResult, Plan } from '../../src/actions/types.ts';
import { isRefusal } from '../../src/actions/types.ts';
import { planMessage, refusalMessage, resultMessage } from '../../src/bot/render/plan.ts';
import { renderText } from '../../src/bot/shell/render.ts';
import { LIMITS, renderBlocks } from '../../src/bot/slack/blocks.ts';
import { fixtureContext } from '../runbooks/fixture-snapshot.ts';

function planFrom(name: string, action: Parameters<typeof makePlan>[0], node: string): Plan {
  const ctx = fixtureContext(name);
  const p = makePlan(action, { cluster: name, ...ctx, params: { node }, now: '2026-01-01T00:00:00.000Z' });
  if (isRefusal(p)) throw new Error(p.reasons.join('; '));
  return p;
}

function fits(p: Plan): void {
  const r = renderBlocks(planMessage(p));
  expect(r.payload.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(JSON.stringify(r.payload.blocks).length).toBeLessThanOrEqual(LIMITS.totalJson);
  const shown =
    JSON.stringify(r.payload.blocks) + [...r.spilled, ...r.rest].flatMap((s) => s.lines).join('\n');
  for (const line of p.steps.flatMap((s) => s.display)) expect(shown).toContain(line.replace(/"/g, '\\"'));
}

describe('plan messages', () => {
  it('a failover plan: commands verbatim, risks and fingerprint in the terminal; within Block Kit limits', () => {
    const plan = planFrom('majority-masters-down', 'failover-takeover', '127.46.108.4:7000');
    const text = renderText(planMessage(plan)).join('\n');
    expect(text).toContain('redis-cli -h 127.46.108.4 -p 7000 CLUSTER FAILOVER TAKEOVER');
    expect(text).toContain('[DATA LOSS] TAKEOVER promotes');
    expect(text).toContain(plan.fingerprint.slice(0, 16));
    fits(plan);
  });

  it('a forget plan over 300 nodes still fits: the commands spill to a file, none is dropped', () => {
    const base = planFrom('failover-completed', 'forget-node', '6d9e5635792f4ea7ec1114337fb0a15d05c0a2b3');
    const fan = base.steps[0]!;
    const many = Array.from(
      { length: 300 },
      (_, i) => `redis-cli -h 10.0.${i >> 8}.${i & 255} -p 6379 CLUSTER FORGET ${'a'.repeat(40)}`,
    );
    const big: Plan = { ...base, steps: [{ ...fan, display: many }, ...base.steps.slice(1)] };
    fits(big);
    const r = renderBlocks(planMessage(big));
    expect(r.spilled.map((s) => s.heading)).toEqual(['Steps (exact commands)']);
    expect(JSON.stringify(r.payload.blocks)).toContain('Risks');
  });

  it('refusals and results read as plain text', () => {
    const ctx = fixtureContext('majority-masters-down');
    const r = makePlan('failover-force', {
      cluster: 'x',
      ...ctx,
      params: { node: '127.46.108.4:7000' },
      now: 'n',
    });
    if (!isRefusal(r)) throw new Error('expected a refusal');
    const text = renderText(refusalMessage(r)).join('\n');
    expect(text).toMatch(/^\[PROBLEM\] Refused: failover-force on x \[ACTION_REFUSED\]/);
    expect(text).toContain('failover-takeover');
    const plan = planFrom('majority-masters-down', 'failover-takeover', '127.46.108.4:7000');
    const failed: ExecutionResult = {
      outcome: 'failed',
      code: 'ACTION_TIMEOUT',
      message: 'Step 2 of 2 failed',
      stepsDone: 1,
      stepsTotal: 2,
      failedStep: 1,
      fingerprintBefore: plan.fingerprint,
      clusterState: 'cluster_state fail; quorum-lost: …',
      elapsedMs: 20_500,
    };
    const out = renderText(resultMessage(failed, plan)).join('\n');
    expect(out).toMatch(
      /\[CRITICAL\] Failed part-way: failover-takeover on majority-masters-down \[ACTION_TIMEOUT\]/,
    );
    expect(out).toContain('Cluster state now');
  });
});
