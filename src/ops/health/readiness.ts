/**
 * Readiness as named checks (the queue Redis, Slack; later the job worker) run in parallel, each bounded
 * by a timeout, so /readyz answers within that time even when a dependency hangs. Once draining, the
 * process reports not ready whatever the checks say. Checks are re-run on every report: a dependency
 * that comes back makes the process ready again without a restart.
 */

/** One dependency's state; `detail` says what failed, in words safe to show (no secrets). */
export type CheckResult = { ok: true; detail?: string } | { ok: false; detail: string };

/** Asks one dependency; may reject or hang (both count as not ready). */
export type Check = () => Promise<CheckResult>;

/** What /readyz reports. */
export interface ReadinessReport {
  ready: boolean;
  draining: boolean;
  checks: Record<string, CheckResult>;
}

/** The set of checks behind /readyz. */
export class Readiness {
  private readonly checks = new Map<string, Check>();
  private draining = false;

  constructor(private readonly timeoutMs = 2000) {}

  /** Adds (or replaces) the check called `name`. The job worker registers its own here. */
  add(name: string, check: Check): void {
    this.checks.set(name, check);
  }

  /** From now on the process is not ready: it is shutting down. */
  startDraining(): void {
    this.draining = true;
  }

  /** Runs every check (each bounded by the timeout) and says whether the process is ready. */
  async report(): Promise<ReadinessReport> {
    const names = [...this.checks.keys()];
    const results = await Promise.all(names.map((n) => bounded(this.checks.get(n)!, this.timeoutMs)));
    const checks = Object.fromEntries(names.map((n, i) => [n, results[i]!]));
    const ready = !this.draining && results.every((r) => r.ok);
    return { ready, draining: this.draining, checks };
  }
}

async function bounded(check: Check, ms: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, detail: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      check().catch((err: unknown): CheckResult => ({ ok: false, detail: firstLine(err) })),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}
