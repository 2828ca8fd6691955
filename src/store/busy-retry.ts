import { setTimeout as sleep } from 'node:timers/promises';

export interface BusyRetryOptions {
  /** Give up (and let the error through) after this long, in ms. */
  timeoutMs: number;
  /** Longest pause between attempts, in ms; pauses start at 1 ms and double up to it. Default 20. */
  maxIntervalMs?: number;
}

export function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || (typeof code === 'string' && code.startsWith('SQLITE_BUSY_'));
}

/**
 * Retries while another process holds SQLite's write lock, waiting between attempts on
 * the event loop rather than inside SQLite (whose own busy wait would block every other
 * request of this process). A busy statement has done nothing, so retrying is safe.
 */
export async function retryWhileBusy<T>(operation: () => Promise<T>, { timeoutMs, maxIntervalMs = 20 }: BusyRetryOptions): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, maxIntervalMs)) {
    try {
      return await operation();
    } catch (error) {
      const remaining = deadline - Date.now();
      if (!isBusyError(error) || remaining <= 0) throw error;
      await sleep(Math.min(pause, remaining));
    }
  }
}

/** Something to Atomics.wait on: nothing ever notifies it, so a wait lasts its timeout. */
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * retryWhileBusy for a thread that may block (a worker thread): the same attempts and pauses,
 * the pauses slept with Atomics.wait instead of on an event loop.
 */
export function retryWhileBusySync<T>(operation: () => T, { timeoutMs, maxIntervalMs = 20 }: BusyRetryOptions): T {
  const deadline = Date.now() + timeoutMs;
  for (let pause = 1; ; pause = Math.min(pause * 2, maxIntervalMs)) {
    try {
      return operation();
    } catch (error) {
      const remaining = deadline - Date.now();
      if (!isBusyError(error) || remaining <= 0) throw error;
      Atomics.wait(sleeper, 0, 0, Math.min(pause, remaining));
    }
  }
}

/** The same repository, each method retried while the database is busy. */
export function withBusyRetry<Repository extends object>(repository: Repository, options: BusyRetryOptions): Repository {
  const wrapped = {} as Repository;
  for (const [name, method] of Object.entries(repository)) {
    const value =
      typeof method === 'function'
        ? (...args: unknown[]) => retryWhileBusy(() => Promise.resolve(method.apply(repository, args)), options)
        : method;
    (wrapped as Record<string, unknown>)[name] = value;
  }
  return wrapped;
}
