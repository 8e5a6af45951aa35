/**
 * Single-flight live diagnoses: requests for the same cluster and runbook that arrive while a probe is
 * running share it (each still gets its own messages), so ten engineers typing /redis diagnose at once
 * do not probe a struggling cluster ten times. Steps emitted before a late joiner arrived are in the
 * returned diagnosis. A probe that outlives its deadline is forgotten, so it cannot poison later requests.
 */
import type { Diagnosis } from '../diagnose/types.ts';
import type { DiagnosisService, RunbookName, StepListener } from '../runbooks/types.ts';

interface InFlight {
  promise: Promise<Diagnosis>;
  listeners: Set<StepListener>;
}

const inFlight = new WeakMap<DiagnosisService, Map<string, InFlight>>();

/** A shared diagnosis: its result, and `forget` to stop new requests from joining it. */
export interface SharedDiagnosis {
  promise: Promise<Diagnosis>;
  forget(): void;
}

/** Joins the running diagnosis of `cluster`/`runbook` on `service`, or starts one. */
export function sharedDiagnosis(
  service: DiagnosisService,
  cluster: string,
  runbook: RunbookName | null,
  onStep: StepListener,
): SharedDiagnosis {
  let table = inFlight.get(service);
  if (!table) {
    table = new Map();
    inFlight.set(service, table);
  }
  const running = table;
  const key = `${cluster}\u0000${runbook ?? ''}`;
  let entry = running.get(key);
  if (!entry) {
    const listeners = new Set<StepListener>();
    const promise = Promise.resolve().then(() =>
      service.diagnoseCluster(cluster, {
        ...(runbook ? { runbook } : {}),
        onStep: (step, index, total) => {
          for (const l of listeners) void l(step, index, total);
        },
      }),
    );
    const created: InFlight = { promise, listeners };
    entry = created;
    running.set(key, created);
    const drop = () => {
      if (running.get(key) === created) running.delete(key);
    };
    promise.then(drop, drop);
  }
  entry.listeners.add(onStep);
  const joined = entry;
  return {
    promise: joined.promise,
    forget: () => {
      if (running.get(key) === joined) running.delete(key);
    },
  };
}
