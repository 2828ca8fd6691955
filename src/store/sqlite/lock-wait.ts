import { setTimeout as sleep } from 'node:timers/promises';

/** How long to wait for another connection's write lock, and how often to try for it. */
export interface LockWait {
  /** Give up (and let the busy error through) after this long, in ms. */
  timeoutMs: number;
  /** Longest pause between attempts, in ms; pauses start at 1 ms and double up to it. Default 20. */
  maxPauseMs?: number;
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

/** The pause before the next attempt after `error`, or undefined to give up and throw it. */
function nextPause(error: unknown, deadline: number, pause: number): number | undefined {
  const remaining = deadline - performance.now();
  return isBusy(error) && remaining > 0 ? Math.min(pause, remaining) : undefined;
}

/**
 * Runs `operation`, trying again while another connection holds SQLite's write lock, and
 * pausing between attempts on the event loop (SQLite's own busy wait would block every other
 * request of this process). A busy statement has done nothing, so trying again is safe.
 */
export async function waitForLock<T>(operation: () => T, { timeoutMs, maxPauseMs = 20 }: LockWait): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, maxPauseMs)) {
    try {
      return operation();
    } catch (error) {
      const wait = nextPause(error, deadline, pause);
      if (wait === undefined) throw error;
      await sleep(wait);
    }
  }
}

/** Something to Atomics.wait on: nothing ever notifies it, so a wait lasts its timeout. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** waitForLock for a thread that may block (the writer thread): the same attempts, pauses slept with Atomics.wait. */
export function waitForLockSync<T>(operation: () => T, { timeoutMs, maxPauseMs = 20 }: LockWait): T {
  const deadline = performance.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, maxPauseMs)) {
    try {
      return operation();
    } catch (error) {
      const wait = nextPause(error, deadline, pause);
      if (wait === undefined) throw error;
      Atomics.wait(sleeper, 0, 0, wait);
    }
  }
}
