/**
 * Suggests a hash tag that puts several keys in one slot, taken from what the keys really share (their
 * longest common leading segments, else a run of segments they all contain, ids preferred). Pure; every
 * suggestion is checked with keySlot before it is returned, so it never proposes keys that still differ.
 */
import { hashTagOf, keySlot } from './keyslot.ts';

/** A tag and the keys rewritten to use it. */
export interface TagSuggestion {
  tag: string;
  /** Each key as given, and renamed to carry the tag. */
  keys: { from: string; to: string }[];
  /** The one slot every renamed key hashes to. */
  slot: number;
  /** False when the tag names no id (e.g. "user"): every key of that kind would share one slot. */
  specific: boolean;
}

const SEPARATORS = /[:./|#]/;

/** Splits a key into segments and the separators between them ("a:b/c" -> [a, b, c], [":", "/"]). */
function segments(key: string): { parts: string[]; seps: string[] } {
  const parts: string[] = [];
  const seps: string[] = [];
  let cur = '';
  for (const ch of key) {
    if (SEPARATORS.test(ch)) {
      parts.push(cur);
      seps.push(ch);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return { parts, seps };
}

/** The key without the braces of its current hash tag ("{user:1}:a" -> "user:1:a"). */
function untagged(key: string): string {
  if (hashTagOf(key) === null) return key;
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return key.slice(0, open) + key.slice(open + 1, close) + key.slice(close + 1);
}

const usable = (tag: string) => tag.length > 0 && !tag.includes('{') && !tag.includes('}');

/** Longest run of leading segments shared by every key, joined as the first key writes it. */
function commonPrefix(keys: readonly string[]): string {
  const split = keys.map(segments);
  const first = split[0]!;
  let n = 0;
  while (n < first.parts.length && split.every((s) => s.parts[n] === first.parts[n])) {
    // A separator must match too, except after the last shared segment.
    if (n > 0 && !split.every((s) => s.seps[n - 1] === first.seps[n - 1])) break;
    n++;
  }
  let out = '';
  for (let i = 0; i < n; i++) out += (i > 0 ? (first.seps[i - 1] ?? '') : '') + (first.parts[i] ?? '');
  return out;
}

/** Most segments of a key considered (runs are quadratic in it). */
const MAX_SEGMENTS = 32;

/** Every run of consecutive segments of `key`, written with its own separators. */
function runs(key: string): Set<string> {
  const { parts, seps } = segments(key);
  const n = Math.min(parts.length, MAX_SEGMENTS);
  const out = new Set<string>();
  for (let i = 0; i < n; i++) {
    let run = '';
    for (let j = i; j < n; j++) {
      run += (j > i ? (seps[j - 1] ?? '') : '') + (parts[j] ?? '');
      if (run.length > 0) out.add(run);
    }
  }
  return out;
}

/** A run of segments every key contains: one holding a digit first (an id), then the longest. */
function commonRun(keys: readonly string[]): string {
  const sets = keys.map(runs);
  const shared = [...sets[0]!].filter((r) => sets.every((s) => s.has(r)));
  shared.sort((a, b) => Number(/\d/.test(b)) - Number(/\d/.test(a)) || b.length - a.length);
  return shared[0] ?? '';
}

/** Wraps the first occurrence of `tag` in `key` in braces, else prefixes "{tag}". */
function retag(key: string, tag: string): string {
  const plain = untagged(key);
  const at = plain.indexOf(tag);
  const inPlace = at >= 0 ? `${plain.slice(0, at)}{${tag}}${plain.slice(at + tag.length)}` : '';
  if (inPlace && hashTagOf(inPlace) === tag) return inPlace;
  return `{${tag}}${plain}`;
}

/**
 * A hash tag that co-locates `keys`, or null when they already share a slot (or there are fewer than
 * two). When the keys share nothing, the tag is null and the caller should ask for the id that ties them.
 */
export function suggestHashTag(keys: readonly string[]): TagSuggestion | { tag: null } | null {
  const distinct = [...new Set(keys)];
  if (distinct.length < 2) return null;
  if (new Set(distinct.map((k) => keySlot(k))).size === 1) return null;
  const plain = distinct.map(untagged);
  // An id-bearing tag first: a bare word like "user" would put every key of that kind in one slot.
  const candidates = [commonPrefix(plain), commonRun(plain)]
    .filter(usable)
    .sort((a, b) => Number(/\d/.test(b)) - Number(/\d/.test(a)));
  for (const tag of candidates) {
    const renamed = distinct.map((from) => ({ from, to: retag(from, tag) }));
    const slots = new Set(renamed.map((r) => keySlot(r.to)));
    if (slots.size !== 1) continue;
    return { tag, keys: renamed, slot: keySlot(renamed[0]!.to), specific: /\d/.test(tag) };
  }
  return { tag: null };
}
