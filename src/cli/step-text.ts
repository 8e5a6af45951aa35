/** Plain-text rendering of one runbook step for a terminal, printed as soon as the step completes. */
import type { StepResult } from '../diagnose/types.ts';

const MARK: Record<StepResult['verdict'], string> = { ok: 'OK', problem: 'PROBLEM', skipped: 'SKIPPED' };

/** Renders a step: "[2/6] PROBLEM  title", the command, the evidence, what it means. */
export function renderStepText(step: StepResult, index: number, total: number, color = false): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const tone = step.verdict === 'ok' ? '32' : step.verdict === 'problem' ? '31;1' : '33';
  const lines = [
    `[${index + 1}/${total}] ${paint(tone, MARK[step.verdict].padEnd(8))}${paint('1', step.title)}`,
  ];
  if (step.command) lines.push(`      $ ${step.command}`);
  for (const e of step.evidence) lines.push(`      ${e}`);
  if (step.verdict === 'skipped' && step.skippedReason) lines.push(`      (skipped: ${step.skippedReason})`);
  if (step.meaning) lines.push(`      → ${step.meaning}`);
  return lines.join('\n');
}
