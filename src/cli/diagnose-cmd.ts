/**
 * `redis-runbook diagnose --file dump.txt` (offline, `-` = stdin) and `redis-runbook diagnose <target>`
 * (live, delegated to ./live.ts). Offline exit codes: 0 no critical finding, 2 usage or input error,
 * 3 critical findings. Errors go to stderr as one clear line, never a stack trace.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { renderDiagnosisText } from '../bot/text.ts';
import { snapshotFromPaste } from '../cluster/paste.ts';
import { diagnose } from '../diagnose/diagnose.ts';
import type { Diagnosis } from '../diagnose/types.ts';
import { isRunbookName, listRunbooks } from '../runbooks/registry.ts';
import { diagnoseWithSteps } from '../runbooks/run.ts';
import { EXIT_USAGE, exitCodeFor } from './exit-codes.ts';

export interface DiagnoseCliOptions {
  file?: string;
  json?: boolean;
  color?: boolean;
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
 */
export function diagnoseText(text: string, withSteps = true): Diagnosis & { unread?: true } {
  if (text.trim() === '') throw new DiagnoseInputError('EMPTY_INPUT', 'the input is empty');
  const snapshot = snapshotFromPaste(text);
  const d = withSteps ? diagnoseWithSteps(snapshot) : diagnose(snapshot);
  return snapshot.observations.length === 0 && snapshot.checkReports.length === 0
    ? { ...d, unread: true }
    : d;
}

/** Runs the offline diagnosis of a file; resolves with the exit code. */
export async function diagnoseFile(
  file: string,
  opts: DiagnoseCliOptions,
  io: { out: (t: string) => void; err: (t: string) => void },
): Promise<number> {
  try {
    const d = diagnoseText(await readInput(file), opts.steps !== false);
    io.out(
      opts.json ? JSON.stringify(diagnosisJson(d), null, 2) : renderDiagnosisText(d, { color: !!opts.color }),
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

async function liveDiagnosis(target: string, opts: DiagnoseCliOptions): Promise<number> {
  if (opts.runbook !== undefined && !isRunbookName(opts.runbook)) {
    const names = listRunbooks()
      .map((r) => r.name)
      .join(', ');
    process.stderr.write(
      `redis-runbook diagnose: no runbook named "${opts.runbook}" (try ${names}) [UNKNOWN_RUNBOOK]\n`,
    );
    return EXIT_USAGE;
  }
  const runbook = opts.runbook;
  // Loaded on demand so an offline `--file` run never loads the probe code.
  const { diagnoseLiveForCli } = await import('./live.ts');
  try {
    return await diagnoseLiveForCli(target, {
      ...(opts.json ? { json: true } : {}),
      ...(opts.config ? { config: opts.config } : {}),
      ...(opts.user ? { user: opts.user } : {}),
      ...(opts.passwordEnv ? { passwordEnv: opts.passwordEnv } : {}),
      ...(runbook ? { runbook } : {}),
      color: !!opts.color,
      renderText: (d: Diagnosis) => renderDiagnosisText(d, { color: !!opts.color }),
    });
  } catch (err) {
    process.stderr.write(`redis-runbook diagnose: ${(err as Error)?.message ?? String(err)}\n`);
    return EXIT_USAGE;
  }
}

/** Adds the `diagnose` subcommand to `program`. */
export function registerDiagnose(program: Command): void {
  program
    .command('diagnose')
    .description('Diagnose a cluster live (<cluster> or host:port) or offline from a pasted dump (--file)')
    .argument('[target]', 'registered cluster name, or host:port of any node')
    .option('-f, --file <path>', 'diagnose saved CLUSTER NODES / INFO / --cluster check output ("-" = stdin)')
    .option('--json', 'print the diagnosis as JSON')
    .option('--color', 'colour the text report')
    .option('--no-steps', 'offline: do not run the runbook steps over the dump')
    .option('--runbook <name>', 'live: run this runbook instead of the one the findings suggest')
    .option(
      '-c, --config <file>',
      'live: cluster registry (default: $REDIS_RUNBOOK_CONFIG or ./redis-runbook.yml)',
    )
    .option('--user <name>', 'live, host:port only: ACL user')
    .option('--password-env <VAR>', 'live, host:port only: environment variable holding the password')
    .action(async (target: string | undefined, opts: DiagnoseCliOptions) => {
      const io = {
        out: (t: string) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`),
        err: (t: string) => process.stderr.write(`${t}\n`),
      };
      if (opts.file !== undefined && target !== undefined) {
        io.err('redis-runbook diagnose: give either a target or --file, not both [USAGE]');
        process.exitCode = EXIT_USAGE;
      } else if (opts.file !== undefined) {
        process.exitCode = await diagnoseFile(opts.file, opts, io);
      } else if (target !== undefined) {
        process.exitCode = await liveDiagnosis(target, opts);
      } else {
        io.err(
          'redis-runbook diagnose: give a cluster name or host:port, or --file <dump.txt> ("-" for stdin) [NO_TARGET]',
        );
        process.exitCode = EXIT_USAGE;
      }
    });
}
