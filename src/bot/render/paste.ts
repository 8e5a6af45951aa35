/** The threaded reply to a pasted CLUSTER NODES / CLUSTER INFO / --cluster check dump. Pure. */
import type { ClusterSnapshot, NodeObservation } from '../../cluster/types.ts';
import { plural } from '../../diagnose/finding.ts';
import type { Diagnosis } from '../../diagnose/types.ts';
import { isBotError } from '../errors.ts';
import type { BotMessage, MessageSection } from '../message.ts';
import { BRIEF_WIDTH, briefSteps, briefStepText } from './brief.ts';
import {
  causeCodes,
  detailsMessage,
  diagnosisSections,
  notCheckedNote,
  notCheckedSection,
  overallSeverity,
  stateText,
  toneOf,
} from './diagnosis.ts';

/** The reader's notes (what was cut or odd in the paste) shown under the reply; the rest go to the details. */
const MAX_NOTES = 20;
/** Unreadable lines or extra notes listed at most; a count stands for the rest. */
const MAX_LISTED = 200;
/** Characters of one listed line shown at most. */
const MAX_SHOWN = 300;
/** Lines of any section at most, and characters of any line: a reply stays readable and cheap to post. */
const MAX_SECTION_LINES = 300;
const MAX_LINE_CHARS = 2000;
const FULL =
  'Long lists in this reply were shortened (marked with "…"). For everything, save the paste to a file and run: redis-runbook diagnose --file <file>';

function clip(text: string, max = MAX_SHOWN): string {
  return text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text;
}

/** `sections` with at most MAX_SECTION_LINES lines of at most MAX_LINE_CHARS each; says whether it cut. */
function boundSections(sections: MessageSection[]): { sections: MessageSection[]; cut: boolean } {
  let cut = false;
  const out = sections.map((section) => {
    const long = section.lines.length > MAX_SECTION_LINES;
    const lines = section.lines.slice(0, MAX_SECTION_LINES).map((l) => {
      if (l.length <= MAX_LINE_CHARS) return l;
      cut = true;
      return clip(l, MAX_LINE_CHARS);
    });
    if (!long) return { ...section, lines };
    cut = true;
    return { ...section, lines: [...lines, `… and ${section.lines.length - MAX_SECTION_LINES} more`] };
  });
  return { sections: out, cut };
}

/**
 * Offline diagnosis of a paste: the verdict, root causes with actions and each runbook step in one line;
 * its details (whose view it was, what needs live access, findings, evidence, full steps, unread lines)
 * behind the Details button. Bounded whatever the paste: long lists are cut with a count, long lines
 * clipped, and the reply says so.
 */
export function pasteReplyMessage(d: Diagnosis, snapshot: ClusterSnapshot): BotMessage {
  const severity = overallSeverity(d);
  const summary =
    d.rootCauses[0]?.summary ?? (d.state === 'ok' ? 'no problem found' : 'no single root cause determined');
  const title = `Offline diagnosis of the pasted output: ${summary}`;
  const views = describeViews(snapshot);
  const { primary, detail } = diagnosisSections(d, { style: 'cli', target: '<cluster>' });
  const sections: MessageSection[] = [...primary];
  const details: MessageSection[] = [
    { heading: 'Whose view this is', lines: views, style: 'list' },
    { heading: 'What I could not check without live access', lines: blindSpots(snapshot), style: 'list' },
    ...detail,
  ];
  const steps = d.steps ?? [];
  if (steps.length > 0) {
    const brief = briefSteps(d, BRIEF_WIDTH);
    const restating = brief.findIndex((s) => s.restatesCause);
    sections.push({
      heading: `Runbook steps, offline (${steps.length}${restating === -1 ? '' : `; ${restating + 1} restates the root cause above`})`,
      lines: brief.flatMap((s, i) =>
        i === restating ? [] : [`${i + 1}. [${s.verdict}] ${briefStepText(s)}`],
      ),
      style: 'list',
      fromDiagnosis: true,
    });
    details.push({
      heading: `Runbook steps in full (${steps.length})`,
      lines: steps.flatMap((s, i) => [
        `${i + 1}. [${s.verdict}] ${s.title}: ${s.skippedReason ?? s.meaning}`,
        ...(s.command ? [`   $ ${s.command}`] : []),
        ...s.evidence.map((e) => `   > ${e}`),
      ]),
      style: 'verbatim',
      spill: true,
      fromDiagnosis: true,
    });
  }
  const skipped = snapshot.parseIssues;
  if (skipped.length > 0) {
    sections.push({
      lines: [`${skipped.length} line(s) of the paste could not be read: Details lists them.`],
      style: 'prose',
    });
    const shown = skipped.slice(0, MAX_LISTED);
    const more = skipped.length - shown.length;
    details.push({
      heading: `Lines I could not read (${skipped.length})`,
      lines: [
        ...shown.map((i) => `line ${i.line}: ${clip(i.text)} (expected ${clip(i.expected)})`),
        ...(more > 0 ? [`… and ${more} more, not listed`] : []),
      ],
      style: 'verbatim',
      spill: true,
    });
  }
  // The reader's notes say what was cut or odd in the paste itself: shown in full. The diagnosis's notes
  // (what it could not check) are one line, in full under Details.
  const notes = snapshot.warnings;
  const snapNotes = new Set(notes);
  const assumed = d.warnings.filter((w) => !snapNotes.has(w));
  if (notes.length > MAX_NOTES) {
    details.push({
      heading: `More notes (${notes.length - MAX_NOTES})`,
      lines: [
        ...notes.slice(MAX_NOTES, MAX_NOTES + MAX_LISTED).map((n) => clip(n)),
        ...(notes.length > MAX_NOTES + MAX_LISTED
          ? [`… and ${notes.length - MAX_NOTES - MAX_LISTED} more, not listed`]
          : []),
      ],
      style: 'list',
      spill: true,
    });
  }
  if (assumed.length > 0) {
    const listed = assumed.slice(0, MAX_LISTED).map((n) => clip(n));
    const more = assumed.length - listed.length;
    details.push(notCheckedSection(more > 0 ? [...listed, `… and ${more} more, not listed`] : listed));
  }
  const shown = boundSections(sections);
  const behind = boundSections(details);
  return {
    tone: toneOf(severity),
    title,
    fields: [
      { label: 'Cluster state', value: stateText(d) },
      { label: 'Severity', value: severity },
      { label: 'Root cause', value: causeCodes(d) },
      { label: 'Seen', value: d.visibility.summary },
    ],
    sections: shown.sections,
    notes: [
      ...notes.slice(0, MAX_NOTES),
      ...(assumed.length > 0 ? [notCheckedNote(assumed)] : []),
      ...(shown.cut || behind.cut ? [FULL] : []),
      ...(notes.length > MAX_NOTES
        ? [`${notes.length - MAX_NOTES} more notes are in the details ("More notes").`]
        : []),
      'For a live diagnosis of a registered cluster: /redis diagnose <cluster>.',
    ],
    fallback: `${title} (severity ${severity})`,
    diagnosis: d,
    details: detailsMessage('Details of the pasted output', behind.sections),
  };
}

