/** buildIdResolver: full ids as they are, cleaning, prefixes matched against every full id in the snapshot. */
import { describe, expect, it } from 'vitest';
import { buildIdResolver } from '../../src/cluster/model-ids.ts';
import { snapshotFromPaste } from '../../src/cluster/paste.ts';

const A = `abc${'1'.repeat(37)}`;
const B = `abd${'2'.repeat(37)}`;
const C = `c${'3'.repeat(39)}`;

// C appears only as B's master id: its full form is known from that column alone.
const PASTE = `${A} 10.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-16383
${B} 10.0.0.2:7000@17000 slave ${C} 0 1700000000000 2 connected
`;

describe('buildIdResolver', () => {
  const ids = buildIdResolver(snapshotFromPaste(PASTE));

  it('a full id resolves to itself, cleaned of case and a trailing ellipsis', () => {
    expect(ids.resolve(A)).toBe(A);
    expect(ids.resolve(A.toUpperCase())).toBe(A);
    expect(ids.resolve(`${B}...`)).toBe(B);
    expect(ids.isComplete(A)).toBe(true);
  });

  it('a unique prefix resolves to the full id, even one seen only as a master id', () => {
    expect(ids.resolve('abc1...')).toBe(A);
    expect(ids.resolve('C333…')).toBe(C);
    expect(ids.isComplete('c333...')).toBe(true);
  });

  it('an ambiguous prefix stays as printed (cleaned) and is reported', () => {
    expect(ids.resolve('ab...')).toBe('ab');
    expect(ids.isComplete('ab...')).toBe(false);
    expect(ids.ambiguous).toEqual(['ab']);
  });

  it('an unknown prefix stays as printed; an empty id stays empty', () => {
    expect(ids.resolve('ffff...')).toBe('ffff');
    expect(ids.isComplete('ffff')).toBe(false);
    expect(ids.resolve('...')).toBe('');
  });

  it('full ids alone: no prefix matching, no ambiguity', () => {
    const only = buildIdResolver(snapshotFromPaste(PASTE));
    expect(only.resolve(B)).toBe(B);
    expect(only.resolve(C)).toBe(C);
    expect(only.ambiguous).toEqual([]);
  });
});
