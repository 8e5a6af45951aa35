/**
 * Minimal readers for CLUSTER NODES / INFO text, just enough for the harness to wait on cluster state.
 * (The product's full parser lives in src/cluster; the harness stays independent of it.)
 */

/** One CLUSTER NODES line, reduced to what the harness waits on. */
export interface NodeRow {
  id: string;
  host: string;
  port: number;
  cport: number;
  flags: string[];
  masterId: string | null;
  link: string;
  /** Slot tokens as printed ("0-5460", "5461"), without the [..] migration entries. */
  slots: string[];
  /** "[..]" migrating/importing tokens, verbatim. */
  openSlots: string[];
}

/** Parses CLUSTER NODES text; skips lines that do not have at least 8 fields. */
export function parseNodes(text: string): NodeRow[] {
  const rows: NodeRow[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 8) continue;
    const [id, addr, flags, master, , , , link, ...rest] = f as [string, string, string, string, ...string[]];
    const at = addr.lastIndexOf('@');
    const hostPort = at >= 0 ? addr.slice(0, at) : addr;
    const colon = hostPort.lastIndexOf(':');
    const cport = at >= 0 ? Number.parseInt(addr.slice(at + 1), 10) : 0;
    rows.push({
      id,
      host: hostPort.slice(0, colon),
      port: Number(hostPort.slice(colon + 1)),
      cport: Number.isNaN(cport) ? 0 : cport,
      flags: flags.split(','),
      masterId: master === '-' ? null : master,
      link: link ?? '',
      slots: rest.filter((t) => !t.startsWith('[')),
      openSlots: rest.filter((t) => t.startsWith('[')),
    });
  }
  return rows;
}

/** Parses "key:value" lines (CLUSTER INFO, INFO) into a record; ignores comments and blank lines. */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/** The row flagged `myself`, if any. */
export function myselfRow(rows: readonly NodeRow[]): NodeRow | undefined {
  return rows.find((r) => r.flags.includes('myself'));
}

/** A slot-ownership signature like redis-cli's: "id:slots" of every row with slots, sorted. */
export function slotSignature(rows: readonly NodeRow[]): string {
  return rows
    .filter((r) => r.slots.length > 0)
    .map((r) => `${r.id}:${[...r.slots].sort().join(',')}`)
    .sort()
    .join('|');
}
