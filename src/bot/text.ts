/**
 * A Diagnosis as a plain-text terminal report. By default the brief (./render/brief.ts): state, root causes
 * with explanation and actions as their exact commands, each runbook step in one line, what could not be
 * checked, and how to see the rest: about 30 lines for one cause. `verbose` adds everything: nodes and
 * slots, each action's target and every reason, findings by severity with their evidence, every step in
 * full, every note and the fingerprint. Transport-neutral (no Slack markup); ANSI colour only when asked for.
 */
import type { Diagnosis, Finding, RootCause, Severity, StepResult } from '../diagnose/types.ts';
import { planCommandText } from './render/action-command.ts';
import {
  BRIEF_WIDTH,
  type BriefAction,
  briefActions,
  briefSteps,
  briefStepText,
  detailCounts,
  warningsBrief,
} from './render/brief.ts';
import { nodeListText, overallSeverity, stateText } from './render/diagnosis.ts';

export interface TextOptions {
  /** Colour headings and severities with ANSI escapes (for a TTY). */
  color?: boolean;
  /** Wrap prose at this many columns (default 100). */
  width?: number;
  /** Everything there is (findings, evidence, full steps), not the brief. */
  verbose?: boolean;
  /** How the reader asks for the verbose report, named in the brief's last lines (default "--verbose"). */
  moreHint?: string;
}

/** What the plan commands name as their target: the cluster, or a placeholder for a paste. */
function planTarget(d: Diagnosis): string {
  return d.cluster ?? '<cluster>';
}

const ANSI = { red: '31', yellow: '33', green: '32', cyan: '36', dim: '2', bold: '1' } as const;
type Paint = (text: string, style: keyof typeof ANSI) => string;

const SEVERITY_LABEL: Record<Severity, string> = { critical: 'CRITICAL', warning: 'WARNING', info: 'INFO' };
const SEVERITY_STYLE: Record<Severity, keyof typeof ANSI> = {
  critical: 'red',
  warning: 'yellow',
  info: 'cyan',
};
const VERDICT: Record<StepResult['verdict'], string> = { ok: 'ok', problem: 'PROBLEM', skipped: 'skipped' };

/** Word-wraps `text` to `width` columns, every line prefixed with `indent`. */
export function wrap(text: string, width: number, indent = ''): string[] {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        out.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(indent + line);
  }
  return out;
}

/** Like wrap, with a different prefix for the first line (hanging indent for list items). */
function hang(text: string, width: number, first: string, rest: string): string[] {
  const lines = wrap(text, width, rest);
  if (lines[0] !== undefined) lines[0] = first + lines[0].slice(rest.length);
  return lines;
}

/** What the actions heading promises (test/honesty.test.ts): an order, and nothing run unasked. */
const ACTIONS_HEADING = 'in order; none runs unless you apply it';

function causeHead(c: RootCause, i: number, total: number, paint: Paint): string {
  const head = total > 1 ? `ROOT CAUSE ${i + 1}/${total}` : 'ROOT CAUSE';
  const style = c.code === 'healthy' ? 'green' : c.code === 'undetermined' ? 'yellow' : 'red';
  return paint(`${head} [${c.code}]`, style);
}

/** A root cause in full: summary, nodes and slots, explanation, each action with its target, reason, command. */
function causeLines(
  c: RootCause,
  i: number,
  total: number,
  d: Diagnosis,
  width: number,
  paint: Paint,
): string[] {
  const out = [causeHead(c, i, total, paint), ...wrap(c.summary, width, '  ')];
  const where = [c.nodes.length ? `nodes: ${nodeListText(c.nodes)}` : '', c.slots ? `slots: ${c.slots}` : '']
    .filter(Boolean)
    .join('   ');
  if (where) out.push(...wrap(where, width, '  '));
  out.push('', ...wrap(c.explanation, width, '  '));
  if (c.actions.length > 0) {
    out.push('', paint(`  Recommended actions (${ACTIONS_HEADING}):`, 'bold'));
    c.actions.forEach((a, n) => {
      out.push(...wrap(`${n + 1}. ${a.action}: ${a.target}`, width, '    '));
      out.push(...wrap(a.why, width, '       '));
      const command = planCommandText(a, planTarget(d));
      if (command) out.push(`       $ ${command}`);
    });
  }
  return out;
}

/**
 * A root cause in the brief: its code and summary in one heading, the explanation, then each action as its
 * exact command (its target when it has no plan) and its reason, said once for actions of the same kind.
 * The nodes and slots are in the summary already. Commands are never wrapped, so they paste whole.
 */
function briefCauseLines(
  c: RootCause,
  i: number,
  total: number,
  actions: readonly BriefAction[],
  width: number,
  paint: Paint,
): string[] {
  const head = `${total > 1 ? `ROOT CAUSE ${i + 1}/${total}` : 'ROOT CAUSE'} [${c.code}]: `;
  const summary = hang(`${head}${c.summary}`, width, '', '  ');
  // Painted after wrapping, so escapes never count towards the width.
  summary[0] = `${causeHead(c, i, total, paint)}: ${(summary[0] ?? '').slice(head.length)}`;
  const lines = [...summary, ...wrap(c.explanation, width, '  ')];
  if (actions.length === 0) return lines;
  const heading = `Recommended actions${total > 1 ? ` for root cause ${i + 1}` : ''} (${ACTIONS_HEADING}):`;
  lines.push(paint(heading, 'bold'));
  for (const a of actions) {
    const n = `${a.number}.`;
    lines.push(a.command ? `  ${n} $ ${a.command}` : `  ${n} ${a.action}: ${a.target}`);
    if (a.why) lines.push(...wrap(a.why, width, '     '));
    else if (a.sameAs !== undefined) lines.push(...wrap(`(as ${a.sameAs}, for ${a.target})`, width, '     '));
  }
  return lines;
}

