/**
 * The audit hash chain, pure: canonical JSON (sorted keys, no spaces, nulls kept), each entry's
 * hash = sha256(previous hash + canonical JSON), and a streaming verifier that names the first broken
 * link. A chain detects an edited, deleted or reordered entry; anchoring the head elsewhere is what
 * detects a complete rewrite.
 */
import { createHash } from 'node:crypto';
import type { AuditDraft, AuditEntry } from '../types.ts';

/** The hash before the first entry. */
export const GENESIS = '0'.repeat(64);

/** JSON with object keys sorted at every depth and undefined dropped: one spelling per value. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    const text = JSON.stringify(value);
    return text === undefined ? 'null' : text;
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  const keys = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  const body = keys.map(
    (k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`,
  );
  return `{${body.join(',')}}`;
}

/** sha256 hex of the previous hash followed by the entry's canonical JSON. */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash('sha256').update(prevHash).update(canonical).digest('hex');
}

/** sha256 hex of any value's canonical JSON (used for plans). */
export function digest(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

/** Numbers and stamps a draft as the entry after `head`, and hashes it onto the chain. */
export function sealEntry(
  draft: AuditDraft,
  head: { seq: number; hash: string },
  nowMs: number,
): { entry: AuditEntry; raw: string; hash: string } {
  const entry: AuditEntry = { ...draft, seq: head.seq + 1, ts: new Date(nowMs).toISOString() };
  const raw = canonicalJson(entry);
  return { entry, raw, hash: chainHash(head.hash, raw) };
}

/** The first link that does not hold, in words, with where it is. */
export interface BrokenLink {
  /** 1-based position in the stream. */
  position: number;
  streamId: string;
  seq: number | null;
  reason: string;
}

/** A verification: ok, how many entries were checked, the last good hash, and the first broken link. */
export interface VerifyResult {
  ok: boolean;
  entries: number;
  lastHash: string;
  broken: BrokenLink | null;
}

/**
 * Checks entries one at a time, in stream order, so a chain of any length verifies in constant memory.
 * Stops judging at the first broken link (later links are reported relative to it only).
 */
export class ChainVerifier {
  private prev = GENESIS;
  private count = 0;
  private broken: BrokenLink | null = null;

  /** Feeds the next stored entry: its stream id, its stored JSON text and the hash stored with it. */
  push(streamId: string, raw: string, hash: string): void {
    if (this.broken) return;
    this.count += 1;
    const position = this.count;
    let entry: AuditEntry;
    try {
      entry = JSON.parse(raw) as AuditEntry;
    } catch {
      this.fail(position, streamId, null, 'the entry is not valid JSON (edited)');
      return;
    }
    const seq = typeof entry?.seq === 'number' ? entry.seq : null;
    if (seq !== position) {
      const why =
        seq !== null && seq > position
          ? 'an entry before it is missing (deleted) or the entries were reordered'
          : 'the entries were reordered or an entry was copied';
      this.fail(position, streamId, seq, `expected seq ${position}, found seq ${seq ?? 'none'}: ${why}`);
      return;
    }
    if (canonicalJson(entry) !== raw) {
      this.fail(position, streamId, seq, 'the entry is not in canonical form (edited)');
      return;
    }
    const expected = chainHash(this.prev, raw);
    if (expected !== hash) {
      this.fail(
        position,
        streamId,
        seq,
        'its hash does not match its content and the previous hash (edited)',
      );
      return;
    }
    this.prev = hash;
  }

  /** The verdict; `head` (the stored chain head) also catches entries deleted from the end. */
  finish(head: { seq: number; hash: string } | null): VerifyResult {
    if (!this.broken && head) {
      if (head.seq !== this.count) {
        this.fail(
          this.count + 1,
          '-',
          head.seq,
          `the head records ${head.seq} entries but the stream holds ${this.count} (entries deleted at the end)`,
        );
      } else if (head.hash !== this.prev) {
        this.fail(this.count, '-', head.seq, 'the last hash differs from the recorded head (rewritten)');
      }
    }
    return { ok: this.broken === null, entries: this.count, lastHash: this.prev, broken: this.broken };
  }

  private fail(position: number, streamId: string, seq: number | null, reason: string): void {
    this.broken = { position, streamId, seq, reason };
  }
}
