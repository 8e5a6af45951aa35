/**
 * What `redis-runbook diagnose` does, loaded only when that command runs: `--file dump.txt` (offline,
 * `-` = stdin) here, `<target>` (live) delegated to ./live.ts, which alone loads the Redis client.
 * Offline exit codes: 0 no critical finding, 2 usage or input error, 3 critical findings. Errors go to
 * stderr as one clear line, never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import { withPasteNames } from '../bot/render/names.ts';
import { renderDiagnosisText } from '../bot/text.ts';
import { snapshotFromPaste } from '../cluster/paste.ts';
import { diagnose } from '../diagnose/diagnose.ts';
import type { Diagnosis } from '../diagnose/types.ts';
import { diagnoseWithSteps } from '../runbooks/run.ts';
import { EXIT_USAGE, exitCodeFor } from './exit-codes.ts';

export interface DiagnoseCliOptions {
  file?: string;
  json?: boolean;
  color?: boolean;
  verbose?: boolean;
  steps?: boolean;
  runbook?: string;
  config?: string;
  user?: string;
  passwordEnv?: string;
}

/** A coded CLI input error (missing file, empty input, nothing recognisable). */
export class DiagnoseInputError extends Error {
  constructor(
    readonly code: 'FILE_NOT_READABLE' | 'EMPTY_INPUT' | 'NO_CLUSTER_OUTPUT' | 'NO_TARGET',
    message: string,
  ) {
    super(message);
  }
}

async function readInput(file: string): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (code ?? 'unreadable');
    throw new DiagnoseInputError('FILE_NOT_READABLE', `cannot read ${file}: ${why}`);
  }
}

/** The JSON document `diagnose --json` prints (stable field order). */
export function diagnosisJson(d: Diagnosis): Record<string, unknown> {
  return {
    source: d.source,
    ...(d.cluster ? { cluster: d.cluster } : {}),
    state: d.state,
    rootCauses: d.rootCauses.map((c) => ({
      code: c.code,
      summary: c.summary,
      explanation: c.explanation,
      nodes: c.nodes,
      slots: c.slots,
      actions: c.actions,
    })),
    findings: d.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      message: f.message,
      nodes: f.nodes,
      slots: f.slots,
      evidence: f.evidence,
    })),
    ...(d.steps ? { steps: d.steps } : {}),
    warnings: d.warnings,
    visibility: d.visibility,
    fingerprint: d.fingerprint,
  };
}

/**
 * Diagnoses pasted text for the CLI; throws DiagnoseInputError only for empty input. Text with nothing
 * readable still gets a diagnosis ('undetermined', the per-line reasons and what to paste) and `unread`.
 * `forPeople` names unnamed pasted nodes as people read them ("the pasted node"), not by their "paste#N" label.
 */
export function diagnoseText(
  text: string,
  withSteps = true,
  forPeople = false,
): Diagnosis & { unread?: true } {
  if (text.trim() === '') throw new DiagnoseInputError('EMPTY_INPUT', 'the input is empty');
  const snapshot = snapshotFromPaste(text);
  const diagnosed = withSteps ? diagnoseWithSteps(snapshot) : diagnose(snapshot);
  const d = forPeople ? withPasteNames(diagnosed, snapshot) : diagnosed;
  return snapshot.observations.length === 0 && snapshot.checkReports.length === 0
    ? { ...d, unread: true }
    : d;
}

/** Runs the offline diagnosis of a file; resolves with the exit code. */
export async function diagnoseFile(file: string, opts: DiagnoseCliOptions, io: DiagnoseIo): Promise<number> {
  try {
    const d = diagnoseText(await readInput(file), opts.steps !== false, !opts.json);
    io.out(
      opts.json
        ? JSON.stringify(diagnosisJson(d), null, 2)
        : renderDiagnosisText(d, { color: !!opts.color, verbose: !!opts.verbose }),
    );
    if (d.unread) {
      io.err(
        'redis-runbook diagnose: no Redis Cluster output found (expected CLUSTER NODES, CLUSTER INFO, INFO replication or redis-cli --cluster check output); the warnings above say why each line was not read [NO_CLUSTER_OUTPUT]',
      );
      return EXIT_USAGE;
    }
    return exitCodeFor(d);
  } catch (err) {
    if (err instanceof DiagnoseInputError) {
      io.err(`redis-runbook diagnose: ${err.message} [${err.code}]`);
      return EXIT_USAGE;
    }
    io.err(`redis-runbook diagnose: internal error: ${(err as Error)?.message ?? String(err)}`);
    return EXIT_USAGE;
  }
}

/** Where the command writes: stdout for the report, stderr for one-line errors. */
export interface DiagnoseIo {
  out: (t: string) => void;
  err: (t: string) => void;
}

/** Runs `diagnose [target] [--file f]` as typed; resolves with the exit code. */
export async function runDiagnose(
  target: string | undefined,
  opts: DiagnoseCliOptions,
  io: DiagnoseIo,
): Promise<number> {
  if (opts.file !== undefined && target !== undefined) {
    io.err('redis-runbook diagnose: give either a target or --file, not both [USAGE]');
    return EXIT_USAGE;
  }
  if (opts.file !== undefined) return diagnoseFile(opts.file, opts, io);
  if (target !== undefined) {
    // Loaded on demand so an offline `--file` run never loads the probe code.
    const { liveDiagnosis } = await import('./live.ts');
    return liveDiagnosis(target, opts);
  }
  io.err(
    'redis-runbook diagnose: give a cluster name or host:port, or --file <dump.txt> ("-" for stdin) [NO_TARGET]',
  );
  return EXIT_USAGE;
}