function findingLines(f: Finding, width: number, paint: Paint): string[] {
  const tag = paint(`[${SEVERITY_LABEL[f.severity]}]`, SEVERITY_STYLE[f.severity]);
  const out = [`  ${tag} ${f.code}`, ...wrap(f.message, width, '    ')];
  const where = [f.nodes.length ? `nodes: ${nodeListText(f.nodes)}` : '', f.slots ? `slots: ${f.slots}` : '']
    .filter(Boolean)
    .join('   ');
  if (where) out.push(...wrap(where, width, '    '));
  for (const e of f.evidence) out.push(paint(`    > ${e}`, 'dim'));
  return out;
}

function stepLines(s: StepResult, i: number, width: number, paint: Paint): string[] {
  const style = s.verdict === 'problem' ? 'red' : s.verdict === 'ok' ? 'green' : 'dim';
  const out = [`  ${i + 1}. ${paint(`[${VERDICT[s.verdict]}]`, style)} ${s.title}`];
  if (s.command) out.push(paint(`     $ ${s.command}`, 'dim'));
  out.push(...wrap(s.verdict === 'skipped' && s.skippedReason ? s.skippedReason : s.meaning, width, '     '));
  for (const e of s.evidence) out.push(paint(`     > ${e}`, 'dim'));
  return out;
}

/**
 * Each step in one line: "  2. [PROBLEM] title: the evidence that decided it". Never wrapped, like evidence.
 * The step that restates the root cause is named in the heading, not repeated.
 */
function briefStepLines(d: Diagnosis, width: number, paint: Paint): string[] {
  const steps = briefSteps(d, width);
  const restating = steps.findIndex((s) => s.restatesCause);
  const heading = restating === -1 ? 'STEPS' : `STEPS (${restating + 1} restates the root cause above)`;
  const lines = steps.flatMap((s, i) => {
    if (i === restating) return [];
    const style = s.verdict === 'problem' ? 'red' : s.verdict === 'ok' ? 'green' : 'dim';
    return [`  ${i + 1}. ${paint(`[${VERDICT[s.verdict]}]`, style)} ${briefStepText(s)}`];
  });
  return [paint(heading, 'bold'), ...lines];
}

/**
 * The brief after the state and Seen lines: root causes with their explanation and actions as commands,
 * one line per step, what could not be checked in one sentence, and what --verbose adds.
 */
function briefBody(d: Diagnosis, width: number, paint: Paint, moreHint: string): string[] {
  const out: string[] = [];
  const actions = briefActions(d.rootCauses, planTarget(d));
  d.rootCauses.forEach((c, i) => {
    out.push(...briefCauseLines(c, i, d.rootCauses.length, actions[i] ?? [], width, paint), '');
  });
  if (d.steps && d.steps.length > 0) out.push(...briefStepLines(d, width, paint));
  const notChecked = d.warnings.length > 0 ? ` Not checked / assumed: ${warningsBrief(d.warnings)}.` : '';
  out.push(...wrap(`More with ${moreHint}: ${detailCounts(d)}.${notChecked}`, width));
  return out;
}

/** Renders the diagnosis as terminal text, brief unless `verbose` (ends with a newline). */
export function renderDiagnosisText(d: Diagnosis, opts: TextOptions = {}): string {
  const width = Math.max(40, opts.width ?? BRIEF_WIDTH);
  const paint: Paint = opts.color ? (t, s) => `\u001b[${ANSI[s]}m${t}\u001b[0m` : (t) => t;
  const severity = overallSeverity(d);
  const stateStyle =
    severity === 'critical' ? 'red' : d.state === 'ok' && severity !== 'warning' ? 'green' : 'yellow';
  const what = d.cluster ? `cluster ${d.cluster}` : d.source === 'paste' ? 'pasted output' : 'live cluster';
  const out: string[] = [
    `${paint('Redis Cluster diagnosis', 'bold')}: ${what}   state: ${paint(stateText(d), stateStyle)}`,
    ...wrap(`Seen: ${d.visibility.summary}`, width),
    '',
  ];
  if (opts.verbose !== true)
    return `${[...out, ...briefBody(d, width, paint, opts.moreHint ?? '--verbose')].join('\n')}\n`;
  d.rootCauses.forEach((c, i) => {
    out.push(...causeLines(c, i, d.rootCauses.length, d, width, paint), '');
  });
  if (d.findings.length > 0) {
    out.push(paint(`FINDINGS (${d.findings.length})`, 'bold'));
    for (const sev of ['critical', 'warning', 'info'] as const) {
      for (const f of d.findings.filter((x) => x.severity === sev))
        out.push(...findingLines(f, width, paint));
    }
    out.push('');
  } else out.push('FINDINGS: none', '');
  if (d.steps && d.steps.length > 0) {
    out.push(paint('STEPS', 'bold'));
    d.steps.forEach((s, i) => {
      out.push(...stepLines(s, i, width, paint));
    });
    out.push('');
  }
  out.push(...warningLines(d, width, paint));
  out.push(paint(`Topology fingerprint: ${d.fingerprint.slice(0, 16)}`, 'dim'));
  return `${out.join('\n')}\n`;
}

function warningLines(d: Diagnosis, width: number, paint: Paint): string[] {
  if (d.warnings.length === 0) return [];
  const out = [paint('NOT CHECKED / ASSUMED', 'bold')];
  for (const w of d.warnings) out.push(...hang(`- ${w}`, width, '  ', '    '));
  out.push('');
  return out;
}
