/**
 * What a diagnosis says first, for every transport (terminal, Slack): the root causes with their actions,
 * each as its exact command and a reason said once per kind, then each runbook step as one line, its
 * verdict and the one piece of evidence that decided it, and what could not be checked in one sentence.
 * A step line never repeats a sentence the root causes already said. Everything else (findings, evidence,
 * full steps, every note and reason in full) is the detailed view. Pure.
 */
import type { Diagnosis, RecommendedAction, RootCause, StepResult } from '../../diagnose/types.ts';
import { type CommandStyle, planCommandText } from './action-command.ts';

/** The columns a brief line should fit in (a terminal's report, a Slack reply's step lines). */
export const BRIEF_WIDTH = 100;

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

/**
 * True when `line` says nothing new: every sentence of it is in `said`, or every clause of it longer than
 * a label ("Already failed over:") is, so a step's line that quotes the root cause is not shown again.
 */
function alreadySaid(line: string, said: string): boolean {
  const parts = sentences(line);
  if (parts.length > 0 && parts.every((s) => said.includes(s))) return true;
  const clauses = flat(line)
    .split(/(?<=[.!?:;])\s+/)
    .filter((c) => c.length > 30);
  return clauses.length > 0 && clauses.every((c) => said.includes(c));
}

/**
 * The evidence that decided a step: why it was skipped, else its first evidence line the root causes have
 * not said already (else the first sentence of what it means). When that line would take more than two
 * rows of `width` after the title (`room` is what the first row leaves), the first sentence of what the
 * step means stands for it instead: the step's own summary of its verdict. Null when everything was said,
 * and always for the step that restates the root cause.
 */
export function decidingEvidence(
  step: StepResult,
  said: string,
  room = Infinity,
  width = 100,
): string | null {
  if (step.id === ROOT_CAUSE_STEP) return null;
  const fresh = (line: string) => line !== '' && !alreadySaid(line, said);
  const meaning = flat(sentences(step.meaning)[0] ?? '');
  const candidates = (step.verdict === 'skipped' ? [step.skippedReason ?? ''] : [...step.evidence, meaning])
    .map(flat)
    .filter(fresh);
  const first = candidates[0];
  if (first === undefined) return null;
  if (first.length <= room + width || step.verdict === 'skipped') return first;
  return fresh(meaning) && meaning.length < first.length ? meaning : first;
}

/** Each runbook step of `d` as one line's worth, in order; `width` is the line the step should fit in. */
export function briefSteps(d: Diagnosis, width = Infinity): BriefStep[] {
  const said = causeText(d.rootCauses);
  const steps = d.steps ?? [];
  // "  12. [PROBLEM] " and ": " around the title.
  const prefix = 16 + String(steps.length).length;
  return steps.map((s) => ({
    verdict: s.verdict,
    title: s.title,
    decided: decidingEvidence(s, said, width - prefix - s.title.length, width),
    restatesCause: s.id === ROOT_CAUSE_STEP,
  }));
}

/** "title: evidence", or the title alone; the step that restates the root cause points up to it. */
export function briefStepText(s: BriefStep): string {
  if (s.decided) return `${s.title}: ${s.decided}`;
  return s.restatesCause ? `${s.title}: as above` : s.title;
}

/** `text` with node addresses and ids masked, so two actions' reasons that differ only by node compare equal. */
function masked(text: string): string {
  return flat(text)
    .replace(/\b[0-9a-f]{40}\b/g, '<id>')
    .replace(/\b[0-9a-f]{8}…/g, '<id>')
    .replace(/(\d{1,3}\.){3}\d{1,3}:\d+/g, '<node>');
}

/** One recommended action for the brief: the command (else its target) and its reason, once per kind. */
export interface BriefAction {
  /** Its number in the brief, counting on across root causes. */
  number: number;
  action: RecommendedAction['action'];
  /** The exact `redis-runbook plan` command, or null when the action is advice without a plan. */
  command: string | null;
  target: string;
  /** Why and what it risks; null when an earlier action of the same kind gave the same reason. */
  why: string | null;
  /** The number (1-based) of the earlier action whose reason this one shares, when `why` is null. */
  sameAs?: number;
}

/** The actions of `causes`, numbered in order, each reason said once (see {@link BriefAction}). */
export function briefActions(
  causes: readonly RootCause[],
  target: string,
  style: CommandStyle = 'cli',
): BriefAction[][] {
  const said = new Map<string, number>();
  let n = 0;
  return causes.map((c) =>
    c.actions.map((a) => {
      n += 1;
      const key = `${a.action} ${masked(a.why)}`;
      const first = said.get(key);
      if (first === undefined) said.set(key, n);
      return {
        number: n,
        action: a.action,
        command: planCommandText(a, target, style),
        target: a.target,
        why: first === undefined ? a.why : null,
        ...(first === undefined ? {} : { sameAs: first }),
      };
    }),
  );
}

/** Notes named in the brief at most, and characters of each; the rest are counted. */
const BRIEF_NOTES = 4;
const BRIEF_NOTE_CHARS = 120;

/**
 * What could not be checked, in one sentence: each warning's lead clause (up to its first ": " or "; "),
 * joined; at most BRIEF_NOTES of them, each clipped, then a count, whatever a paste brings. The whole
 * warnings are the detailed view's.
 */
export function warningsBrief(warnings: readonly string[]): string {
  const leads = [
    ...new Set(
      warnings.map((w) => {
        const text = flat(w).replace(/[.]$/, '');
        const cut = text.search(/[:;] /);
        const lead = cut > 20 ? text.slice(0, cut) : text;
        return lead.length > BRIEF_NOTE_CHARS ? `${lead.slice(0, BRIEF_NOTE_CHARS)}…` : lead;
      }),
    ),
  ];
  const shown = leads.slice(0, BRIEF_NOTES).map((lead, i) =>
    // Later clauses continue the sentence: lower a capital that starts a plain word ("Cluster", not "INFO").
    i > 0 && /^[A-Z][a-z]/.test(lead) ? lead[0]!.toLowerCase() + lead.slice(1) : lead,
  );
  const more = leads.length - shown.length;
  return [...shown, ...(more > 0 ? [`${more} more`] : [])].join('; ');
}

/** What only the detailed view shows, counted, for the line that says how to see it. */
export function detailCounts(d: Diagnosis): string {
  const evidence = d.findings.reduce((n, f) => n + f.evidence.length, 0);
  const parts = [
    `${d.findings.length} finding${d.findings.length === 1 ? '' : 's'}${evidence > 0 ? ` (${evidence} line${evidence === 1 ? '' : 's'} of evidence)` : ''}`,
    d.steps && d.steps.length > 0 ? 'all steps and notes in full' : 'all notes in full',
  ];
  return parts.join(', ');
}
