import { describe, expect, it } from 'vitest';
import { formatCount, naturalCompare } from '../../src/cluster/util.ts';

describe('formatCount', () => {
  it('writes what en-US toLocaleString writes, for counts and the odd fraction', () => {
    const samples = [
      0, 1, 12, 999, 1000, 16384, 100000, 1234567, 9007199254740991, -1, -1234, 0.5, 1234.5678, 2.0005,
      -0.0001,
    ];
    for (let i = 0; i < 200; i++) samples.push((i * 2654435761 * 7919) % 10 ** (i % 16));
    for (const n of samples) expect(formatCount(n), String(n)).toBe(n.toLocaleString('en-US'));
  });
  it('leaves what is not a finite number as String() writes it', () => {
    expect(formatCount(Number.NaN)).toBe('NaN');
    expect(formatCount(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});

describe('naturalCompare', () => {
  const collator = new Intl.Collator('en', { numeric: true });
  const sorted = (xs: string[], cmp: (a: string, b: string) => number) => [...xs].sort(cmp);

  it('orders addresses, host names and node labels as the ICU numeric collation does', () => {
    const names = [
      '10.0.0.10:7000',
      '10.0.0.2:7000',
      '10.0.0.2:7001',
      '10.0.0.2:10000',
      '127.0.0.1:7000',
      '127.189.3.12:7000',
      '127.189.3.2:7000',
      'redis-10.prod:6379',
      'redis-9.prod:6379',
      'Redis-8.prod:6379',
      'node1',
      'node10',
      'node2',
      'b',
      'A',
      'a',
      '2',
      '010',
      '',
    ];
    expect(sorted(names, naturalCompare)).toEqual(
      sorted(names, (a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)),
    );
  });

  it('is a total order: antisymmetric, and 0 only for equal strings', () => {
    const xs = ['a1', 'A1', 'a01', 'a1b', 'a10', 'a', '1', '01', '001'];
    for (const a of xs)
      for (const b of xs) {
        expect(Math.sign(naturalCompare(a, b)) + Math.sign(naturalCompare(b, a))).toBe(0);
        if (a !== b) expect(naturalCompare(a, b)).not.toBe(0);
      }
  });
});
