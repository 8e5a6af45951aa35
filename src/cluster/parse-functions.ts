/**
 * Reads a FUNCTION LIST [WITHCODE] reply (RESP2: one flat [field, value, ...] array per library) into
 * FunctionLibrary values, keeping a sha256 digest of each library's code instead of the code. Pure and
 * total: anything that is not a library entry is skipped, never thrown on.
 */
import { createHash } from 'node:crypto';
import type { FunctionLibrary } from './types.ts';

/** Field -> value of one flat [field, value, ...] array. */
function fields(entry: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(entry)) return out;
  for (let i = 0; i + 1 < entry.length; i += 2) {
    const k = entry[i];
    const key = Buffer.isBuffer(k) ? k.toString('utf8') : k;
    if (typeof key === 'string') out.set(key, entry[i + 1]);
  }
  return out;
}

const text = (v: unknown): string =>
  Buffer.isBuffer(v) ? v.toString('utf8') : typeof v === 'string' ? v : '';

/** The libraries of a FUNCTION LIST reply, sorted by name; [] for an empty or unreadable reply. */
export function parseFunctionList(reply: unknown): FunctionLibrary[] {
  if (!Array.isArray(reply)) return [];
  const out: FunctionLibrary[] = [];
  for (const entry of reply) {
    const f = fields(entry);
    const name = text(f.get('library_name'));
    if (!name) continue;
    const fns = Array.isArray(f.get('functions')) ? (f.get('functions') as unknown[]) : [];
    const code = f.get('library_code');
    out.push({
      name,
      engine: text(f.get('engine')),
      functions: fns.map((fn) => text(fields(fn).get('name'))).filter((n) => n !== ''),
      codeSha:
        code === undefined
          ? ''
          : createHash('sha256')
              .update(Buffer.isBuffer(code) ? code : text(code))
              .digest('hex'),
    });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** True when both hold exactly the same libraries (names and code digests). */
export function sameLibraries(a: readonly FunctionLibrary[], b: readonly FunctionLibrary[]): boolean {
  if (a.length !== b.length) return false;
  const key = (l: FunctionLibrary) => `${l.name}\u0000${l.codeSha}`;
  const set = new Set(a.map(key));
  return b.every((l) => set.has(key(l)));
}

/** "mylib (2 functions), other (1 function)": libraries in words, at most `max` named. */
export function librariesText(libs: readonly FunctionLibrary[], max = 6): string {
  const named = libs
    .slice(0, max)
    .map((l) => `${l.name} (${l.functions.length} function${l.functions.length === 1 ? '' : 's'})`);
  return libs.length > max ? `${named.join(', ')} and ${libs.length - max} more` : named.join(', ');
}
