/** A compact topology table of a live snapshot, for `/redis nodes <cluster>`. Pure. */
import { countSlots, formatRanges } from '../../cluster/slots.ts';
import type { ClusterSnapshot, NodeLine } from '../../cluster/types.ts';
import type { BotMessage, MessageSection } from '../message.ts';

interface Row {
  line: NodeLine;
  /** Whether this row comes from the node's own myself line. */
  own: boolean;
}

/** One row per node: masters by first slot, each followed by its replicas; unreachable nodes listed. */
export function nodesMessage(cluster: string, snapshot: ClusterSnapshot, user: string): BotMessage {
  const rows = mergeRows(snapshot);
  const byId = new Map(rows.map((r) => [r.line.id, r]));
  const masters = rows
    .filter((r) => !r.line.masterId)
    .sort((a, b) => (a.line.slots[0]?.start ?? 99999) - (b.line.slots[0]?.start ?? 99999));
  const ordered: Row[] = [];
  for (const m of masters) {
    ordered.push(m);
    ordered.push(...rows.filter((r) => r.line.masterId === m.line.id));
  }
  ordered.push(...rows.filter((r) => r.line.masterId && !byId.has(r.line.masterId)));
  const table = [
    pad(['ID', 'ADDRESS', 'ROLE', 'FLAGS', 'LINK', 'EPOCH', 'SLOTS', 'RANGES']),
    ...ordered.map((r) => pad(rowCells(r))),
  ];
  const errors = snapshot.observations
    .filter((o) => o.error)
    .map((o) => `${o.address}: ${o.error?.kind} (${o.error?.message})`);
  const states = snapshot.observations
    .filter((o) => o.clusterInfo?.cluster_state)
    .map((o) => `${o.address}=${o.clusterInfo?.cluster_state}`);
  const sections: MessageSection[] = [
    {
      heading: `Topology (${ordered.length} nodes)`,
      lines: table,
      style: 'verbatim',
      spill: ordered.length > 40,
    },
  ];
  if (errors.length > 0)
    sections.push({ heading: 'Nodes that did not answer', lines: errors, style: 'list' });
  const title = `${cluster}: ${ordered.length} nodes, ${masters.length} masters`;
  return {
    tone: errors.length > 0 ? 'warning' : 'info',
    title,
    text: states.length > 0 ? `cluster_state per node: ${states.join(', ')}` : undefined,
    sections,
    notes: [
      'Rows come from each node\'s own "myself" line where it answered, else from the first view that lists it.',
      ...snapshot.warnings,
    ],
    requestedBy: user,
    fallback: title,
  };
}

function mergeRows(snapshot: ClusterSnapshot): Row[] {
  const rows = new Map<string, Row>();
  for (const obs of snapshot.observations) {
    for (const line of obs.nodes?.nodes ?? []) {
      const own = line.flags.includes('myself');
      const prev = rows.get(line.id);
      if (!prev || (own && !prev.own)) rows.set(line.id, { line, own });
    }
  }
  return [...rows.values()];
}

function rowCells({ line }: Row): string[] {
  const role = line.masterId ? `replica of ${line.masterId.slice(0, 8)}` : 'master';
  const flags = line.flags.filter((f) => f !== 'master' && f !== 'slave' && f !== 'myself');
  const address = line.ip ? `${line.ip}:${line.port}` : `(no address):${line.port}`;
  const slots = line.slots.length > 0 ? String(countSlots(line.slots)) : '-';
  return [
    line.id.slice(0, 8),
    address,
    role,
    [...flags, ...line.unknownFlags].join(',') || '-',
    line.link,
    String(line.configEpoch),
    slots,
    formatRanges(line.slots) || '-',
  ];
}

function pad(cells: string[]): string {
  const widths = [8, 21, 19, 10, 12, 5, 5];
  return cells
    .map((c, i) => (i < widths.length ? c.padEnd(widths[i] ?? 0) : c))
    .join(' ')
    .trimEnd();
}
