/**
 * renderDiagnosisText: the brief (root cause, actions, one line per step, no sentence twice) by default,
 * and with `verbose` every part of a diagnosis, plain or coloured.
 */
import { describe, expect, it } from 'vitest';
import { renderDiagnosisText, wrap } from '../../src/bot/text.ts';
import { snapshotFromPaste } from '../../src/cluster/paste.ts';
import { diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { diagnoseWithSteps } from '../../src/runbooks/run.ts';
import { hasScenario, scenarioPaste } from './scenario-fixtures.ts';

const run = hasScenario('master-killed-no-replica') ? describe : describe.skip;

run('renderDiagnosisText', () => {
  const d = diagnosePaste(scenarioPaste('master-killed-no-replica'));
  const text = renderDiagnosisText(d, { verbose: true });

  it('shows state, root cause with explanation and numbered actions, findings by severity, warnings', () => {
    expect(text.split('\n')[0]).toMatch(/state: FAIL$/);
    expect(text).toContain('ROOT CAUSE [master-failed-no-replica]');
    expect(text).toContain(d.rootCauses[0]!.summary.slice(0, 40));
    expect(text).toMatch(/ {4}1\. restart-node: 127\.\d+\.\d+\.\d+:7000/);
    const crit = text.indexOf('[CRITICAL]');
    expect(crit).toBeGreaterThan(0);
    expect(text.lastIndexOf('[CRITICAL]')).toBeLessThan(
      text.indexOf('[WARNING]') === -1 ? Infinity : text.indexOf('[WARNING]'),
    );
    expect(text).toContain(`    > ${d.findings[0]!.evidence[0]}`);
    expect(text).toContain('NOT CHECKED / ASSUMED');
    expect(text).toContain(d.visibility.summary);
    expect(text.includes('\u001b[')).toBe(false);
  });

  it('wraps prose at the width but never cuts evidence lines', () => {
    for (const line of text.split('\n'))
      if (!line.trimStart().startsWith('>')) expect(line.length).toBeLessThanOrEqual(100);
    expect(text.split('\n').some((l) => l.trimStart().startsWith('>') && l.length > 100)).toBe(true);
  });

  it('colours only on request, and renders steps when present', () => {
    const withSteps: Diagnosis = {
      ...d,
      steps: [
        {
          id: 's1',
          title: 'Check cluster state',
          command: 'redis-cli -h h -p 1 cluster info',
          evidence: ['cluster_state:fail'],
          verdict: 'problem',
          meaning: 'The cluster refuses queries.',
        },
      ],
    };
    const coloured = renderDiagnosisText(withSteps, { color: true, verbose: true });
    expect(coloured.includes('\u001b[31m')).toBe(true);
    expect(coloured).toContain('$ redis-cli -h h -p 1 cluster info');
    expect(coloured).toMatch(/1\. .*\[PROBLEM\].* Check cluster state/);
  });
});

run('the brief (default)', () => {
  const d = diagnoseWithSteps(snapshotFromPaste(scenarioPaste('master-killed-no-replica')));
  const brief = renderDiagnosisText(d);
  const full = renderDiagnosisText(d, { verbose: true });
  const lines = brief.trimEnd().split('\n');

  it('says the verdict, the root cause and its actions, then each step in one line', () => {
    expect(lines[0]).toMatch(/state: FAIL$/);
    expect(brief).toContain('ROOT CAUSE [master-failed-no-replica]');
    expect(brief).toMatch(
      /^ {2}1\. \$ redis-runbook plan restart-node <cluster> --node 127\.\d+\.\d+\.\d+:7000$/m,
    );
    expect(brief).toMatch(/^ {2}2\. \$ redis-runbook plan fix-coverage <cluster> --slot-ranges 0-5460$/m);
    const steps = lines.filter((l) => /^ {2}\d+\. \[(PROBLEM|ok|skipped)\] /.test(l));
    // Every step but the one that restates the root cause, which the heading names.
    expect(steps).toHaveLength(d.steps!.length - 1);
    expect(steps[1]).toMatch(/flagged FAIL by 4 node\(s\)/);
    expect(brief).not.toContain('FINDINGS');
    expect(brief.replace(/\s+/g, ' ')).toContain('Not checked / assumed: A paste shows no live state');
    expect(brief).toContain(`More with --verbose: ${d.findings.length} findings`);
    expect(lines.length).toBeLessThanOrEqual(32);
    expect(full.split('\n').length).toBeGreaterThan(2 * lines.length);
  });

  it('never says a sentence twice (the verbose report does)', () => {
    const said = (t: string) =>
      t
        .replace(/\s+/g, ' ')
        .split(/(?<=[.!?:])\s+/)
        .filter((x) => x.length > 40);
    const count = (t: string) => {
      const seen = new Map<string, number>();
      for (const x of said(t)) seen.set(x, (seen.get(x) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([x]) => x);
    };
    expect(count(brief)).toEqual([]);
    expect(count(full).length).toBeGreaterThan(0);
  });

  it('names the step that restates the root cause without repeating it', () => {
    expect(brief).toMatch(/^STEPS \(6 restates the root cause above\)$/m);
    expect(brief).not.toContain('Root cause and recommended actions');
  });
});

describe('wrap', () => {
  it('keeps words whole and prefixes every line', () => {
    expect(wrap('aaa bbb ccc', 9, '> ')).toEqual(['> aaa bbb', '> ccc']);
  });
});
