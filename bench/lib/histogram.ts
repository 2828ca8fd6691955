import hdr from 'hdr-histogram-js';

/** Latency percentiles in milliseconds. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

/** An HDR histogram of latencies recorded in microseconds (1 µs to 2 min, 3 significant digits). */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 120_000_000,
    numberOfSignificantValueDigits: 3,
    autoResize: true,
  });

  /** Records one latency given in milliseconds. */
  recordMs(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summary(): LatencySummary {
    const h = this.histogram;
    if (h.totalCount === 0) return { count: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, max: Number.NaN, mean: Number.NaN };
    return {
      count: h.totalCount,
      p50: h.getValueAtPercentile(50) / 1000,
      p90: h.getValueAtPercentile(90) / 1000,
      p99: h.getValueAtPercentile(99) / 1000,
      max: h.maxValue / 1000,
      mean: h.mean / 1000,
    };
  }
}

/** Runs `run` back to back for `durationMs` (after `warmups` unmeasured calls): how many, how fast, and each call's latency. */
export function timedLoop(run: () => unknown, durationMs: number, warmups = 2000): { queries: number; perSecond: number; latency: LatencySummary } {
  for (let i = 0; i < warmups; i++) run();
  const histogram = new LatencyHistogram();
  const started = performance.now();
  let queries = 0;
  for (let now = started; now - started < durationMs; ) {
    run();
    const after = performance.now();
    histogram.recordMs(after - now);
    now = after;
    queries++;
  }
  return { queries, perSecond: (queries / (performance.now() - started)) * 1000, latency: histogram.summary() };
}
