/** renderDiagnosisText: the terminal report carries every part of a diagnosis, plain or coloured. */
import { describe, expect, it } from 'vitest';
import { renderDiagnosisText, wrap } from '../../src/bot/text.ts';
import { diagnosePaste } from '../../src/diagnose/diagnose.ts';
import type { Diagnosis } from '../../src/diagnose/types.ts';
import { hasScenario, scenarioPaste } from './scenario-fixtures.ts';

const run = hasScenario('master-killed-no-replica') ? describe : describe.skip;

run('renderDiagnosisText', () => {
  const d = diagnosePaste(scenarioPaste('master-killed-no-replica'));
  const text = renderDiagnosisText(d);

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
    const coloured = renderDiagnosisText(withSteps, { color: true });
    expect(coloured.includes('\u001b[31m')).toBe(true);
    expect(coloured).toContain('$ redis-cli -h h -p 1 cluster info');
    expect(coloured).toMatch(/1\. .*\[PROBLEM\].* Check cluster state/);
  });
});

describe('wrap', () => {
  it('keeps words whole and prefixes every line', () => {
    expect(wrap('aaa bbb ccc', 9, '> ')).toEqual(['> aaa bbb', '> ccc']);
  });
});
