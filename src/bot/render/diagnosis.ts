/**
 * Turns a Diagnosis and its steps into transport-neutral messages (parent, thread steps, verdict). A verdict
 * says the root causes and actions; findings and evidence are its `details`, shown behind a button.
 */
import { formatCount } from '../../cluster/util.ts';
import type { Diagnosis, Finding, Severity, StepResult } from '../../diagnose/types.ts';
import type { BotMessage, MessageButton, MessageSection, Tone } from '../message.ts';
import type { CommandStyle } from './action-command.ts';
import { requestFixButtons } from './approval.ts';
import { briefActions, warningsBrief } from './brief.ts';

/** Stable action ids of the buttons under a verdict. */
export const ACTION_DIAGNOSE_AGAIN = 'diagnose_again';
export const ACTION_SHOW_NODES = 'show_nodes';

/** The parent message posted as soon as a diagnosis starts. */
export function startedMessage(cluster: string, runbookTitle: string | null, user: string): BotMessage {
  const what = runbookTitle ? `the ${runbookTitle} runbook` : 'the runbook that fits what it finds';
  const title = `Diagnosing ${cluster}...`;
  return {
    tone: 'running',
    title,
    text: `Probing ${cluster} live and running ${what}. Each step is posted in this thread as it completes; this message will show the verdict.`,
    requestedBy: user,
    fallback: title,
  };
}

/** One completed runbook step, for the parent's thread. */
export function stepMessage(step: StepResult, index: number, total: number): BotMessage {
  const tone: Tone = step.verdict === 'ok' ? 'ok' : step.verdict === 'problem' ? 'problem' : 'skipped';
  const title = `Step ${index + 1}/${total}: ${step.title}`;
  const sections: MessageSection[] = [];
  if (step.verdict === 'skipped' && step.skippedReason) {
    sections.push({ heading: 'Skipped', lines: [step.skippedReason], style: 'prose' });
  }
  if (step.meaning) sections.push({ heading: 'What it means', lines: [step.meaning], style: 'prose' });
  if (step.evidence.length > 0) {
    sections.push({ heading: 'Evidence', lines: step.evidence, style: 'verbatim', spill: true });
  }
  if (step.command) sections.push({ heading: 'Check it yourself', lines: [step.command], style: 'verbatim' });
  return { tone, title, sections, fallback: `${title}: ${step.verdict}` };
}

/** The verdict that replaces the parent message when the diagnosis is done. */
export function verdictMessage(
  d: Diagnosis,
  cluster: string,
  user: string,
  runbook: string | null,
  opts: { fixButtons?: boolean } = {},
): BotMessage {
  const severity = overallSeverity(d);
  const { primary, detail } = diagnosisSections(d, {
    style: opts.fixButtons ? 'chat' : 'cli',
    target: cluster,
  });
  if (d.warnings.length > 0) detail.push(notCheckedSection(d.warnings));
  const title = `${cluster}: ${headline(d)}`;
  const steps = d.steps ?? [];
  const count = (v: StepResult['verdict']) => steps.filter((s) => s.verdict === v).length;
  const fields = [
    { label: 'Cluster state', value: stateText(d) },
    { label: 'Severity', value: severity },
    { label: 'Root cause', value: causeCodes(d) },
    {
      label: 'Seen',
      value: d.visibility.summary || `${d.visibility.nodesSeen} of ${d.visibility.nodesKnown} nodes`,
    },
  ];
  if (runbook) fields.push({ label: 'Runbook', value: runbook });
  if (steps.length > 0) {
    fields.push({
      label: 'Steps',
      value: `${count('ok')} ok, ${count('problem')} problem, ${count('skipped')} skipped (details in the thread)`,
    });
  }
  const buttons: MessageButton[] = [
    { actionId: ACTION_DIAGNOSE_AGAIN, label: 'Diagnose again', value: cluster },
    { actionId: ACTION_SHOW_NODES, label: 'Show nodes', value: cluster },
    ...(opts.fixButtons ? requestFixButtons(d, cluster) : []),
  ];
  const readOnly = opts.fixButtons
    ? 'Nothing was changed on the cluster. A fix runs only after its exact plan is requested and approved.'
    : 'Nothing was changed on the cluster: this bot only reads.';
  return {
    tone: toneOf(severity),
    title,
    fields,
    sections: primary,
    buttons,
    notes: [...(d.warnings.length > 0 ? [notCheckedNote(d.warnings)] : []), readOnly],
    requestedBy: user,
    fallback: `${title} (severity ${severity})`,
    diagnosis: d,
    ...(detail.length > 0 ? { details: detailsMessage(`${cluster}: details`, detail) } : {}),
  };
}

