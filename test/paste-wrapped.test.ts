/**
 * Pastes copied from a terminal that hard-wrapped long lines (40, 80, 100, 120 columns): built here from the
 * recorded scenarios, they must diagnose exactly as the unwrapped paste does, and a paste that was not
 * wrapped must never have lines rejoined.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanPastedText, stripAnsi } from '../src/cluster/clean-text.ts';
import { looksLikeClusterOutput, snapshotFromPaste } from '../src/cluster/paste.ts';
import { unwrapLines } from '../src/cluster/unwrap.ts';
import { diagnosePaste } from '../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../src/diagnose/types.ts';
import { FIXTURES, scenarioNames, scenarioPaste, slackMangle } from './diagnose/scenario-fixtures.ts';

const at = { takenAt: '2026-01-01T00:00:00.000Z' };
const WIDTHS = [30, 40, 80, 100, 120] as const;

/** What a terminal `width` columns wide shows: colours rendered away, every long line cut into rows. */
function terminalWrap(text: string, width: number, opts: { stripBlanks?: boolean } = {}): string {
  const rows = stripAnsi(text)
    .replace(/\n$/, '')
    .split('\n')
    .flatMap((l) => (l === '' ? [''] : (l.match(new RegExp(`.{1,${width}}`, 'g')) ?? [])))
    .map((r) => (opts.stripBlanks ? r.trimEnd() : r));
  return `${rows.join('\n')}\n`;
}

/** What a diagnosis concludes, without line numbers and wording that point into the paste. */
function verdict(d: Diagnosis) {
  return {
    state: d.state,
    rootCauses: d.rootCauses.map((c) => ({ code: c.code, slots: c.slots, nodes: c.nodes })),
    findings: d.findings.map((f) => ({ code: f.code, severity: f.severity, slots: f.slots, nodes: f.nodes })),
  };
}

const wrapWarning = (d: { warnings: string[] }) => d.warnings.find((w) => /wrapped at \d+ columns/.test(w));

const VARIANTS: [string, (t: string, w: number) => string][] = [
  ['as copied', (t, w) => terminalWrap(t, w)],
  ['trailing blanks stripped by the copy', (t, w) => terminalWrap(t, w, { stripBlanks: true })],
  ['in a Slack code fence', (t, w) => slackMangle(terminalWrap(t, w))],
  [
    'in a Slack code fence, blanks stripped',
    (t, w) => slackMangle(terminalWrap(t, w, { stripBlanks: true })),
  ],
];

describe('recorded scenarios wrapped by a terminal diagnose as the unwrapped paste', () => {
  for (const name of scenarioNames()) {
    const paste = scenarioPaste(name);
    const expected = verdict(diagnosePaste(paste, at));
    for (const width of WIDTHS) {
      const wraps = stripAnsi(paste)
        .split('\n')
        .some((l) => l.length > width);
      it(`${name} at ${width} columns`, () => {
        for (const [label, wrap] of VARIANTS) {
          const d = diagnosePaste(wrap(paste, width), at);
          expect(verdict(d), label).toEqual(expected);
          expect(
            d.warnings.some((w) => /could not be fully read|not cluster output/.test(w)),
            label,
          ).toBe(false);
          if (wraps)
            expect(wrapWarning(d), label).toMatch(new RegExp(`wrapped at ${width} columns and rejoined`));
          else expect(wrapWarning(d), label).toBeUndefined();
        }
      });
    }
  }
});

