/**
 * Work that must end before the process exits: requests in flight (tracked promises) and long-lived
 * workers that register a closer (the remediation worker will: its close waits for the running step).
 * `settle` waits for both, bounded by a budget, and says what did not finish. It never rejects.
 */

/** Anything that hands its promises over to be waited for at shutdown. */
export interface WorkTracker {
  track<T>(work: Promise<T>): Promise<T>;
}

/** What {@link Drain.settle} saw. */
export interface SettleResult {
  /** Tracked requests still running when the budget ran out. */
  unfinished: number;
  /** Registered closers that had not finished. */
  late: string[];
}

type Closer = (budgetMs: number) => Promise<void>;

/** Tracks in-flight work and registered closers. */
export class Drain implements WorkTracker {
  private readonly running = new Set<Promise<unknown>>();
  private readonly closers = new Map<string, Closer>();
  /** Closers started and not yet finished. */
  private readonly late = new Set<string>();
  private closing: Promise<unknown> | null = null;

  /** Tracks `work` until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return work;
  }

  /** Requests in flight now. */
  get inFlight(): number {
    return this.running.size;
  }

  /**
   * Registers `close`, called once at shutdown with the time left; it should stop taking new work and
   * resolve when its running work is done. The remediation worker registers here.
   */
  register(name: string, close: Closer): void {
    this.closers.set(name, close);
  }

  /**
   * Starts the closers (once, on the first call, each given `budgetMs`) and waits for them and for
   * tracked work, for at most `budgetMs`. A later call waits again without restarting the closers.
   */
  async settle(budgetMs: number): Promise<SettleResult> {
    if (!this.closing) {
      for (const name of this.closers.keys()) this.late.add(name);
      this.closing = Promise.all(
        [...this.closers].map(([name, close]) =>
          close(budgetMs).then(
            () => this.late.delete(name),
            () => this.late.delete(name),
          ),
        ),
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => {
      timer = setTimeout(r, Math.max(0, budgetMs));
    });
    await Promise.race([Promise.all([this.closing, this.idle()]), timeout]);
    clearTimeout(timer);
    return { unfinished: this.running.size, late: [...this.late] };
  }

  /** Resolves once nothing tracked is running (work that starts meanwhile is waited for too). */
  private async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
