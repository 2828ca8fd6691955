import { setTimeout as sleep } from 'node:timers/promises';

/** Counts operations under way, so a shutdown can let them finish before closing what they use. */
export class InflightTracker {
  private count = 0;
  private readonly idleWaiters = new Set<() => void>();

  get size(): number {
    return this.count;
  }

  /** One more operation under way; pair every call with `leave()`, in a finally. */
  enter(): void {
    this.count += 1;
  }

  leave(): void {
    this.count -= 1;
    if (this.count === 0) for (const wake of this.idleWaiters) wake();
  }

  /** Resolves once nothing is under way, or after `timeoutMs`, whichever comes first. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.count === 0) return;
    let wake = () => {};
    const idle = new Promise<void>((resolve) => (wake = resolve));
    this.idleWaiters.add(wake);
    const timeout = new AbortController();
    try {
      await Promise.race([idle, sleep(timeoutMs, undefined, { signal: timeout.signal }).catch(() => {})]);
    } finally {
      timeout.abort();
      this.idleWaiters.delete(wake);
    }
  }
}
