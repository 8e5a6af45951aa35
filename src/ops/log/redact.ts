/**
 * Secrets out of everything the process writes: token-shaped text inside any string, and the value under
 * any secret-named key at any depth (pino's own `redact` paths match fixed depths only). Bounded: a deep,
 * wide or cyclic object is cut at fixed limits, never walked without end. Never throws, never mutates.
 */

const SECRET_PATTERNS: [RegExp, string][] = [
  [/xox[abpres]-[A-Za-z0-9-]+/g, 'xox?-[redacted]'],
  [/xapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]'],
  [/https:\/\/hooks\.slack(?:-gov)?\.com\/[^\s"'<>]+/g, '[redacted response_url]'],
  [/(response_url["'=:\s]+)[^\s&"',}]+/gi, '$1[redacted]'],
  [/((?:password|passwd|requirepass|masterauth|secret)["'=:\s]+)[^\s&"',}]+/gi, '$1[redacted]'],
  [/((?:Bearer|Basic)\s+)[A-Za-z0-9._~+/-]+=*/g, '$1[redacted]'],
  // The password in a URL's user info: redis://user:secret@host, rediss://:secret@host.
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+@/gi, '$1[redacted]@'],
];

/** A key whose value is a secret whatever it holds (matched on the whole key, any case). */
const SECRET_KEY =
  /^(?:.*(?:password|passwd|secret|token)|pass|pwd|authorization|proxy-authorization|cookie|set-cookie|response_?urls?|reply_?url|api[-_]?key)$/i;

/** How far {@link redactDeep} walks: nesting depth, values visited in total, and characters per string. */
export interface RedactLimits {
  depth: number;
  values: number;
  stringLength: number;
}

export const DEFAULT_REDACT_LIMITS: RedactLimits = { depth: 10, values: 2000, stringLength: 16_384 };

/** Replaces Slack tokens, response_urls, passwords, bearer tokens and URL passwords in `text`. */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [re, repl] of SECRET_PATTERNS) out = out.replace(re, repl);
  return out;
}

/** True when a value stored under `key` must never be written out. */
export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/**
 * A copy of `value` safe to log: secret-named keys hold '[redacted]' at any depth, strings are scrubbed
 * (and cut past `stringLength`), errors become `{ type, message, code, stack, ... }`, and whatever lies
 * past `depth` or the `values` budget is replaced by a marker saying so.
 */
export function redactDeep(value: unknown, limits: RedactLimits = DEFAULT_REDACT_LIMITS): unknown {
  let budget = limits.values;
  const onPath = new Set<object>();

  const text = (s: string): string =>
    scrubSecrets(
      s.length > limits.stringLength
        ? `${s.slice(0, limits.stringLength)}…[${s.length - limits.stringLength} more chars]`
        : s,
    );

  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return text(v);
    if (typeof v === 'bigint') return v.toString();
    if (v === null || typeof v !== 'object') return v;
    if (v instanceof Date) return v;
    if (onPath.has(v)) return '[circular]';
    if (depth >= limits.depth) return '[too deep]';
    if (ArrayBuffer.isView(v)) return `[${v.byteLength} bytes]`;
    onPath.add(v);
    try {
      if (Array.isArray(v)) return walkList(v, depth);
      if (v instanceof Map)
        return walkEntries(
          [...v.entries()].map(([k, x]) => [String(k), x]),
          depth,
        );
      if (v instanceof Set) return walkList([...v], depth);
      return walkEntries(ownEntries(v), depth);
    } finally {
      onPath.delete(v);
    }
  };

  const walkList = (list: readonly unknown[], depth: number): unknown[] => {
    const out: unknown[] = [];
    for (const item of list) {
      if (budget-- <= 0) {
        out.push(`[${list.length - out.length} more]`);
        break;
      }
      out.push(walk(item, depth + 1));
    }
    return out;
  };

  const walkEntries = (entries: Iterable<[string, unknown]>, depth: number): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [key, item] of entries) {
      if (budget-- <= 0) {
        out['[cut]'] = 'more keys left out';
        break;
      }
      out[key] = isSecretKey(key) ? '[redacted]' : walk(item, depth + 1);
    }
    return out;
  };

  return walk(value, 0);
}

/** An object's own enumerable entries, read lazily (a walk that stops early reads no more); errors first give type, message and stack. */
function* ownEntries(obj: object): Generator<[string, unknown]> {
  if (obj instanceof Error) {
    yield ['type', obj.name];
    yield ['message', obj.message];
    if (obj.stack) yield ['stack', obj.stack];
  }
  for (const key in obj) if (Object.hasOwn(obj, key)) yield [key, readKey(obj, key)];
}

/** Reads a property without letting a throwing getter escape. */
function readKey(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return '[unreadable]';
  }
}
