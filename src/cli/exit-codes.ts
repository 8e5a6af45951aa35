/**
 * The CLI's exit codes, the same for live and pasted input: 0 no critical finding, 2 usage or input error
 * (unknown cluster, bad host:port, unreadable file, no cluster output, invalid config, credentials every
 * node rejects), 3 critical findings, including no node answering at all (an outage, not bad input).
 * `plan` / `apply`: 0 planned / done and confirmed, 4 refused (nothing changed), 5 failed part-way or not
 * confirmed (the output says what state the cluster is in), 2 usage.
 */
import type { Diagnosis } from '../diagnose/types.ts';

export const EXIT_OK = 0;
export const EXIT_USAGE = 2;
export const EXIT_CRITICAL = 3;
export const EXIT_REFUSED = 4;
export const EXIT_FAILED = 5;

/** Exit code for a diagnosis: 3 when any finding is critical, else 0. */
export function exitCodeFor(d: Diagnosis): number {
  return d.findings.some((f) => f.severity === 'critical') ? EXIT_CRITICAL : EXIT_OK;
}
