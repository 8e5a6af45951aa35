/**
 * Plans, refusals, run progress and run results as transport-neutral messages, so the same plan reads
 * the same in Slack (Block Kit, within its limits) and in a terminal: the exact commands verbatim, the
 * risks with their numbers, the preconditions re-checked before running, the expected end state and the
 * fingerprint. Plain text only; never a password (plans hold none).
 */
import type { ExecutionEvent, ExecutionResult, Plan, Refusal, Risk } from '../../actions/types.ts';
import type { BotMessage, MessageSection, Tone } from '../message.ts';

const RISK_TAG: Record<Risk['kind'], string> = {
  'data-loss': 'DATA LOSS',
  availability: 'availability',
  none: 'no risk',
};

/** The steps as an operator reads them: number, title, the exact commands, what it waits for. */
export function stepLines(plan: Plan): string[] {
  const out: string[] = [];
  plan.steps.forEach((s, i) => {
    out.push(`${i + 1}. ${s.title}`);
    for (const d of s.display) out.push(`   ${s.kind === 'wait' ? `check: ${d}` : d}`);
    if (s.kind === 'command' && s.skipIf) out.push('   (skipped when already done)');
    if (s.waitsFor) out.push(`   waits for: ${s.waitsFor}`);
  });
  return out;
}

/** A plan, ready to show for review or approval. */
export function planMessage(plan: Plan): BotMessage {
  const sections: MessageSection[] = [];
  const steps = stepLines(plan);
  // A long command list goes to a file in Slack (never dropped); the risks stay in the message.
  const long = steps.join('\n').length > 2500;
  if (plan.mutates)
    sections.push({ heading: 'Steps (exact commands)', lines: steps, style: 'verbatim', spill: long });
  if (plan.advice?.length)
    sections.push({
      heading: plan.mutates
        ? 'Afterwards, by hand (redis-runbook does not run these)'
        : 'What to do (advice only: nothing runs)',
      lines: plan.advice,
      style: 'list',
    });
  if (plan.risks.length > 0)
    sections.push({
      heading: 'Risks',
      lines: plan.risks.map((r) => `[${RISK_TAG[r.kind]}] ${r.text}`),
      style: 'list',
    });
  if (plan.dangerous.length > 0)
    sections.push({ heading: 'Data-losing options turned on by name', lines: plan.dangerous, style: 'list' });
  if (plan.preconditions.length > 0)
    sections.push({ heading: 'Re-checked just before running', lines: plan.preconditions, style: 'list' });
  if (plan.expected.length > 0)
    sections.push({ heading: 'Expected end state (verified after)', lines: plan.expected, style: 'list' });
  const losing = plan.risks.some((r) => r.kind === 'data-loss');
  const tone: Tone = !plan.mutates ? 'info' : losing ? 'warning' : 'info';
  return {
    tone,
    title: `Plan: ${plan.summary}`,
    fields: [
      { label: 'Action', value: plan.action },
      { label: 'Cluster', value: plan.cluster },
      { label: 'Steps', value: plan.mutates ? String(plan.steps.length) : 'none (advice)' },
      { label: 'Fingerprint', value: plan.fingerprint.slice(0, 16) },
    ],
    sections,
    notes: [
      plan.mutates
        ? 'Nothing has run. Before running, the cluster is read again: if its topology changed, nothing runs.'
        : 'Advice only: redis-runbook cannot do this for you.',
      ...(plan.fixes.length > 0 ? [`Meant to fix: ${plan.fixes.join(', ')}`] : []),
    ],
    fallback: `Plan for ${plan.action} on ${plan.cluster}: ${plan.summary}`,
  };
}

/** A refusal: why, with the numbers, and what to do instead. */
export function refusalMessage(r: Refusal): BotMessage {
  const sections: MessageSection[] = [
    { heading: 'Why', lines: r.reasons, style: 'list' },
    { heading: 'Instead', lines: [r.hint], style: 'prose' },
  ];
  if (r.alternatives?.length)
    sections.push({
      heading: 'Safer actions to consider',
      lines: r.alternatives.map((a) => `${a.action} ${a.target}: ${a.why}`),
      style: 'list',
    });
  return {
    tone: 'problem',
    title: `Refused: ${r.action} on ${r.cluster} [${r.code}]`,
    sections,
    notes: ['Nothing was changed.'],
    fallback: `Refused: ${r.action} on ${r.cluster}: ${r.reasons[0] ?? r.code}`,
  };
}

/** One progress event as a line, for a terminal or a chat thread. */
export function eventText(e: ExecutionEvent, plan: Plan): string {
  const n = plan.steps.length;
  switch (e.type) {
    case 'preflight':
      return e.matches ? `Re-checked the cluster: ${e.detail}.` : `Re-checked the cluster: ${e.detail}`;
    case 'step-started':
      return `[${e.index + 1}/${e.total}] ${e.title}\n${e.display.map((d) => `      ${d}`).join('\n')}`;
    case 'step-progress':
      return e.unit === 'polls'
        ? `      … still waiting (${e.done} checks)`
        : `      … ${e.done}/${e.total} ${e.unit}${e.keysMoved !== undefined ? `, ${e.keysMoved} keys moved` : ''}`;
    case 'step-finished':
      return `      ${e.outcome === 'skipped' ? 'skipped' : 'done'} in ${e.elapsedMs} ms${e.note ? `: ${e.note}` : ''}`;
    case 'step-failed':
      return `      FAILED [${e.code}] after ${e.elapsedMs} ms (step ${e.index + 1} of ${n}): ${e.message}`;
    case 'verified':
      return `Diagnosed again: cluster_state ${e.after.state}; ${plan.fixes.length === 0 ? 'no root cause was to be fixed' : e.after.causeGone ? 'the root cause is gone' : 'the root cause is still there'}; ${e.after.expectedHolds ? 'the end state holds' : 'the end state does not hold'}.`;
  }
}

const RESULT_TONE: Record<ExecutionResult['outcome'], Tone> = {
  succeeded: 'ok',
  refused: 'problem',
  failed: 'critical',
  'not-confirmed': 'warning',
};

/** How a run ended, with the cluster's state when it did not end well. */
export function resultMessage(r: ExecutionResult, plan: Plan): BotMessage {
  const title = {
    succeeded: `Done: ${plan.action} on ${plan.cluster}`,
    refused: `Not run: ${plan.action} on ${plan.cluster}${r.code ? ` [${r.code}]` : ''}`,
    failed: `Failed part-way: ${plan.action} on ${plan.cluster}${r.code ? ` [${r.code}]` : ''}`,
    'not-confirmed': `Ran, not confirmed: ${plan.action} on ${plan.cluster}`,
  }[r.outcome];
  const sections: MessageSection[] = [];
  if (r.clusterState)
    sections.push({ heading: 'Cluster state now', lines: [r.clusterState], style: 'prose' });
  if (r.after && r.after.remaining.length > 0)
    sections.push({ heading: 'What remains', lines: r.after.remaining, style: 'list' });
  return {
    tone: RESULT_TONE[r.outcome],
    title,
    text: r.message,
    fields: [
      { label: 'Steps done', value: `${r.stepsDone}/${r.stepsTotal}` },
      { label: 'Took', value: `${(r.elapsedMs / 1000).toFixed(1)} s` },
      ...(r.fingerprintAfter ? [{ label: 'Fingerprint now', value: r.fingerprintAfter.slice(0, 16) }] : []),
    ],
    sections,
    fallback: `${title}: ${r.message}`,
  };
}