/** The detailed view behind a message's Details button. */
export function detailsMessage(title: string, sections: MessageSection[]): BotMessage {
  return { tone: 'info', title, sections, fallback: title };
}

/** Nodes named in a cause or finding line; the rest are counted (the JSON keeps every one). */
const LISTED_NODES = 20;

/** "a, b, c" or, past LISTED_NODES, "a, b, … and 4,980 more": a node list a reader can take in. */
export function nodeListText(nodes: readonly string[]): string {
  if (nodes.length <= LISTED_NODES) return nodes.join(', ');
  return `${nodes.slice(0, LISTED_NODES).join(', ')} and ${formatCount(nodes.length - LISTED_NODES)} more`;
}

/** Root causes and actions shown in full; the rest goes to a list that may spill to a file. */
const TOP_CAUSES = 3;
const TOP_ACTIONS = 6;

/** How diagnosisSections words the actions: the commands' style and target (see action-command.ts). */
export interface ActionCommands {
  style: CommandStyle;
  /** The cluster name, or "<cluster>" for a paste. */
  target: string;
}

/**
 * The diagnosis as sections: `primary` (the first root causes, each action with its exact command and its
 * reason said once, always shown) and `detail` (further causes and actions, every reason in full,
 * findings, evidence; each may spill to a file when too long). The first cause's summary is the message
 * title, so its section does not repeat it.
 */
