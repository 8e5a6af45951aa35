/**
 * Details kept in this process's memory: at most `max` (the oldest go first), each until its TTL. Lost at
 * a restart, and seen by this process only.
 */
import type { KeptDetails } from './types.ts';

/** A bounded, expiring map from Details id to the kept view. */
export class LocalDetails {
  private readonly kept = new Map<string, { kept: KeptDetails; until: number }>();

  constructor(
    private readonly max: number,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps `kept` under `id`; past `max` entries the oldest is forgotten. */
  set(id: string, kept: KeptDetails): void {
    this.kept.set(id, { kept, until: this.now() + this.ttlMs });
    for (const old of this.kept.keys()) {
      if (this.kept.size <= this.max) break;
      this.kept.delete(old);
    }
  }

  /** The view under `id`, unless never kept, forgotten or expired. */
  get(id: string): KeptDetails | undefined {
    const entry = this.kept.get(id);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.kept;
    this.kept.delete(id);
    return undefined;
  }
}
