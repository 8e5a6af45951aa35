/** Folds pasted `redis-cli --cluster check` reports into the drafts: self-claims, open slots, errors. */
import type { Drafts } from './model-fold.ts';
import { NOT_SAID, type SlotGroups } from './model-slots.ts';
import type { ModelView, OpenSlot } from './model-types.ts';
import type { CheckReport } from './types.ts';

const CONNECT_ERR = /Could not connect to Redis at (\[[^\]]+\]:\d+|[^\s:]+:\d+)/;

/** Splits "ip:port" / "[v6]:port" into parts; null when it is not an address. */
export function splitAddress(address: string): { ip: string; port: number } | null {
  const m = /^\[?([^\]\s]*?)\]?:(\d{1,5})$/.exec(address.trim());
  if (!m) return null;
  return { ip: m[1] ?? '', port: Number(m[2]) };
}

/** Folds one check report; returns its view (slot claims of the nodes redis-cli could load). */
export function foldCheck(
  report: CheckReport,
  index: number,
  drafts: Drafts,
  groups: SlotGroups,
  openSlots: OpenSlot[],
  checkErrors: { address: string; line: string }[],
): ModelView {
  const label = `redis-cli check${report.entry ? ` via ${report.entry}` : index > 0 ? ` #${index + 1}` : ''}`;
  groups.begin(NOT_SAID);
  for (const n of report.nodes) {
    const d = drafts.get(n.id);
    const addr = splitAddress(n.address);
    // redis-cli prints the entry node under the address typed on its command line, not the announced one
    const typed = report.entry !== null && n.address === report.entry;
    if (addr) {
      if (!typed) d.addrSet.add(n.address);
      if (!d.ip) {
        d.ip = addr.ip;
        d.port = addr.port;
        if (typed) d.addressTyped = true;
      }
    }
    d.checkRole = n.role;
    if (n.role === 'master' && n.replicaCount !== null)
      d.reportedReplicas = Math.max(d.reportedReplicas ?? 0, n.replicaCount);
    if (n.role === 'replica' && n.replicates && !d.selfSeen)
      d.selfMaster ??= drafts.ids.resolve(n.replicates);
    if (!d.claimed) d.claimed = n.slots.map((r) => ({ ...r }));
    d.firstLine ??= { observer: label, raw: `${n.role === 'master' ? 'M' : 'S'}: ${n.id} ${n.address}` };
    groups.mark(n.slots, d.index);
  }
  for (const [kind, list] of [
    ['migrating', report.migrating],
    ['importing', report.importing],
  ] as const) {
    for (const entry of list) {
      const node = report.nodes.find((n) => n.address === entry.address);
      const id = node ? drafts.ids.resolve(node.id) : entry.address;
      const message =
        report.messages.find((m) => m.includes(entry.address) && m.includes(kind)) ??
        `Node ${entry.address} has slots in ${kind} state ${entry.slots.join(',')}.`;
      for (const slot of entry.slots) {
        if (openSlots.some((o) => o.slot === slot && o.node === id && o.kind === kind)) continue;
        openSlots.push({ slot, node: id, kind, peer: '', evidence: message });
      }
    }
  }
  // the summary alone (an excerpt, or an old redis-trib): the slot is open, its sides are not in the paste
  const summary = report.messages.find((m) => /The following slots are open/.test(m)) ?? '';
  for (const slot of report.openSlots) {
    if (openSlots.some((o) => o.slot === slot)) continue;
    openSlots.push({ slot, node: '', kind: 'migrating', peer: '', evidence: summary, sidesUnknown: true });
  }
  for (const line of report.errors) {
    const m = CONNECT_ERR.exec(line);
    const address = m?.[1] ?? '';
    if (address) checkErrors.push({ address, line });
  }
  const view: ModelView = {
    observer: label,
    observerId: null,
    source: 'check',
    group: groups.commit(label),
    failing: [],
    lineCount: report.nodes.length,
    unreadLines: 0,
  };
  return view;
}