/** One line per view the paste contained, naming the node that printed it when the paste says. */
export function describeViews(snapshot: ClusterSnapshot): string[] {
  const out: string[] = [];
  for (const obs of snapshot.observations) out.push(...viewLines(obs));
  for (const report of snapshot.checkReports) {
    out.push(`redis-cli --cluster check run from ${report.entry ?? 'an unnamed entry node'}`);
  }
  if (out.length === 0) out.push('No node view could be read from the paste.');
  return out;
}

function viewLines(obs: NodeObservation): string[] {
  const who = obs.address.startsWith('paste#') ? null : obs.address;
  const id = obs.nodeId ?? obs.nodes?.observer ?? null;
  const name = [who, id ? `node ${id.slice(0, 8)}` : null].filter(Boolean).join(', ');
  const lines: string[] = [];
  if (obs.nodes) {
    lines.push(
      obs.nodes.observer
        ? `CLUSTER NODES as seen by ${name} (${plural(obs.nodes.nodes.length, 'node')} listed)`
        : `CLUSTER NODES with no "myself" line (${plural(obs.nodes.nodes.length, 'node')}): I cannot tell which node printed it`,
    );
  }
  if (obs.clusterInfo) lines.push(`CLUSTER INFO of ${name || 'an unnamed node'}`);
  if (obs.replication) lines.push(`INFO replication of ${name || 'an unnamed node'}`);
  return lines;
}

/** What an offline diagnosis of this paste cannot know, as plain sentences. */
export function blindSpots(snapshot: ClusterSnapshot): string[] {
  const obs = snapshot.observations;
  const views = obs.filter((o) => o.nodes?.observer).length;
  const out = [
    'Whether the nodes answer right now: the paste is a snapshot, and "connected" or "fail" is the opinion of the node that printed it.',
  ];
  if (views <= 1) {
    out.push(
      'How the other nodes see the cluster: with one view I cannot tell a partition from a dead node.',
    );
  }
  if (!obs.some((o) => o.replication))
    out.push('Replication links, offsets and lag (INFO replication was not pasted).');
  if (!obs.some((o) => o.config))
    out.push('Settings such as cluster-require-full-coverage and cluster-node-timeout.');
  out.push('How many keys live in the affected slots, so whether data is at stake.');
  out.push('Whether the cluster bus ports are reachable.');
  return out;
}

const PASTE_HINT =
  'Nothing from it was diagnosed. Paste less at a time (the CLUSTER NODES of a few nodes, each behind its prompt line), or run /redis diagnose <cluster> for a live diagnosis of a registered cluster.';

/** The polite answer to a paste that could not be read: what happened, and what to do instead. */
export function pasteFailedMessage(err: unknown): BotMessage {
  const why = isBotError(err) ? err.message : 'an internal error';
  const busy = isBotError(err, 'PASTE_BUSY');
  const text = busy
    ? `I am reading other pastes right now (${why}), so I did not read this one.`
    : `I could not finish reading this paste: ${why}.`;
  const hint = busy ? 'Paste it again in a minute.' : PASTE_HINT;
  return {
    tone: 'warning',
    text,
    sections: [{ lines: [hint], style: 'prose' }],
    fallback: `${text} ${hint}`,
  };
}
