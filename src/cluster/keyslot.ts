/**
 * Hash slots of keys, exactly as Redis Cluster computes them: CRC16 (XMODEM) of the hash tag, or of the
 * whole key, mod 16384. Binary-safe (a key is its bytes; a string is taken as UTF-8) and pure. The hash
 * tag is the bytes between the first `{` and the first `}` after it, when that is not empty.
 */
import { SLOT_COUNT } from './slots.ts';

const CRC16_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    t[i] = crc;
  }
  return t;
})();

const OPEN = 0x7b; // '{'
const CLOSE = 0x7d; // '}'

/** A key as Redis sees it: its bytes (strings are encoded as UTF-8). */
export type KeyInput = string | Uint8Array;

function bytesOf(key: KeyInput): Uint8Array {
  return typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
}

/** CRC16-XMODEM (poly 0x1021, init 0) of `bytes[start, end)`. */
export function crc16(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0;
  for (let i = start; i < end; i++)
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc;
}

/**
 * The byte range Redis hashes: the hash tag when the key has a non-empty one, else the whole key.
 * `tagged` says which.
 */
export function hashedRange(key: KeyInput): {
  bytes: Uint8Array;
  start: number;
  end: number;
  tagged: boolean;
} {
  const bytes = bytesOf(key);
  const open = bytes.indexOf(OPEN);
  if (open >= 0) {
    const close = bytes.indexOf(CLOSE, open + 1);
    if (close > open + 1) return { bytes, start: open + 1, end: close, tagged: true };
  }
  return { bytes, start: 0, end: bytes.length, tagged: false };
}

/** keySlot of an all-ASCII string without encoding it (chars are bytes); -1 when it is not ASCII. */
function asciiSlot(key: string): number {
  let open = -1;
  let close = -1;
  for (let i = 0; i < key.length; i++) {
    const ch = key.charCodeAt(i);
    if (ch > 0x7f) return -1;
    if (open < 0 && ch === OPEN) open = i;
    else if (open >= 0 && close < 0 && ch === CLOSE) close = i;
  }
  const tagged = open >= 0 && close > open + 1;
  const start = tagged ? open + 1 : 0;
  const end = tagged ? close : key.length;
  let crc = 0;
  for (let i = start; i < end; i++)
    crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ key.charCodeAt(i)) & 0xff]!;
  return crc % SLOT_COUNT;
}

/** The hash slot (0..16383) of `key`, as `CLUSTER KEYSLOT` answers. */
export function keySlot(key: KeyInput): number {
  if (typeof key === 'string') {
    const fast = asciiSlot(key);
    if (fast >= 0) return fast;
  }
  const r = hashedRange(key);
  return crc16(r.bytes, r.start, r.end) % SLOT_COUNT;
}

/** The hash tag Redis uses for `key` (decoded as UTF-8), or null when the whole key is hashed. */
export function hashTagOf(key: KeyInput): string | null {
  const r = hashedRange(key);
  return r.tagged ? Buffer.from(r.bytes.subarray(r.start, r.end)).toString('utf8') : null;
}