export function diagnosisSections(
  d: Diagnosis,
  commands: ActionCommands = { style: 'cli', target: d.cluster ?? '<cluster>' },
): { primary: MessageSection[]; detail: MessageSection[] } {
  const primary: MessageSection[] = [];
  const detail: MessageSection[] = [];
  d.rootCauses.slice(0, TOP_CAUSES).forEach((rc, i) => {
    const where = [
      rc.nodes.length > 0 ? `Nodes: ${nodeListText(rc.nodes)}` : '',
      rc.slots ? `Slots: ${rc.slots}` : '',
    ]
      .filter(Boolean)
      .join('. ');
    primary.push({
      heading: i === 0 ? `Root cause (${rc.code})` : `Root cause: ${rc.summary}`,
      lines: [rc.explanation, where].filter(Boolean),
      style: 'prose',
    });
  });
  const moreCauses = d.rootCauses.slice(TOP_CAUSES);
  if (moreCauses.length > 0) {
    detail.push({
      heading: `${moreCauses.length} more root causes`,
      lines: moreCauses.map((rc) => `${rc.code}: ${rc.summary}`),
      style: 'list',
      spill: true,
    });
  }
  const brief = briefActions(d.rootCauses, commands.target, commands.style).flat();
  const actions = brief.map((a) => {
    const why = a.why ?? `as ${a.sameAs}`;
    return `${a.number}. ${a.action} (${a.target}): ${why}${a.command ? ` → \`${a.command}\`` : ''}`;
  });
  if (actions.length > 0) {
    primary.push({
      heading: 'Recommended actions (not run: a human decides)',
      lines: actions.slice(0, TOP_ACTIONS),
      style: 'list',
    });
  }
  if (actions.length > TOP_ACTIONS) {
    detail.push({
      heading: `${actions.length - TOP_ACTIONS} more recommended actions`,
      lines: actions.slice(TOP_ACTIONS),
      style: 'list',
      spill: true,
    });
  }
  if (brief.some((a) => a.why === null)) {
    detail.push({
      heading: 'Recommended actions, every reason in full',
      lines: d.rootCauses
        .flatMap((rc) => rc.actions)
        .map((a, i) => `${i + 1}. ${a.action} (${a.target}): ${a.why}`),
      style: 'list',
      spill: true,
    });
  }
  const ordered = [...d.findings].sort((a, b) => rank(a.severity) - rank(b.severity));
  if (ordered.length > 0) {
    detail.push({
      heading: `Findings (${ordered.length})`,
      lines: ordered.map(findingLine),
      style: 'list',
      spill: true,
    });
  }
  const evidence = ordered.flatMap((f) => f.evidence.map((e) => `${f.code}: ${e}`));
  if (evidence.length > 0)
    detail.push({ heading: 'Evidence', lines: evidence, style: 'verbatim', spill: true });
  for (const s of [...primary, ...detail]) s.fromDiagnosis = true;
  return { primary, detail };
}

/** What could not be checked, in one note; the whole notes are {@link notCheckedSection}, in the details. */
export function notCheckedNote(warnings: readonly string[]): string {
  return `Not checked / assumed: ${warningsBrief(warnings)} (in full under Details).`;
}

/** Every note in full, for the details. */
export function notCheckedSection(warnings: readonly string[]): MessageSection {
  return { heading: 'Not checked / assumed', lines: [...warnings], style: 'list', spill: true };
}

/** Root cause codes with counts: "master-failed-no-replica (x40), quorum-lost". */
export function causeCodes(d: Diagnosis): string {
  const counts = new Map<string, number>();
  for (const rc of d.rootCauses) counts.set(rc.code, (counts.get(rc.code) ?? 0) + 1);
  return [...counts].map(([code, n]) => (n > 1 ? `${code} (x${n})` : code)).join(', ') || 'none determined';
}

/** The worst severity among findings, with a failed cluster always critical. */
export function overallSeverity(d: Diagnosis): Severity | 'ok' {
  if (d.state === 'fail' || d.findings.some((f) => f.severity === 'critical')) return 'critical';
  if (d.state === 'unknown' || d.findings.some((f) => f.severity === 'warning')) return 'warning';
  return d.findings.length > 0 ? 'info' : 'ok';
}

/**
 * The cluster state for a headline, never contradicting the findings: `state` is cluster_state as the
 * nodes report it, which stays "ok" while a frozen master's peers have not flagged it yet; then the
 * headline says OK only together with the critical findings.
 */
export function stateText(d: Diagnosis): string {
  const critical = d.findings.filter((f) => f.severity === 'critical').length;
  if (d.state !== 'ok' || critical === 0) return d.state.toUpperCase();
  return `OK as reported by the nodes, but ${critical} critical finding${critical === 1 ? '' : 's'}`;
}

/** Maps a severity to a message tone. */
export function toneOf(severity: Severity | 'ok'): Tone {
  return severity === 'ok' ? 'ok' : severity;
}

function headline(d: Diagnosis): string {
  const first = d.rootCauses[0];
  if (first) return first.summary;
  if (d.state === 'ok') return 'no problem found';
  return d.state === 'fail' ? 'cluster is failing; no single root cause determined' : 'state unknown';
}

function findingLine(f: Finding): string {
  const where = [nodeListText(f.nodes), f.slots ? `slots ${f.slots}` : ''].filter(Boolean).join('; ');
  return `${f.severity.toUpperCase()} ${f.code}: ${f.message}${where ? ` (${where})` : ''}`;
}

function rank(s: Severity): number {
  return s === 'critical' ? 0 : s === 'warning' ? 1 : 2;
}
