/**
 * Open loop: calls `slot(k, scheduledAt)` for slot k at start + k / rate, catching up on slots a
 * busy event loop let pass (each with its own scheduled time, so latency counts from it), until
 * `sending()` turns false.
 */
export function paceOpenLoop(ratePerSecond: number, start: number, sending: () => boolean, slot: (k: number, scheduledAt: number) => void): void {
  const interval = 1000 / ratePerSecond;
  let k = 0;
  const tick = (): void => {
    if (!sending()) return;
    const now = performance.now();
    while (start + k * interval <= now) {
      slot(k, start + k * interval);
      k++;
    }
    setTimeout(tick, Math.max(0, start + k * interval - performance.now()));
  };
  tick();
}

/** Polls `settled` every 20 ms until it holds or `timeoutMs` passes. */
export async function waitUntil(settled: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && !settled()) await new Promise((resolve) => setTimeout(resolve, 20));
}
