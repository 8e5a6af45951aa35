/** A bounded memory of recently seen keys (event ids), so Slack's retries are handled once. */

export class SeenKeys {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly max = 5000,
    private readonly ttlMs = 15 * 60_000,
  ) {}

  /** Records `key`; returns true when it was already recorded within the TTL. */
  checkAndAdd(key: string, now = Date.now()): boolean {
    const at = this.seen.get(key);
    if (at !== undefined && now - at < this.ttlMs) return true;
    this.seen.delete(key);
    this.seen.set(key, now);
    while (this.seen.size > this.max) {
      const oldest = this.seen.keys().next().value;
      if (oldest === undefined) break;
      this.seen.delete(oldest);
    }
    return false;
  }
}
