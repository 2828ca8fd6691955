import type { Metric, Registry } from 'prom-client';

/**
 * A counter and a histogram for the paths every message takes, registered in a prom-client Registry
 * that formats them at scrape time like its own. Why not prom-client's: each of its `inc` and
 * `observe` calls builds a label hash string and a label-value object, and finds the histogram
 * bucket through a number-keyed object; at thousands of messages a second that garbage was the
 * largest part of what metrics cost (docs/benchmarks.md, "S10: metrics cost"). Here a label set is
 * resolved once, by `labels(...)`, to a child that only adds to numbers.
 */
interface Options<L extends string> {
  name: string;
  help: string;
  labelNames?: readonly L[];
  registry: Registry;
}

type LabelValues = Partial<Record<string, string | number>>;

/** One line of the exposition, as prom-client's registry formats it. */
interface Sample {
  metricName: string;
  labels: LabelValues;
  /** Written after `labels` (a histogram's label set, after its `le`), as prom-client's histogram does. */
  sharedLabels?: LabelValues;
  value: number;
}

/** One label set's children, created on first use; label values must come from a bounded set. */
abstract class HotMetric<L extends string, Child> {
  readonly name: string;
  readonly help: string;
  readonly aggregator = 'sum' as const;
  abstract readonly type: 'counter' | 'histogram';
  protected readonly labelNames: readonly L[];
  private readonly children = new Map<string, { labels: LabelValues; child: Child }>();

  constructor({ name, help, labelNames = [], registry }: Options<L>) {
    this.name = name;
    this.help = help;
    this.labelNames = labelNames;
    // prom-client's registry reads name, help, type, aggregator, get() and reset() (lib/registry.js);
    // its TypeScript type names only its own classes.
    registry.registerMetric(this as unknown as Metric);
  }

  /** The child of one label set, in labelNames order. Look it up once and keep it on hot paths. */
  labels(...values: string[]): Child {
    if (values.length !== this.labelNames.length) throw new Error(`${this.name} takes ${this.labelNames.length} label values`);
    const key = values.join('\u0000');
    let entry = this.children.get(key);
    if (!entry) {
      const labels = Object.fromEntries(this.labelNames.map((label, i) => [label, values[i]]));
      entry = { labels, child: this.createChild() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  /** Zeroes every child in place: children kept by callers go on counting. */
  reset(): void {
    for (const { child } of this.children.values()) this.zero(child);
  }

  async get() {
    const values = [...this.children.values()].flatMap(({ labels, child }) => this.samples(labels, child));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  protected abstract createChild(): Child;
  protected abstract zero(child: Child): void;
  protected abstract samples(labels: LabelValues, child: Child): Sample[];
}

export interface CounterChild {
  inc(by?: number): void;
}

class CounterValue implements CounterChild {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class HotCounter<L extends string = never> extends HotMetric<L, CounterChild> {
  readonly type = 'counter';
  /** Without labels the one child exists from the start, so the scrape shows 0 before the first count. */
  private readonly unlabelled: CounterChild | undefined;

  constructor(options: Options<L>) {
    super(options);
    this.unlabelled = this.labelNames.length === 0 ? this.labels() : undefined;
  }

  /** For a counter without labels. */
  inc(by = 1): void {
    if (!this.unlabelled) throw new Error(`${this.name} has labels: count through labels(...)`);
    this.unlabelled.inc(by);
  }

  protected createChild(): CounterChild {
    return new CounterValue();
  }

  protected zero(child: CounterChild): void {
    (child as CounterValue).value = 0;
  }

  protected samples(labels: LabelValues, child: CounterChild): Sample[] {
    return [{ metricName: this.name, labels, value: (child as CounterValue).value }];
  }
}

export interface HistogramChild {
  observe(value: number): void;
}

class HistogramValue implements HistogramChild {
  /** Per bucket, not cumulative; the last one counts values above every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    let bucket = 0;
    while (bucket < this.bounds.length && value > (this.bounds[bucket] as number)) bucket++;
    this.counts[bucket]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

export class HotHistogram<L extends string = never> extends HotMetric<L, HistogramChild> {
  readonly type = 'histogram';
  private readonly bounds: readonly number[];
  private readonly unlabelled: HistogramChild | undefined;

  constructor(options: Options<L> & { buckets: readonly number[] }) {
    super(options);
    this.bounds = [...options.buckets].sort((a, b) => a - b);
    this.unlabelled = this.labelNames.length === 0 ? this.labels() : undefined;
  }

  /** For a histogram without labels. */
  observe(value: number): void {
    if (!this.unlabelled) throw new Error(`${this.name} has labels: observe through labels(...)`);
    this.unlabelled.observe(value);
  }

  protected createChild(): HistogramChild {
    return new HistogramValue(this.bounds);
  }

  protected zero(child: HistogramChild): void {
    const value = child as HistogramValue;
    value.counts.fill(0);
    value.sum = 0;
    value.count = 0;
  }

  protected samples(labels: LabelValues, child: HistogramChild): Sample[] {
    const { counts, sum, count } = child as HistogramValue;
    let cumulative = 0;
    const buckets = [...this.bounds, '+Inf' as const].map((le, i) => {
      cumulative += counts[i] as number;
      return { metricName: `${this.name}_bucket`, labels: { le }, sharedLabels: labels, value: cumulative };
    });
    return [...buckets, { metricName: `${this.name}_sum`, labels, value: sum }, { metricName: `${this.name}_count`, labels, value: count }];
  }
}
