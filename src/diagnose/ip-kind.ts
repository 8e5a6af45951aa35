/** Classifies announced addresses (loopback, unspecified, private, public) and reads zones from hostnames. */

export type IpKind = 'empty' | 'unspecified' | 'loopback' | 'link-local' | 'private' | 'public' | 'hostname';

function v4(ip: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

// ipKind is pure and the rules ask about the same few addresses again and again (once per peer line at
// scale), so answers are remembered per distinct string; the cache is dropped whole when it grows large.
const KIND_CACHE = new Map<string, IpKind>();
const KIND_CACHE_MAX = 50_000;

/** What kind of address a node announces; IPv4-mapped IPv6 is judged as IPv4. */
export function ipKind(raw: string): IpKind {
  const hit = KIND_CACHE.get(raw);
  if (hit !== undefined) return hit;
  const kind = classify(raw);
  if (KIND_CACHE.size >= KIND_CACHE_MAX) KIND_CACHE.clear();
  KIND_CACHE.set(raw, kind);
  return kind;
}

function classify(raw: string): IpKind {
  const ip = raw
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (ip === '') return 'empty';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  const q = v4(mapped?.[1] ?? ip);
  if (q) {
    const [a = 0, b = 0] = q;
    if (q.every((p) => p === 0)) return 'unspecified';
    if (a === 127) return 'loopback';
    if (a === 169 && b === 254) return 'link-local';
    if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
    if (a === 100 && b >= 64 && b <= 127) return 'private';
    return 'public';
  }
  if (!ip.includes(':')) return 'hostname';
  if (ip === '::') return 'unspecified';
  if (ip === '::1') return 'loopback';
  if (/^fe[89ab]/.test(ip)) return 'link-local';
  if (/^f[cd]/.test(ip)) return 'private';
  return 'public';
}

/** True for addresses no other machine can use to reach the node (loopback, 0.0.0.0, ::). */
export function isLocalOnly(kind: IpKind): boolean {
  return kind === 'loopback' || kind === 'unspecified';
}

/**
 * Availability zone named in a hostname, conservatively: an AWS zone id ("use1-az1") or zone name
 * ("us-east-1a") as a whole dot/dash-delimited token. Null when the hostname names none.
 */
export function zoneOf(hostname: string | null): string | null {
  if (!hostname) return null;
  const h = hostname.toLowerCase();
  const id = /(?:^|[.-])([a-z]{2,4}\d{1,2}-az\d{1,2})(?=[.-]|$)/.exec(h);
  if (id?.[1]) return id[1];
  const name = /(?:^|[.])((?:[a-z]{2}-)(?:[a-z]+-){1,2}\d[a-z])(?=[.]|$)/.exec(h);
  return name?.[1] ?? null;
}
