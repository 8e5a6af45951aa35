/**
 * keySlot against a real redis-server's CLUSTER KEYSLOT, on thousands of generated keys: hash tags,
 * empty tags, nested and unclosed braces, binary-safe byte strings (NUL, 0xff, lone braces) and unicode;
 * plus the hash-tag suggestion, checked against the server too.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suggestHashTag } from '../../src/cluster/hash-tag.ts';
import { hashTagOf, keySlot } from '../../src/cluster/keyslot.ts';
import { type DevCluster, keySlot as devKeySlot } from '../../src/devcluster/index.ts';
import { startStandalone } from '../../src/devcluster/start.ts';

/** A deterministic generator (LCG), so a failure names the same keys every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const PIECES = [
  '{',
  '}',
  '{}',
  '}{',
  '{{',
  '}}',
  'user',
  ':',
  '42',
  'a',
  'é',
  '日本',
  '😀',
  ' ',
  '\t',
  '\\',
  '"',
];

function generatedKeys(count: number): (string | Buffer)[] {
  const next = rng(20_261_130);
  const keys: (string | Buffer)[] = [
    '',
    '{}',
    '{',
    '}',
    '}{',
    'a{}b',
    '{}{a}',
    '{a}{b}',
    '{{a}}',
    'x{a{b}c}y',
    'foo{bar',
    'foo}bar{baz}',
    'user:{42}:name',
    'user:{42}:profile',
    '{user1000}.following',
    '{user1000}.followers',
    '😀{😀}',
    '{日本}語',
  ];
  for (let i = 0; keys.length < count; i++) {
    const kind = i % 3;
    if (kind === 2) {
      const bytes = Buffer.alloc(1 + next(24));
      for (let j = 0; j < bytes.length; j++) {
        const r = next(10);
        bytes[j] = r === 0 ? 0x7b : r === 1 ? 0x7d : r === 2 ? 0 : r === 3 ? 0xff : next(256);
      }
      keys.push(bytes);
    } else {
      let k = '';
      const parts = 1 + next(8);
      for (let j = 0; j < parts; j++) k += PIECES[next(PIECES.length)];
      keys.push(k);
    }
  }
  return keys;
}

let server: DevCluster;
let client: Redis;

beforeAll(async () => {
  server = await startStandalone({ label: 'keyslot', config: [['cluster-enabled', 'yes']] });
  const n = server.node(0);
  client = new Redis({ host: n.host, port: n.port, lazyConnect: true, maxRetriesPerRequest: 1 });
  await client.connect();
}, 30_000);
afterAll(async () => {
  client?.disconnect();
  await server?.stop();
});

async function serverSlots(keys: readonly (string | Buffer)[]): Promise<number[]> {
  const pipe = client.pipeline();
  for (const k of keys) pipe.call('CLUSTER', 'KEYSLOT', k);
  const replies = (await pipe.exec()) ?? [];
  return replies.map(([err, v]) => {
    if (err) throw err;
    return Number(v);
  });
}

describe('keySlot matches CLUSTER KEYSLOT', () => {
  it('on 3,000 generated keys: tags, empty and nested braces, binary bytes, unicode', async () => {
    const keys = generatedKeys(3000);
    expect(keys.filter((k) => Buffer.isBuffer(k)).length).toBeGreaterThan(900);
    const expected = await serverSlots(keys);
    const mismatches = keys.filter((k, i) => keySlot(k) !== expected[i]);
    expect(mismatches).toEqual([]);
    // The dev harness uses the same implementation (one keySlot in src/cluster).
    expect(devKeySlot('user:{42}:name')).toBe(keySlot('user:{42}:name'));
  });

  it('reads a tag only between the first { and the first } after it, and {} means the whole key', () => {
    expect(hashTagOf('user:{42}:name')).toBe('42');
    expect(hashTagOf('a{}b')).toBeNull();
    expect(hashTagOf('{}{a}')).toBeNull();
    expect(hashTagOf('{{a}}')).toBe('{a');
    expect(hashTagOf('foo}bar{baz}')).toBe('baz');
    expect(keySlot('{user1000}.following')).toBe(keySlot('{user1000}.followers'));
  });
});

describe('suggestHashTag', () => {
  it('takes the longest shared leading segments, and the server agrees they then share a slot', async () => {
    const s = suggestHashTag(['order:1001:items', 'order:1001:total', 'order:1001']);
    expect(s).toMatchObject({ tag: 'order:1001', specific: true });
    if (!s || s.tag === null) throw new Error('no suggestion');
    expect(s.keys.map((k) => k.to)).toEqual(['{order:1001}:items', '{order:1001}:total', '{order:1001}']);
    expect(new Set(await serverSlots(s.keys.map((k) => k.to)))).toEqual(new Set([s.slot]));
  });

  it('falls back to a shared id segment, replaces tags that differ, and flags a tag with no id', async () => {
    const id = suggestHashTag(['user:42:cart', 'cart-lock/42']);
    expect(id).toMatchObject({ tag: '42', specific: true });
    const retag = suggestHashTag(['{a}:user:7', '{b}:user:7']);
    expect(retag?.tag).toBe('user:7');
    if (!retag || retag.tag === null) throw new Error('no suggestion');
    expect(new Set(await serverSlots(retag.keys.map((k) => k.to))).size).toBe(1);
    const generic = suggestHashTag(['user:alice', 'user:bob']);
    expect(generic).toMatchObject({ tag: 'user', specific: false });
  });

  it('says nothing for keys already together, and has no tag for keys that share nothing', () => {
    expect(suggestHashTag(['{x}a', '{x}b'])).toBeNull();
    expect(suggestHashTag(['one'])).toBeNull();
    expect(suggestHashTag(['alpha', 'beta'])).toEqual({ tag: null });
  });
});
