/**
 * Sheds work early when the process falls behind, so that under more load than it can carry
 * the work it accepts keeps a bounded latency instead of every request waiting in an ever
 * longer queue. The signal is how long work waits, from two places: the event loop (how late
 * a 100 ms timer fires) and the work itself (callers report how long each piece took, e.g. a
 * send's wait for its commit, which grows when the writer thread cannot keep up while the
 * event loop still can), and a bound on the work under way at once. Each period's worst delay is smoothed over the last few periods (one
 * GC pause is not an overload). Past `maxDelayMs` a share of work is refused that grows with
 * the excess (all of it at twice `maxDelayMs`), the proportional scheme of toobusy-js, so the
 * accepted rate settles at what the process can do rather than flapping between all and nothing.
 */
import type { Logger } from './logger.js';

export interface LoadShedderOptions {
  /** Smoothed delay above which work is shed, in ms; 0 turns this off. */
  maxDelayMs: number;
  /**
   * Most pieces of work under way at once (begun, not yet ended); past it every new one is
   * shed at once. The delay signal is sampled, so a burst could queue a great deal before it
   * reacts; this bound cannot lag. 0 turns it off.
   */
  maxPending?: number;
  /** Sampling period, in ms. */
  intervalMs?: number;
  /** For tests: a number in [0, 1). */
  random?: () => number;
  /** Gets one warning per SUMMARY_EVERY_MS while shedding (refusals are not logged one by one). */
  logger?: Logger;
}

const SUMMARY_EVERY_MS = 10_000;

const SMOOTHING = 1 / 3;

/** The share of work to refuse at a smoothed delay: none up to the limit, all from twice the limit. */
export function shareToShed(delayMs: number, maxDelayMs: number): number {
  if (maxDelayMs <= 0 || delayMs <= maxDelayMs) return 0;
  return Math.min(1, (delayMs - maxDelayMs) / maxDelayMs);
}

export class LoadShedder {
  private smoothedDelayMs = 0;
  /** The longest delay reported since the last sample. */
  private worstReportedMs = 0;
  private pending = 0;
  private shedSinceSummary = 0;
  private lastSummaryAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly random: () => number;

  constructor(private readonly options: LoadShedderOptions) {
    this.intervalMs = options.intervalMs ?? 100;
    this.random = options.random ?? Math.random;
  }

  /** The smoothed delay, in ms. */
  get delayMs(): number {
    return this.smoothedDelayMs;
  }

  start(): void {
    const { maxDelayMs, maxPending = 0 } = this.options;
    if ((maxDelayMs <= 0 && maxPending <= 0) || this.timer) return;
    let expected = performance.now() + this.intervalMs;
    this.timer = setInterval(() => {
      const now = performance.now();
      const eventLoopLag = Math.max(0, now - expected);
      const worst = Math.max(eventLoopLag, this.worstReportedMs);
      this.smoothedDelayMs += (worst - this.smoothedDelayMs) * SMOOTHING;
      this.worstReportedMs = 0;
      expected = now + this.intervalMs;
      this.summarise(now);
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.smoothedDelayMs = 0;
    this.worstReportedMs = 0;
  }

  private summarise(now: number): void {
    if (this.shedSinceSummary === 0 || now - this.lastSummaryAt < SUMMARY_EVERY_MS) return;
    const seconds = Number.isFinite(this.lastSummaryAt) ? Math.round((now - this.lastSummaryAt) / 1000) : undefined;
    this.options.logger?.warn(
      { shed: this.shedSinceSummary, seconds, delayMs: Math.round(this.smoothedDelayMs), pending: this.pending },
      'overloaded: shedding sends (503 overloaded)',
    );
    this.shedSinceSummary = 0;
    this.lastSummaryAt = now;
  }

  /** A piece of accepted work begins; pass what this returns to `end()`, in a finally. */
  begin(): number {
    this.pending += 1;
    return performance.now();
  }

  /** The work begun at `startedAt` is done: its duration counts in the next sample. */
  end(startedAt: number): void {
    this.pending -= 1;
    const took = performance.now() - startedAt;
    if (took > this.worstReportedMs) this.worstReportedMs = took;
  }

  /** Whether to refuse this piece of work now. */
  shouldShed(): boolean {
    const { maxPending = 0 } = this.options;
    const share = maxPending > 0 && this.pending >= maxPending ? 1 : shareToShed(this.smoothedDelayMs, this.options.maxDelayMs);
    const shed = share > 0 && this.random() < share;
    if (shed) this.shedSinceSummary += 1;
    return shed;
  }
}
