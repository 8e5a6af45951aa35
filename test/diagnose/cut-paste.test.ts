/**
 * A paste that lost lines (chat cut it, grep filtered it) must not be read as slots nobody owns: the
 * dumps come from the recorded healthy cluster, with the master line for 10923-16383 removed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePaste } from '../../src/diagnose/diagnose.ts';
import { FIXTURES, scenarioPaste } from './scenario-fixtures.ts';

const nodes = readFileSync(join(FIXTURES, 'healthy', 'nodes-127.189.3.1-7000.txt'), 'utf8')
  .trimEnd()
  .split('\n');
const info = readFileSync(join(FIXTURES, 'healthy', 'cluster-info-127.189.3.1-7000.txt'), 'utf8');
const ownerOf = (range: string) => nodes.find((l) => l.endsWith(` ${range}`));
const owner = ownerOf('10923-16383');
const without = (...lines: (string | undefined)[]) => nodes.filter((l) => !lines.includes(l));
const replicaOf = (master: string | undefined) =>
  nodes.find((l) => l.includes(` slave ${master?.split(' ')[0]} `));

describe('a paste missing the line that owns slots', () => {
  it('a replica names a master that is not listed: undetermined, no fix-coverage, the gap is explained', () => {
    const d = diagnosePaste(without(owner).join('\n'));
    expect(d.rootCauses.map((c) => c.code)).toEqual(['undetermined']);
    expect(d.rootCauses[0]?.slots).toBe('10923-16383');
    expect(d.rootCauses[0]?.actions).toEqual([]);
    expect(d.rootCauses[0]?.explanation).toMatch(/a replica names a master whose line is not in the paste/);
    const f = d.findings.find((x) => x.code === 'PASTE_INCOMPLETE');
    expect(f?.severity).toBe('warning');
    expect(f?.evidence.join('\n')).toMatch(
      /replicates e5ecf7b8428b63f3539e54ea8cd17be0af1a0095, which is not listed/,
    );
  });

  it('CLUSTER INFO knows more nodes than the paste shows: undetermined as well', () => {
    const text = `${without(owner, replicaOf(owner)).join('\n')}\n\n${info}`;
    const d = diagnosePaste(text);
    expect(d.rootCauses.map((c) => c.code)).toEqual(['undetermined']);
    expect(d.visibility.summary).toMatch(/4 of at least 6 nodes visible; the paste looks truncated/);
  });

  it('nothing proves lines are missing: slots-never-assigned, with the caveat that the paste is unverified', () => {
    const d = diagnosePaste(without(owner, replicaOf(owner)).join('\n'));
    expect(d.rootCauses.map((c) => c.code)).toEqual(['slots-never-assigned']);
    expect(d.rootCauses[0]?.explanation).toMatch(
      /This paste has no CLUSTER INFO, so nothing proves it holds every line/,
    );
  });

  it('the recorded unassigned-slots cluster, pasted whole, is still slots-never-assigned without the caveat', () => {
    const d = diagnosePaste(scenarioPaste('slots-unassigned'));
    expect(d.rootCauses.map((c) => c.code)).toContain('slots-never-assigned');
    const cause = d.rootCauses.find((c) => c.code === 'slots-never-assigned');
    expect(cause?.explanation).not.toMatch(/nothing proves it holds every line/);
  });
});
