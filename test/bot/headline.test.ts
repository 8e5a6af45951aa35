/**
 * The headline never contradicts the findings (issue 13): a frozen master whose peers do not flag it yet
 * leaves cluster_state "ok", yet the diagnosis is critical; no surface may then say a bare "state: OK".
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdictMessage } from '../../src/bot/render/diagnosis.ts';
import { pasteReplyMessage } from '../../src/bot/render/paste.ts';
import { renderDiagnosisText } from '../../src/bot/text.ts';
import type { ClusterSnapshot } from '../../src/cluster/types.ts';
import { diagnose, diagnosePaste } from '../../src/diagnose/diagnose.ts';
import { fixture } from './helpers/big-dump.ts';

const recorded = (name: string) =>
  JSON.parse(
    readFileSync(join(import.meta.dirname, '..', 'fixtures', 'live-snapshots', `${name}.json`), 'utf8'),
  ) as { snapshot: ClusterSnapshot };

describe('state headline', () => {
  it.each(['frozen-now', 'frozen-4s', 'killed-now'])('%s: critical findings, so no bare OK', (name) => {
    const d = diagnose(recorded(name).snapshot);
    expect(d.state).toBe('ok'); // what the answering nodes report
    expect(d.findings.some((f) => f.severity === 'critical')).toBe(true);
    const head = renderDiagnosisText(d).split('\n')[0] ?? '';
    expect(head).toMatch(/state: OK as reported by the nodes, but \d+ critical findings?$/);
    const field = verdictMessage(d, 'prod', 'U1', null).fields?.find((f) => f.label === 'Cluster state');
    expect(field?.value).toMatch(/^OK as reported by the nodes, but \d+ critical findings?$/);
    const colored = renderDiagnosisText(d, { color: true }).split('\n')[0] ?? '';
    expect(colored).toContain('\u001b[31mOK as reported'); // red, not green
  });

  it('a healthy cluster still says plainly OK', () => {
    const d = diagnosePaste(fixture('healthy-nodes-n2.txt'));
    expect(renderDiagnosisText(d).split('\n')[0]).toMatch(/state: OK$/);
    const reply = pasteReplyMessage(d, {
      source: 'paste',
      takenAt: '',
      observations: [],
      checkReports: [],
      parseIssues: [],
      warnings: [],
    });
    expect(reply.fields?.find((f) => f.label === 'Cluster state')?.value).toBe('OK');
  });
});