describe('rejoining decides the separator from the exact width', () => {
  const node = (slots: string) =>
    `1c0a71855b504c0a1f1db66727f344f830083c0b 127.189.3.1:7000@17000 myself,master - 0 1795314955000 1 connected ${slots}`;
  const rejoin = (rows: string[]) => {
    const s = snapshotFromPaste(`${rows.join('\n')}\n`, at);
    return { s, nodes: s.observations[0]?.nodes?.nodes ?? [] };
  };

  it('a slot range cut in the middle ("0-54" + "60") is rejoined with no blank: 0-5460', () => {
    const a = node('0-5460 5462').replace('myself,', '');
    const b = node('10923-16383').replace('1c0a7185', 'e5ecf7b8').replace('myself,', '');
    const w = a.indexOf('0-54') + 4; // the terminal was exactly this wide
    const rows = [a, b].flatMap((l) => l.match(new RegExp(`.{1,${w}}`, 'g')) ?? []);
    expect(rows.map((r) => (r.length === w ? r.slice(-4) : r))).toEqual([
      '0-54',
      '60 5462',
      '1092',
      '3-16383',
    ]);
    const { s, nodes } = rejoin(rows);
    expect(s.parseIssues).toEqual([]);
    expect(nodes.map((n) => n.slots)).toEqual([
      [
        { start: 0, end: 5460 },
        { start: 5462, end: 5462 },
      ],
      [{ start: 10923, end: 16383 }],
    ]);
  });

  it('a cut at a blank keeps one blank, also when the copy dropped the trailing one', () => {
    const line = node('0-5460');
    const space = line.lastIndexOf(' ') + 1; // row 1 ends with the blank before "0-5460"
    for (const strip of [false, true]) {
      const rows = [line.slice(0, space), line.slice(space)].map((r) => (strip ? r.trimEnd() : r));
      const second = node('5461-10922').replace('1c0a7185', 'e5ecf7b8').replace('myself,', '');
      const { s, nodes } = rejoin([...rows, second.slice(0, space), second.slice(space)]);
      expect(s.parseIssues).toEqual([]);
      expect(nodes.map((n) => n.slots)).toEqual([[{ start: 0, end: 5460 }], [{ start: 5461, end: 10922 }]]);
      expect(wrapWarning(s)).toBe(
        `2 lines were wrapped at ${space} columns and rejoined (starting at lines 1, 3): if the terminal can be widened, a fresh copy is safer`,
      );
    }
  });

  it('equal-length lines that each read on their own are not rejoined', () => {
    const a = node('0-5460');
    const b = a.replace('1c0a7185', 'e5ecf7b8').replace('myself,', '');
    const c = a.replace('1c0a7185', '460d69c3').replace('myself,', '');
    const s = snapshotFromPaste(`${[a, b, c].join('\n')}\n`, at);
    expect(wrapWarning(s)).toBeUndefined();
    expect(s.observations[0]?.nodes?.nodes).toHaveLength(3);
  });

  it('prose of one width after a node line is not glued to it', () => {
    const a = node('0-5460');
    const prose = 'x'.repeat(a.length);
    const s = snapshotFromPaste(`${[a, prose, prose, 'thanks'].join('\n')}\n`, at);
    expect(wrapWarning(s)).toBeUndefined();
    expect(s.observations[0]?.nodes?.nodes[0]?.slots).toEqual([{ start: 0, end: 5460 }]);
  });
});

describe('looksLikeClusterOutput sees a wrapped paste', () => {
  it('CLUSTER NODES alone at 40 columns, where no row holds an id and its address together', () => {
    const nodes = scenarioPaste('healthy', { check: false, only: ['127.189.3.1:7000'] })
      .split('\n')
      .filter((l) => /^[0-9a-f]{40} /.test(l))
      .join('\n');
    const wrapped = terminalWrap(nodes, 40);
    expect(looksLikeClusterOutput(nodes)).toBe(true);
    expect(looksLikeClusterOutput(wrapped)).toBe(true);
    expect(looksLikeClusterOutput(slackMangle(wrapped))).toBe(true);
    expect(looksLikeClusterOutput(`${'deadbeef'.repeat(5)}\n${'x'.repeat(40)}\n${'y'.repeat(40)}\nok`)).toBe(
      false,
    );
  });
});

function fixtureFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) return fixtureFiles(p);
    return /\.(txt|conf)$/.test(f) ? [p] : [];
  });
}

describe('a paste that was not wrapped is never rejoined', () => {
  const unchanged = (text: string) => {
    const c = cleanPastedText(text);
    const lines = c.text.split('\n').map((t, i) => ({
      text: t,
      lineNo: c.lineMap[i] ?? 0,
      width: c.widths[i] ?? 0,
      blanks: c.blanks[i] ?? 0,
    }));
    const res = unwrapLines(lines);
    expect(res.width).toBeNull();
    expect(res.lines).toEqual(lines.map((l) => ({ text: l.text, lineNo: l.lineNo })));
    expect(wrapWarning(snapshotFromPaste(text, at))).toBeUndefined();
  };

  it('every recorded fixture file, as it is and in a Slack fence', () => {
    const files = fixtureFiles(FIXTURES);
    expect(files.length).toBeGreaterThan(200);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      unchanged(text);
      unchanged(slackMangle(text));
    }
  });

  it('every recorded scenario pasted whole, as it is and in a Slack fence', () => {
    for (const name of scenarioNames()) {
      unchanged(scenarioPaste(name));
      unchanged(slackMangle(scenarioPaste(name)));
    }
  });
});
