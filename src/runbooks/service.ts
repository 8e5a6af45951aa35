/** The DiagnosisService a transport (Slack, terminal) calls: registered clusters live, pastes offline. */
import type { Config } from '../config/schema.ts';
import { resolveTarget } from '../config/target.ts';
import { readPaste } from '../diagnose/diagnose.ts';
import type { ProbeOptions } from '../diagnose/probe/probe.ts';
import type { Diagnosis } from '../diagnose/types.ts';
import { listRunbooks } from './registry.ts';
import { diagnoseWithSteps, runLive } from './run.ts';
import type { DiagnosisService } from './types.ts';

export interface ServiceOptions {
  /** Probe settings (tests restrict hosts to loopback and may pass a password). */
  probe?: ProbeOptions;
}

/** Builds the service over a loaded registry. Chat callers only ever reach registered cluster names. */
export function createDiagnosisService(config: Config, opts: ServiceOptions = {}): DiagnosisService {
  return {
    listRunbooks,
    clusterNames: () => config.clusters.map((c) => c.name),
    async diagnoseCluster(name, o = {}) {
      const { cluster } = resolveTarget(config, name, { allowAdHoc: false });
      const { diagnosis } = await runLive(cluster, { ...o, ...(opts.probe ? { probe: opts.probe } : {}) });
      return diagnosis;
    },
    diagnosePaste(text) {
      return diagnosePasteText(text);
    },
  };
}

/** Diagnoses pasted text offline with the fitting runbook's steps attached; never throws. */
export function diagnosePasteText(text: string): Diagnosis {
  return diagnoseWithSteps(readPaste(text));
}
