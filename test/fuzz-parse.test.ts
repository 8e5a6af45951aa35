import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanPastedText } from '../src/cluster/clean-text.ts';
import { parseCheckOutput } from '../src/cluster/parse-check.ts';
import { parseInfoFields, readReplication } from '../src/cluster/parse-info.ts';
import { parseClusterNodes } from '../src/cluster/parse-nodes.ts';
import { looksLikeClusterOutput, snapshotFromPaste } from '../src/cluster/paste.ts';
import type { ClusterSnapshot } from '../src/cluster/types.ts';
import { derived, real } from './paste-fixtures.ts';

const RUNS = { numRuns: 300, seed: 20260101 };

const SOURCES = [
  real('migrating-nodes-n1.txt'),
  real('down-nodes-n1.txt'),
  real('healthy-nodes-conf-n1.txt'),
  real('healthy-cluster-info-n1.txt'),
  real('healthy-info-replication-n4.txt'),
  real('migrating-check.txt'),
  derived('multi-node-session.txt'),
  derived('slack-fenced-nodes.txt'),
  derived('json-log-nodes.txt'),
  derived('abbreviated-nodes.txt'),
  real('healthy-xtrace-n2.txt'),
];

const GARBAGE = [
  '\u0000',
  '\u001b[31m',
  '```',
  '&gt;',
  '> ',
  '**',
  '\\n',
  '"',
  "'",
  '@',
  ':',
  ',',
  '[',
  ']',
  '->-',
  '-<-',
  '…',
  '漢字',
  '🔥',
  '\u200b',
  '\t',
  '99999999999999999999999',
  '-1',
  '{',
  '}',
  '|',
  '<http://x|x>',
];

type Mutation =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; text: string }
  | { kind: 'cut'; at: number }
  | { kind: 'dupLine'; line: number }
  | { kind: 'swapFields'; line: number; a: number; b: number }
  | { kind: 'hugeNumber'; line: number; field: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(...GARBAGE),
      fc.string({ maxLength: 12 }),
      fc.string({ unit: 'binary', maxLength: 6 }),
    ),
  }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('dupLine' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swapFields' as const), line: fc.nat(), a: fc.nat(12), b: fc.nat(12) }),
  fc.record({ kind: fc.constant('hugeNumber' as const), line: fc.nat(), field: fc.nat(10) }),
);

function editLine(text: string, line: number, f: (l: string) => string): string {
  const lines = text.split('\n');
  const i = line % lines.length;
  lines[i] = f(lines[i] ?? '');
  return lines.join('\n');
}

function apply(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'delete': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + m.len);
    }
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'cut':
      return text.slice(0, m.at % (text.length + 1));
    case 'dupLine':
      return editLine(text, m.line, (l) => `${l}\n${l}`);
    case 'swapFields':
      return editLine(text, m.line, (l) => {
        const f = l.split(' ');
        const a = m.a % Math.max(1, f.length);
        const b = m.b % Math.max(1, f.length);
        [f[a], f[b]] = [f[b] ?? '', f[a] ?? ''];
        return f.join(' ');
      });
    case 'hugeNumber':
      return editLine(text, m.line, (l) => {
        const f = l.split(' ');
        f[m.field % Math.max(1, f.length)] = '123456789012345678901234567890';
        return f.join(' ');
      });
  }
}

const mutated = fc
  .tuple(fc.constantFrom(...SOURCES), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([src, ms]) => ms.reduce(apply, src));

function checkBounds(text: string, s: ClusterSnapshot): void {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  expect(s.source).toBe('paste');
  expect(s.observations.length).toBeLessThanOrEqual(lineCount);
  for (const issue of s.parseIssues) {
    expect(issue.line).toBeGreaterThanOrEqual(1);
    expect(issue.line).toBeLessThanOrEqual(lineCount);
  }
  for (const o of s.observations) {
    for (const n of o.nodes?.nodes ?? []) {
      expect(n.lineNo).toBeGreaterThanOrEqual(1);
      expect(n.lineNo).toBeLessThanOrEqual(lineCount);
      // a line read leniently keeps an opaque id as written ("n1"); every other id is hex
      if (!n.odd?.includes('opaque-id')) expect(n.id).toMatch(/^[0-9a-f]{4,40}$/);
      expect(Number.isSafeInteger(n.configEpoch)).toBe(true);
      for (const r of n.slots) {
        expect(r.start).toBeGreaterThanOrEqual(0);
        expect(r.end).toBeLessThanOrEqual(16383);
        expect(r.start).toBeLessThanOrEqual(r.end);
      }
    }
  }
  expect(s.warnings.every((w) => typeof w === 'string' && !w.startsWith('PASTE_READ_FAILED'))).toBe(true);
}

describe('fuzz: mutated real dumps', () => {
  it('snapshotFromPaste never throws, stays within bounds and never hits its internal-error path', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        checkBounds(text, snapshotFromPaste(text));
      }),
      RUNS,
    );
  });

  it('the lower-level parsers never throw on the same inputs', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        const v = parseClusterNodes(text);
        expect(v.nodes.length + v.issues.length).toBeLessThanOrEqual(
          text.split(/\r\n|\r|\n/).length * 2 + 16384,
        );
        parseCheckOutput(text);
        readReplication(parseInfoFields(text));
        const c = cleanPastedText(text);
        expect(c.lineMap.length).toBe(c.text.split('\n').length);
        expect(typeof looksLikeClusterOutput(text)).toBe('boolean');
      }),
      RUNS,
    );
  });

  it('a damaged line never costs the other lines of a dump', () => {
    const base = real('migrating-nodes-n1.txt').trimEnd();
    const lines = base.split('\n');
    const original = parseClusterNodes(base).nodes;
    const lineMutation = fc.record({
      line: fc.nat(lines.length - 1),
      ms: fc.array(mutation, { minLength: 1, maxLength: 4 }),
    });
    fc.assert(
      fc.property(lineMutation, ({ line, ms }) => {
        const damaged = ms.reduce(apply, lines[line] ?? '').replace(/[\r\n]/g, ' ');
        const text = lines.map((l, i) => (i === line ? damaged : l)).join('\n');
        const parsed = parseClusterNodes(text).nodes;
        for (const node of original) {
          if (node.lineNo === line + 1) continue;
          expect(parsed.find((p) => p.lineNo === node.lineNo)).toEqual(node);
        }
      }),
      RUNS,
    );
  });
});

describe('pathological input', () => {
  it('long repetitive lines and huge line counts finish and are cut with a warning', () => {
    const cases = [
      'a:'.repeat(20_000),
      'a@'.repeat(20_000),
      '<http:'.repeat(7_000),
      'a.'.repeat(20_000),
      '> '.repeat(20_000),
      `${'4c4b3700f8a8db461c45c7a992bf8348b9c2ddbd '.repeat(1_000)}`,
      `slots:${' '.repeat(30_000)}x`,
      `{"a":"${'\\n'.repeat(20_000)}"}`,
    ];
    for (const text of cases) {
      const s = snapshotFromPaste(text);
      expect(s.observations.length).toBeLessThanOrEqual(1);
      expect(looksLikeClusterOutput(text)).toBe(false);
    }
    const many = snapshotFromPaste('x\n'.repeat(60_000));
    expect(many.warnings).toContain('the paste has more than 50000 lines; only the first 50000 were read');
  });
});
