/**
 * Sheds work early when the event loop falls behind, so that under more load than the
 * process can carry the work it accepts keeps a bounded latency instead of every request
 * waiting in an ever longer queue. The signal is event-loop lag: how late a 100 ms timer
 * fires, smoothed over the last few samples (one GC pause is not an overload). Past
 * `maxLagMs` a share of requests is refused that grows with the excess (all of them at
 * twice `maxLagMs`), the proportional scheme of toobusy-js, so the accepted rate settles at
 * what the process can do rather than flapping between all and nothing.
 */
export interface LoadShedderOptions {
  /** Smoothed lag above which work is shed, in ms; 0 turns shedding off. */
  maxLagMs: number;
  /** Sampling period, in ms. */
  intervalMs?: number;
  /** For tests: a number in [0, 1). */
  random?: () => number;
}

const SMOOTHING = 1 / 3;

/** The share of work to refuse at a smoothed lag: none up to the limit, all from twice the limit. */
export function shareToShed(lagMs: number, maxLagMs: number): number {
  if (maxLagMs <= 0 || lagMs <= maxLagMs) return 0;
  return Math.min(1, (lagMs - maxLagMs) / maxLagMs);
}

export class LoadShedder {
  private smoothedLagMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly random: () => number;

  constructor(private readonly options: LoadShedderOptions) {
    this.intervalMs = options.intervalMs ?? 100;
    this.random = options.random ?? Math.random;
  }

  /** The smoothed event-loop lag, in ms. */
  get lagMs(): number {
    return this.smoothedLagMs;
  }

  start(): void {
    if (this.options.maxLagMs <= 0 || this.timer) return;
    let expected = performance.now() + this.intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      const lag = Math.max(0, now - expected);
      this.smoothedLagMs += (lag - this.smoothedLagMs) * SMOOTHING;
      expected = now + this.intervalMs;
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.smoothedLagMs = 0;
  }

  /** Whether to refuse this piece of work now. */
  shouldShed(): boolean {
    const share = shareToShed(this.smoothedLagMs, this.options.maxLagMs);
    return share > 0 && this.random() < share;
  }
}
