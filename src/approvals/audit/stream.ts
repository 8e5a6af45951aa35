/**
 * Reads the audit stream in the queue Redis: in order, in batches (constant memory for any length),
 * newest first for chat, and verified against its recorded head. Never trims, never deletes: writes go
 * through the scripts in requests.ts only.
 */
import type { Redis } from 'ioredis';
import { toApprovalError } from '../errors.ts';
import type { ApprovalKeys } from '../keys.ts';
import type { AuditEntry, StoredEntry } from '../types.ts';
import { ChainVerifier, GENESIS, type VerifyResult } from './chain.ts';

const BATCH = 1000;

/** The recorded chain head (null when nothing was ever appended). */
export async function readHead(
  redis: Redis,
  keys: ApprovalKeys,
): Promise<{ seq: number; hash: string } | null> {
  const [seq, hash] = await redis.hmget(keys.head, 'seq', 'hash').catch((err) => {
    throw toApprovalError(err);
  });
  return seq ? { seq: Number(seq), hash: hash || GENESIS } : null;
}

/** Every stored entry from stream id `from` (inclusive; default the start), in stream order. */
export async function* readEntries(
  redis: Redis,
  keys: ApprovalKeys,
  from = '-',
  batch = BATCH,
): AsyncGenerator<StoredEntry> {
  let start = from;
  for (;;) {
    const rows = await redis.xrange(keys.audit, start, '+', 'COUNT', batch).catch((err) => {
      throw toApprovalError(err);
    });
    for (const [id, fields] of rows) yield toStored(id, fields);
    const last = rows.at(-1);
    if (!last || rows.length < batch) return;
    start = `(${last[0]}`;
  }
}

/** The newest `n` entries (oldest first) that pass `keep`, reading backwards in batches. */
export async function newestEntries(
  redis: Redis,
  keys: ApprovalKeys,
  n: number,
  keep: (e: AuditEntry) => boolean = () => true,
  maxScanned = 20_000,
): Promise<StoredEntry[]> {
  const out: StoredEntry[] = [];
  let end = '+';
  let scanned = 0;
  while (out.length < n && scanned < maxScanned) {
    const rows = await redis.xrevrange(keys.audit, end, '-', 'COUNT', BATCH).catch((err) => {
      throw toApprovalError(err);
    });
    for (const [id, fields] of rows) {
      const stored = toStored(id, fields);
      if (keep(stored.entry)) out.push(stored);
      if (out.length >= n) break;
    }
    scanned += rows.length;
    const last = rows.at(-1);
    if (!last || rows.length < BATCH) break;
    end = `(${last[0]}`;
  }
  return out.reverse();
}

/**
 * Checks the whole chain, entry by entry, and its end against the head read first (entries appended
 * while it runs are left for the next verification).
 */
export async function verifyAudit(redis: Redis, keys: ApprovalKeys): Promise<VerifyResult> {
  const verifier = new ChainVerifier();
  const head = await readHead(redis, keys);
  let seen = 0;
  for await (const stored of readEntries(redis, keys)) {
    if (head && seen >= head.seq && stored.entry.seq > head.seq) break;
    verifier.push(stored.id, stored.raw, stored.hash);
    seen += 1;
  }
  return verifier.finish(head);
}

/** Stream id of the first entry at or after `ms` (stream ids start with the append time in ms). */
export function streamIdAt(ms: number): string {
  return `${Math.max(0, Math.floor(ms))}-0`;
}

function toStored(id: string, fields: string[]): StoredEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(String(fields[i]), String(fields[i + 1]));
  const raw = map.get('entry') ?? '';
  let entry: AuditEntry;
  try {
    entry = JSON.parse(raw) as AuditEntry;
  } catch {
    entry = { seq: -1, ts: '', event: 'refused', actor: '?', outcome: 'unreadable entry' } as AuditEntry;
  }
  return { id, entry, hash: map.get('hash') ?? '', raw };
}
