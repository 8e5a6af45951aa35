/**
 * The settings report as a message: the findings first (each says why it matters), then every setting
 * with its values across nodes ("unknown" where it could not be read), and why some nodes could not be
 * read. Pure.
 */
import type { SettingRow, SettingsReport } from '../../diagnose/settings/report.ts';
import type { Finding } from '../../diagnose/types.ts';
import type { BotMessage, MessageSection } from '../message.ts';
import { toneOf } from './diagnosis.ts';

function nodesText(nodes: readonly string[], total: number): string {
  if (nodes.length === total && total > 1) return `all ${total}`;
  return nodes.length <= 3
    ? nodes.join(', ')
    : `${nodes.slice(0, 3).join(', ')} and ${nodes.length - 3} more`;
}

/** One line per distinct value: "cluster-node-timeout  15000  all 6". */
export function settingsTable(rows: readonly SettingRow[], total: number): string[] {
  const cells = rows.flatMap((r) =>
    r.groups.map((g, i) => [i === 0 ? r.name : '', g.value ?? 'unknown', nodesText(g.nodes, total)]),
  );
  const head = ['SETTING', 'VALUE', 'NODES'];
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: string[]) =>
    `${(c[0] ?? '').padEnd(w[0] ?? 0)}  ${(c[1] ?? '').padEnd(w[1] ?? 0)}  ${c[2] ?? ''}`;
  return [line(head), ...cells.map(line)];
}

function worst(findings: readonly Finding[]): Finding['severity'] | 'ok' {
  for (const s of ['critical', 'warning', 'info'] as const)
    if (findings.some((f) => f.severity === s)) return s;
  return 'ok';
}

function findingLine(f: Finding): string {
  return `${f.severity.toUpperCase()} ${f.code}: ${f.message}`;
}

/** The answer to `settings <cluster>`. */
export function settingsMessage(report: SettingsReport, cluster: string, user?: string): BotMessage {
  const total = report.nodes.length;
  const read = report.nodes.filter((n) => Object.values(n.values).some((v) => v !== null)).length;
  const severity = worst(report.findings);
  const title = `${cluster}: production settings`;
  const sections: MessageSection[] = [];
  if (report.findings.length > 0) {
    sections.push({
      heading: `Findings (${report.findings.length})`,
      lines: report.findings.map(findingLine),
      style: 'list',
    });
  } else {
    sections.push({ lines: ['No risky setting among those that could be read.'], style: 'prose' });
  }
  sections.push({
    heading: 'Settings by node',
    lines: settingsTable(report.rows, total),
    style: 'verbatim',
    spill: true,
  });
  const unread = report.nodes.filter((n) => n.unreadable);
  if (unread.length > 0) {
    sections.push({
      heading: `Not read on ${unread.length} of ${total} nodes (shown as unknown, never assumed)`,
      lines: unread.map((n) => `${n.address}: ${n.unreadable}`),
      style: 'list',
      spill: true,
    });
  }
  return {
    tone: toneOf(severity),
    title,
    fields: [
      { label: 'Nodes read', value: `${read} of ${total}` },
      { label: 'Findings', value: report.findings.map((f) => f.code).join(', ') || 'none' },
    ],
    sections,
    notes: ['Nothing was changed on the cluster: this bot only reads.'],
    ...(user ? { requestedBy: user } : {}),
    fallback: `${title}: ${report.findings.length} finding(s)`,
  };
}
