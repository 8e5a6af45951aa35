/**
 * Small pure helpers for text the whole core prints and sorts. They stand in for `toLocaleString('en-US')`
 * and `Intl.Collator('en', { numeric: true })`: the first use of either loads ICU's locale data, which cost
 * a command-line start 8 to 27 ms (measured on Node 20) before it had printed anything. What they do is
 * narrow and fixed: thousands separators for counts, and the natural order of addresses and names.
 */

/** `n` with a comma between groups of three digits, as en-US prints it: 16384 → "16,384", -1234.5 → "-1,234.5". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  // Like en-US: at most three decimals, rounded.
  const rounded = Number.isInteger(n) ? Math.abs(n) : Math.round(Math.abs(n) * 1000) / 1000;
  const sign = n < 0 ? '-' : '';
  const [whole = '', fraction] = String(rounded).split('.');
  // Exponent notation (above 1e21) is left as String() writes it.
  if (!/^\d+$/.test(whole)) return String(n);
  let grouped = '';
  for (let end = whole.length; end > 0; end -= 3) {
    const part = whole.slice(Math.max(0, end - 3), end);
    grouped = grouped === '' ? part : `${part},${grouped}`;
  }
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** Sort rank of a character outside a digit run: punctuation and spaces, then letters (digits between). */
function rank(c: number): number {
  const lower = c >= 65 && c <= 90 ? c + 32 : c;
  return lower >= 97 && lower <= 122 ? 2 : c > 127 ? 3 : 0;
}

/**
 * Natural order: runs of digits compare by value ("10.0.0.2" before "10.0.0.10", "node9" before
 * "node10"), letters without regard to case, punctuation before digits before letters; strings equal in
 * that order fall back to their first difference, lower case first, so the order is total and stable.
 * Returns <0, 0 or >0.
 */
export function naturalCompare(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      let ei = i;
      let ej = j;
      while (ei < a.length && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < b.length && isDigit(b.charCodeAt(ej))) ej++;
      // Compare by value without Number(): leading zeros off, then length, then digits.
      let si = i;
      let sj = j;
      while (si < ei - 1 && a.charCodeAt(si) === 48) si++;
      while (sj < ej - 1 && b.charCodeAt(sj) === 48) sj++;
      const byLength = ei - si - (ej - sj);
      if (byLength !== 0) return byLength;
      for (let k = 0; k < ei - si; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) {
      const ra = isDigit(ca) ? 1 : rank(ca);
      const rb = isDigit(cb) ? 1 : rank(cb);
      if (ra !== rb) return ra - rb;
      const la = ca >= 65 && ca <= 90 ? ca + 32 : ca;
      const lb = cb >= 65 && cb <= 90 ? cb + 32 : cb;
      if (la !== lb) return la - lb;
    }
    i++;
    j++;
  }
  const rest = a.length - i - (b.length - j);
  if (rest !== 0) return rest;
  return tieBreak(a, b);
}

/** Strings equal but for case or leading zeros: the first difference decides, lower case first (as ICU). */
function tieBreak(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const ca = a.charCodeAt(k);
    const cb = b.charCodeAt(k);
    if (ca === cb) continue;
    const sameLetter = rank(ca) === 2 && (ca | 32) === (cb | 32);
    return sameLetter ? cb - ca : ca - cb;
  }
  return a.length - b.length;
}
