/** The threaded reply to a pasted CLUSTER NODES / CLUSTER INFO / --cluster check dump. Pure. */
import type { ClusterSnapshot, NodeObservation } from '../../cluster/types.ts';
import { plural } from '../../diagnose/finding.ts';
import type { Diagnosis } from '../../diagnose/types.ts';
import type { BotMessage, MessageSection } from '../message.ts';
import { briefSteps, briefStepText } from './brief.ts';
import { causeCodes, detailsMessage, diagnosisSections, overallSeverity, toneOf } from './diagnosis.ts';

/**
 * Offline diagnosis of a paste: the verdict, root causes with actions and each runbook step in one line;
 * its details (whose view it was, what needs live access, findings, evidence, full steps, unread lines)
 * behind the Details button.
 */
export function pasteReplyMessage(d: Diagnosis, snapshot: ClusterSnapshot): BotMessage {
  const severity = overallSeverity(d);
  const summary =
    d.rootCauses[0]?.summary ?? (d.state === 'ok' ? 'no problem found' : 'no single root cause determined');
  const title = `Offline diagnosis of the pasted output: ${summary}`;
  const views = describeViews(snapshot);
  const { primary, detail } = diagnosisSections(d);
  const sections: MessageSection[] = [...primary];
  const details: MessageSection[] = [
    { heading: 'Whose view this is', lines: views, style: 'list' },
    { heading: 'What I could not check without live access', lines: blindSpots(snapshot), style: 'list' },
    ...detail,
  ];
  const steps = d.steps ?? [];
  if (steps.length > 0) {
    sections.push({
      heading: `Runbook steps, offline (${steps.length})`,
      lines: briefSteps(d).map((s, i) => `${i + 1}. [${s.verdict}] ${briefStepText(s)}`),
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
    details.push({
      heading: `Lines I could not read (${skipped.length})`,
      lines: skipped.map((i) => `line ${i.line}: ${i.text} (expected ${i.expected})`),
      style: 'verbatim',
      spill: true,
    });
  }
  return {
    tone: toneOf(severity),
    title,
    fields: [
      { label: 'Cluster state', value: d.state.toUpperCase() },
      { label: 'Severity', value: severity },
      { label: 'Root cause', value: causeCodes(d) },
      { label: 'Seen', value: d.visibility.summary },
    ],
    sections,
    notes: [
      ...snapshot.warnings,
      ...d.warnings.filter((w) => !snapshot.warnings.includes(w)),
      'For a live diagnosis of a registered cluster: /redis diagnose <cluster>.',
    ],
    fallback: `${title} (severity ${severity})`,
    diagnosis: d,
    details: detailsMessage('Details of the pasted output', details),
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
