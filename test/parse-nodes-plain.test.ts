/**
 * The fast path of the CLUSTER NODES parser reads exactly what the careful reader reads. A line with one
 * leading space is never taken by the fast path (the careful reader trims it), so each line is parsed
 * both ways and compared: every line of every recorded fixture, plus odd lines Redis can print.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClusterNodes } from '../src/cluster/parse-nodes.ts';
import { readPlainLine } from '../src/cluster/parse-nodes-plain.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const A = 'a'.repeat(40);
const B = 'b'.repeat(40);

function fixtureLines(): string[] {
  const out: string[] = [];
  for (const dir of readdirSync(FIXTURES, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const f of readdirSync(join(FIXTURES, dir.name))) {
      if (!f.startsWith('nodes-')) continue;
      out.push(
        ...readFileSync(join(FIXTURES, dir.name, f), 'utf8')
          .split('\n')
          .filter((l) => l !== ''),
      );
    }
  }
  return out;
}

const ODD = [
  `${A} 127.0.0.1:7000@17000 myself,master - 0 1700000000000 1 connected 0-100 200 [300->-${B}] [301-<-${B}]`,
  `${A} :0@0 master,fail?,noaddr - 1700000000000 1700000000000 0 disconnected`,
  `${A} 10.0.0.1:7000 slave ${B} 0 0 3 connected`,
  `${A.toUpperCase()} 10.0.0.1:7000@17000 master,nofailover - 0 0 3 connected 5-1 16383`,
  `${A} 10.0.0.1:7000@17000 master,weird_flag - 0 0 3 connected 10-20 0-5`,
  `${A} 10.0.0.1:70000@17000 master - 0 0 3 connected`,
  `${A} 10.0.0.1:7000@17000 master - 0 0 99999999999999999 connected`,
  `${A} 10.0.0.1:7000@17000 master - 0 0 3 connected 0-5460 16384`,
  `${A} 10.0.0.1:7000@17000,host.example master - 0 0 3 connected 1`,
  `${A} ::1:7000@17000 master - 0 0 3 connected 1`,
  `${A} 10.0.0.1:7000@17000 master,,myself - 0 0 3 connected`,
  `${A} 10.0.0.1:7000@17000 master - 0 0 3 connecte`,
  `${A} 10.0.0.1:7000@17000 master - 0 0 3 connected  1-2`,
  `${A.slice(0, 8)}... 10.0.0.1:7000@17000 master - 0 0 3 connected 1`,
];

describe('readPlainLine', () => {
  const lines = [...fixtureLines(), ...ODD];

  it('reads the recorded fixtures (there are some)', () => {
    expect(lines.length).toBeGreaterThan(100);
    expect(lines.filter((l) => readPlainLine(l, 1) !== null).length).toBeGreaterThan(100);
  });

  it.each(lines.map((l) => [l]))('%s: the same node as the careful reader, or no opinion', (line) => {
    const fast = parseClusterNodes(line);
    const careful = parseClusterNodes(` ${line}`);
    const strip = (v: typeof fast) => ({
      ...v,
      nodes: v.nodes.map(({ raw: _raw, ...n }) => n),
      issues: v.issues.map(({ text: _text, ...i }) => i),
    });
    expect(strip(fast)).toEqual(strip(careful));
    const plain = readPlainLine(line, 1);
    if (plain) expect(plain).toEqual(fast.nodes[0]);
  });
});
