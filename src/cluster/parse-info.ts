/** Pure parsers for CLUSTER INFO and INFO output ("key:value" lines, "# Section" headers). */
import { splitLines } from './paste-limits.ts';
import { redactSecrets } from './redact.ts';

const KEY_RE = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const TOKEN_RE = /^[A-Za-z_][A-Za-z0-9_.-]*:\S*$/;
const SPACE_RE = /\s/;
/**
 * Text as servers send it: every line (LF or CRLF) empty, a "#" header, or key:value where the value has
 * no leading, trailing or doubled whitespace ("os:Linux 6.1 x86_64" is one), no other line break (\u2028
 * would start a line for FIELD_RE's ^). Such text gets the fast path.
 */
const PLAIN_INFO_RE =
  /^(?:(?:#[^\r\n\u2028\u2029]*|[A-Za-z_][A-Za-z0-9_.-]*:(?:\S+(?: \S+)*)?)?\r?\n)*(?:#[^\r\n\u2028\u2029]*|[A-Za-z_][A-Za-z0-9_.-]*:(?:\S+(?: \S+)*)?)?$/;
/** A line of key:value tokens only (CLUSTER INFO flattened onto one line), which the loop reads token by token. */
const FLAT_RE = /^[A-Za-z_][A-Za-z0-9_.-]*:\S*(?: [A-Za-z_][A-Za-z0-9_.-]*:\S*)+\r?$/m;
const FIELD_RE = /^([A-Za-z_][A-Za-z0-9_.-]*):([^\r\n]*)\r?$/gm;

/** A value with a space, '=' or '@' in it may carry a pasted secret ("ok requirepass x"): never echo one. */
function shownValue(value: string): string {
  return /[\s=@]/.test(value) ? redactSecrets(value) : value;
}

/**
 * Parses "key:value" lines (CRLF or LF, "# Section" headers ignored) into a record. A line made only of
 * several "key:value" tokens (CLUSTER INFO flattened onto one line) yields each of them. Never throws.
 */
export function parseInfoFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (PLAIN_INFO_RE.test(text) && !FLAT_RE.test(text)) {
    // Native passes instead of one JS step per line; the result is the one the loop below gives.
    FIELD_RE.lastIndex = 0;
    for (let m = FIELD_RE.exec(text); m !== null; m = FIELD_RE.exec(text)) out[m[1]!] = shownValue(m[2]!);
    return out;
  }
  for (const rawLine of splitLines(text)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    const tokens = SPACE_RE.test(line) ? line.split(/\s+/) : null;
    if (tokens && tokens.length > 1 && tokens.every((t) => TOKEN_RE.test(t))) {
      for (const t of tokens) {
        const i = t.indexOf(':');
        out[t.slice(0, i)] = t.slice(i + 1);
      }
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i);
    if (KEY_RE.test(key)) out[key] = shownValue(line.slice(i + 1).trim());
  }
  return out;
}

/** One "slaveN:ip=...,port=...,state=...,offset=...,lag=..." line of INFO replication. */
export interface ReplicaEntry {
  index: number;
  ip: string;
  port: number | null;
  state: string;
  offset: number | null;
  lag: number | null;
}

/** INFO replication, typed. Fields absent from the input are null. */
export interface ReplicationInfo {
  /** 'replica' for Redis's "slave". */
  role: 'master' | 'replica' | null;
  masterHost: string | null;
  masterPort: number | null;
  /** 'up' or 'down' as printed (only on replicas). */
  masterLinkStatus: string | null;
  masterSyncInProgress: boolean | null;
  masterLastIoSecondsAgo: number | null;
  masterLinkDownSinceSeconds: number | null;
  slaveReplOffset: number | null;
  masterReplOffset: number | null;
  connectedSlaves: number | null;
  replicas: ReplicaEntry[];
}

function num(v: string | undefined): number | null {
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function parseReplicaEntry(index: number, value: string): ReplicaEntry {
  const kv: Record<string, string> = {};
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) kv[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return {
    index,
    ip: kv.ip ?? '',
    port: num(kv.port),
    state: kv.state ?? '',
    offset: num(kv.offset),
    lag: num(kv.lag),
  };
}

/** Reads the replication fields of INFO (as given by parseInfoFields) into typed values. */
export function readReplication(fields: Readonly<Record<string, string>>): ReplicationInfo {
  const role =
    fields.role === 'master'
      ? 'master'
      : fields.role === 'slave' || fields.role === 'replica'
        ? 'replica'
        : null;
  const sync = fields.master_sync_in_progress;
  const replicas: ReplicaEntry[] = [];
  for (const [key, value] of Object.entries(fields)) {
    const m = /^slave(\d+)$/.exec(key);
    if (m) replicas.push(parseReplicaEntry(Number(m[1]), value));
  }
  replicas.sort((a, b) => a.index - b.index);
  return {
    role,
    masterHost: fields.master_host ?? null,
    masterPort: num(fields.master_port),
    masterLinkStatus: fields.master_link_status ?? null,
    masterSyncInProgress: sync === undefined ? null : sync === '1',
    masterLastIoSecondsAgo: num(fields.master_last_io_seconds_ago),
    masterLinkDownSinceSeconds: num(fields.master_link_down_since_seconds),
    slaveReplOffset: num(fields.slave_repl_offset),
    masterReplOffset: num(fields.master_repl_offset),
    connectedSlaves: num(fields.connected_slaves),
    replicas,
  };
}

/** INFO section names as Redis prints them after "# ". */
export const INFO_SECTIONS = [
  'Server',
  'Clients',
  'Memory',
  'Persistence',
  'Stats',
  'Replication',
  'CPU',
  'Modules',
  'Errorstats',
  'Cluster',
  'Keyspace',
  'Keysizes',
  'Commandstats',
  'Latencystats',
] as const;

/** Splits INFO output into its "# Section" parts (lower-case names); text before any header goes to ''. */
export function parseInfoSections(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let name = '';
  let buf: string[] = [];
  const flush = (): void => {
    const fields = parseInfoFields(buf.join('\n'));
    if (Object.keys(fields).length > 0) out[name] = { ...out[name], ...fields };
    buf = [];
  };
  for (const line of splitLines(text)) {
    const m = /^\s*#\s*([A-Za-z]+)\s*$/.exec(line);
    if (m?.[1]) {
      flush();
      name = m[1].toLowerCase();
    } else buf.push(line);
  }
  flush();
  return out;
}
