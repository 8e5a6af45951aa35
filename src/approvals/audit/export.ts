/**
 * Audit entries as text, pure: JSONL (one event per line, with its hash, for a SIEM) and a markdown
 * incident timeline a postmortem can paste (per request: the diagnosis it answered, the plan and its
 * commands, each decision, each step, the outcome, with UTC times). Filters by time and cluster.
 */
import type { AuditEntry, StoredEntry } from '../types.ts';

/** Which entries to export. */
export interface ExportFilter {
  /** Only entries at or after this time (ms). */
  sinceMs?: number;
  cluster?: string;
}

/** Parses "90s", "15m", "2h", "7d" into ms; null when it is not one of those. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!m) return null;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
  return Number(m[1]) * unit;
}

/** True when `e` passes the filter. */
export function keep(e: AuditEntry, f: ExportFilter): boolean {
  if (f.cluster !== undefined && e.cluster !== f.cluster) return false;
  return f.sinceMs === undefined || Date.parse(e.ts) >= f.sinceMs;
}

/** One JSON object per line: the entry as stored, plus its chain hash. */
export function toJsonl(entries: StoredEntry[]): string {
  return entries.map((s) => `${JSON.stringify({ ...s.entry, hash: s.hash })}\n`).join('');
}

/** A markdown incident timeline, grouped by request in order of first appearance. */
export function toMarkdown(entries: StoredEntry[], opts: { title: string; verified?: string }): string {
  const out: string[] = [`# ${opts.title}`, ''];
  if (entries.length === 0) return [...out, 'No audit events match.', ''].join('\n');
  const first = entries[0]?.entry.ts ?? '';
  const last = entries.at(-1)?.entry.ts ?? '';
  out.push(
    `${entries.length} audit event${entries.length === 1 ? '' : 's'} from ${time(first, true)} to ${time(last, true)} (UTC), exported from the redis-runbook audit log (entries #${entries[0]?.entry.seq} to #${entries.at(-1)?.entry.seq}).`,
  );
  if (opts.verified) out.push('', opts.verified);
  const groups = new Map<string, AuditEntry[]>();
  for (const { entry } of entries) {
    const key = entry.requestId ?? '';
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  for (const [id, group] of groups) {
    out.push('', ...(id ? requestSection(id, group) : otherSection(group)));
  }
  return `${out.join('\n')}\n`;
}

function requestSection(id: string, group: AuditEntry[]): string[] {
  const head = group[0] as AuditEntry;
  const out = [`## ${id}: ${head.action ?? 'action'} on ${head.cluster ?? '?'}`, ''];
  for (const e of group) {
    out.push(`- **${time(e.ts)}** ${line(e)}`);
    if (e.plan && (e.event === 'requested' || e.event === 'break-glass')) {
      out.push(`  - Plan: ${e.plan.summary} (plan sha256 ${e.plan.planHash.slice(0, 16)})`);
      for (const r of e.plan.risks) out.push(`  - Risk: ${r}`);
      out.push('', '  ```', ...e.plan.commands.map((c) => `  ${c}`), '  ```', '');
    }
    if (e.step && e.step.commands.length > 0) {
      out.push('', '  ```', ...e.step.commands.map((c) => `  ${c}`), '  ```', '');
    }
  }
  return out;
}

function otherSection(group: AuditEntry[]): string[] {
  return ['## Other events', '', ...group.map((e) => `- **${time(e.ts)}** ${line(e)}`)];
}

/** One event in words. */
function line(e: AuditEntry): string {
  const parts = [`${e.event} by ${e.actor}`];
  if (e.event === 'requested' && e.diagnosis) {
    parts.push(
      `(diagnosis then: ${e.diagnosis.state}, ${e.diagnosis.rootCauses.join(', ') || 'no root cause'})`,
    );
  }
  if (e.step)
    parts.push(
      `step ${e.step.index}/${e.step.total} "${e.step.title}" in ${(e.step.elapsedMs / 1000).toFixed(1)} s`,
    );
  if (e.outcome) parts.push(`: ${e.outcome}`);
  if (e.code) parts.push(`[${e.code}]`);
  if (e.event === 'requested' || e.event === 'approved') {
    if (e.fingerprintBefore) parts.push(`(fingerprint ${e.fingerprintBefore.slice(0, 16)})`);
  }
  if (e.fingerprintAfter) parts.push(`(fingerprint after ${e.fingerprintAfter.slice(0, 16)})`);
  if (e.diagnosis && e.event !== 'requested') {
    parts.push(
      `(diagnosis after: ${e.diagnosis.state}, ${e.diagnosis.rootCauses.join(', ') || 'no root cause'})`,
    );
  }
  if (e.channel && (e.event === 'requested' || e.event === 'break-glass')) parts.push(`in ${e.channel}`);
  return parts.join(' ').replace(' : ', ': ');
}

function time(ts: string, withDate = false): string {
  const t = ts.slice(0, 19).replace('T', ' ');
  return withDate ? t : t.slice(11);
}
