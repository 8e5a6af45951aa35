/**
 * diagnose(): snapshot -> model -> findings -> root causes, plus state, visibility, warnings and the
 * topology fingerprint. Pure and total: it never throws, whatever the snapshot holds.
 */
import { createHash } from 'node:crypto';
import { topologyFingerprint } from '../cluster/fingerprint.ts';
import { buildModel } from '../cluster/model.ts';
import type { ClusterModel } from '../cluster/model-types.ts';
import { type PasteOptions, snapshotFromPaste } from '../cluster/paste.ts';
import type { ClusterSnapshot } from '../cluster/types.ts';
import { boundCauses, boundFindings } from './bound.ts';
import { DEFAULT_OPTIONS, type DiagnoseOptions, type RuleContext } from './context.ts';
import { deriveFacts, effectiveConfig } from './facts.ts';
import { resolveRootCauses } from './root-causes/index.ts';
import { RULES } from './rules/index.ts';
import { type Diagnosis, FINDING_CODES, type Finding } from './types.ts';
import { computeState, computeVisibility } from './visibility.ts';
import { offlineWarnings } from './warnings.ts';

export type { DiagnoseOptions } from './context.ts';

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

function sortFindings(findings: Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.f.severity] - SEVERITY_ORDER[b.f.severity] ||
        FINDING_CODES.indexOf(a.f.code) - FINDING_CODES.indexOf(b.f.code) ||
        a.i - b.i,
    )
    .map(({ f }) => f);
}

/** Diagnoses a snapshot. Never throws: an internal failure becomes an 'undetermined' diagnosis saying so. */
export function diagnose(snapshot: ClusterSnapshot, opts: DiagnoseOptions = {}): Diagnosis {
  return diagnoseWithModel(snapshot, opts).diagnosis;
}

/**
 * Diagnoses a snapshot and hands back the model it built, so callers that go on to run a runbook do not
 * build it a second time. Never throws; `model` is undefined only when the diagnosis failed internally.
 */
export function diagnoseWithModel(
  snapshot: ClusterSnapshot,
  opts: DiagnoseOptions = {},
): { diagnosis: Diagnosis; model?: ClusterModel } {
  try {
    return run(snapshot, opts);
  } catch (err) {
    return {
      diagnosis: {
        source: snapshot?.source === 'live' ? 'live' : 'paste',
        ...(snapshot?.cluster ? { cluster: snapshot.cluster } : {}),
        state: 'unknown',
        rootCauses: [
          {
            code: 'undetermined',
            summary: 'The diagnosis failed internally; nothing here should be trusted.',
            explanation: `redis-runbook hit an internal error while diagnosing (${(err as Error)?.message ?? String(err)}). Please report it with the input.`,
            nodes: [],
            slots: '',
            actions: [],
          },
        ],
        findings: [],
        warnings: ['Internal error during diagnosis: no finding could be computed.'],
        visibility: { nodesKnown: 0, nodesSeen: 0, nodesAtLeast: 0, summary: 'Unknown (internal error).' },
        fingerprint: createHash('sha256').update('v1').digest('hex'),
      },
    };
  }
}

function run(
  snapshot: ClusterSnapshot,
  opts: DiagnoseOptions,
): { diagnosis: Diagnosis; model: ClusterModel } {
  const model = buildModel(snapshot);
  const notes: string[] = [];
  const warn = (text: string): void => {
    if (!notes.includes(text)) notes.push(text);
  };
  const ctx: RuleContext = {
    snapshot,
    model,
    opts: { ...DEFAULT_OPTIONS, ...opts },
    config: effectiveConfig(snapshot),
    facts: deriveFacts(model),
    warn,
  };
  const findings: Finding[] = [];
  for (const rule of RULES) {
    try {
      findings.push(...rule.run(ctx));
    } catch (err) {
      warn(`The ${rule.name} check failed and was skipped: ${(err as Error).message}`);
    }
  }
  const sorted = sortFindings(findings);
  const { causes, notes: causeNotes } = resolveRootCauses({ ...ctx, findings: sorted });
  causeNotes.forEach(warn);
  const state = computeState(snapshot, model, ctx.facts, ctx.config, warn);
  const warnings = [...new Set([...snapshot.warnings, ...offlineWarnings(snapshot, model), ...notes])];
  // Bounded only now: the verdict was reached on every finding.
  const diagnosis: Diagnosis = {
    source: snapshot.source,
    ...(snapshot.cluster ? { cluster: snapshot.cluster } : {}),
    state,
    rootCauses: boundCauses(causes),
    findings: boundFindings(sorted),
    warnings,
    visibility: computeVisibility(snapshot, model),
    fingerprint: topologyFingerprint(model),
  };
  return { diagnosis, model };
}

/** Parses pasted text into a snapshot. Never throws: unreadable text becomes an empty snapshot saying so. */
export function readPaste(text: string, opts: PasteOptions = {}): ClusterSnapshot {
  try {
    return snapshotFromPaste(text, opts);
  } catch (err) {
    return {
      source: 'paste',
      takenAt: new Date().toISOString(),
      observations: [],
      checkReports: [],
      parseIssues: [],
      warnings: [`The paste could not be read: ${(err as Error)?.message ?? String(err)}`],
    };
  }
}

/** Parses pasted text and diagnoses it offline. Never throws. */
export function diagnosePaste(text: string, opts: DiagnoseOptions & PasteOptions = {}): Diagnosis {
  return diagnose(readPaste(text, opts), opts);
}
