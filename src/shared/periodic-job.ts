/** Work a module repeats while Parley runs; whoever wires the module starts and stops it. */
export interface PeriodicJob {
  start(): void;
  stop(): void;
}

/**
 * Runs `work` every `intervalMs` once started, never two runs at once (a slow run delays the
 * next instead of piling up); a failed run goes to `onError` and the next one tries again.
 * The timer never keeps the process alive.
 */
export function periodicJob(intervalMs: number, work: () => Promise<void>, onError: (error: unknown) => void): PeriodicJob {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      await work();
    } catch (error) {
      onError(error);
    } finally {
      running = false;
    }
  };
  return {
    start() {
      timer ??= setInterval(() => void tick(), intervalMs).unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
