/**
 * What a diagnosis says first, for every transport (terminal, Slack): the root causes with their actions,
 * then each runbook step as one line, its verdict and the one piece of evidence that decided it. A step
 * line never repeats a sentence the root causes already said. Everything else (findings, evidence, full
 * steps) is the detailed view. Pure.
 */
import type { Diagnosis, RootCause, StepResult } from '../../diagnose/types.ts';

/** The id of the runbook step that restates the root cause (src/runbooks/shared-steps.ts). */
const ROOT_CAUSE_STEP = 'root-cause';

/** One runbook step in a line: its verdict, title, and the evidence that decided it (null: nothing new). */
export interface BriefStep {
  verdict: StepResult['verdict'];
  title: string;
  decided: string | null;
  /** The step that restates the root causes, which the brief shows above the steps. */
  restatesCause: boolean;
}

/** Collapses whitespace, so wrapped and unwrapped copies of a sentence compare equal. */
function flat(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The sentences of `text` (split after . ! ? followed by a space). */
function sentences(text: string): string[] {
  return flat(text)
    .split(/(?<=[.!?])\s+/)
    .filter((s) => s !== '');
}

/** Every sentence the root-cause part of the brief prints: summaries, explanations, actions. */
export function causeText(causes: readonly RootCause[]): string {
  return flat(
    causes
      .flatMap((c) => [c.summary, c.explanation, ...c.actions.flatMap((a) => [a.target, a.why])])
      .join(' '),
  );
}

/** True when every sentence of `line` is already in `said`. */
function alreadySaid(line: string, said: string): boolean {
  const parts = sentences(line);
  return parts.length > 0 && parts.every((s) => said.includes(s));
}

/**
 * The evidence that decided a step: why it was skipped, else its first evidence line (or the first
 * sentence of what it means) that the root causes have not said already. Null when every candidate was
 * said, and always for the step that restates the root cause.
 */
export function decidingEvidence(step: StepResult, said: string): string | null {
  if (step.id === ROOT_CAUSE_STEP) return null;
  const candidates =
    step.verdict === 'skipped'
      ? [step.skippedReason ?? '']
      : [...step.evidence, sentences(step.meaning)[0] ?? ''];
  for (const c of candidates) {
    const line = flat(c);
    if (line !== '' && !alreadySaid(line, said)) return line;
  }
  return null;
}

/** Each runbook step of `d` as one line's worth, in order. */
export function briefSteps(d: Diagnosis): BriefStep[] {
  const said = causeText(d.rootCauses);
  return (d.steps ?? []).map((s) => ({
    verdict: s.verdict,
    title: s.title,
    decided: decidingEvidence(s, said),
    restatesCause: s.id === ROOT_CAUSE_STEP,
  }));
}

/** "title: evidence", or the title alone; the step that restates the root cause points up to it. */
export function briefStepText(s: BriefStep): string {
  if (s.decided) return `${s.title}: ${s.decided}`;
  return s.restatesCause ? `${s.title}: as above` : s.title;
}

/** What only the detailed view shows, counted, for the line that says how to see it. */
export function detailCounts(d: Diagnosis): string {
  const evidence = d.findings.reduce((n, f) => n + f.evidence.length, 0);
  const parts = [
    `${d.findings.length} finding${d.findings.length === 1 ? '' : 's'}`,
    ...(evidence > 0 ? [`${evidence} lines of evidence`] : []),
    ...(d.steps && d.steps.length > 0 ? ['each step in full with its command'] : []),
  ];
  return parts.join(', ');
}
