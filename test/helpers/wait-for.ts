import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until the condition holds, failing after `timeoutMs`. For states, never for timings. */
export async function waitFor(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(intervalMs);
  }
  throw new Error(`condition not met within ${timeoutMs}ms`);
}
