import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotCounter, HotHistogram } from './hot-metrics.js';

/* The hot-path metrics must scrape exactly as prom-client's own would for the same observations. */
const BUCKETS = [0.001, 0.01, 0.1, 1];
const OBSERVED = [0.0005, 0.001, 0.0010001, 0.05, 0.1, 0.7, 1, 3, 42];

describe('HotHistogram and HotCounter', () => {
  it('expose the same text as prom-client for the same observations, label sets and boundaries', async () => {
    const reference = new Registry();
    const hot = new Registry();
    const referenceHistogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['event'], buckets: BUCKETS, registers: [reference] });
    const hotHistogram = new HotHistogram({ name: 'h_seconds', help: 'h', labelNames: ['event'], buckets: BUCKETS, registry: hot });
    const referencePlain = new Histogram({ name: 'plain_seconds', help: 'p', buckets: BUCKETS, registers: [reference] });
    const hotPlain = new HotHistogram({ name: 'plain_seconds', help: 'p', buckets: BUCKETS, registry: hot });
    const referenceCounter = new Counter({ name: 'c_total', help: 'c', labelNames: ['event', 'outcome'], registers: [reference] });
    const hotCounter = new HotCounter({ name: 'c_total', help: 'c', labelNames: ['event', 'outcome'], registry: hot });
    const referenceUnlabelled = new Counter({ name: 'u_total', help: 'u', registers: [reference] });
    const hotUnlabelled = new HotCounter({ name: 'u_total', help: 'u', registry: hot });

    for (const [i, value] of OBSERVED.entries()) {
      const event = i % 2 ? 'send_message' : 'mark_read';
      referenceHistogram.labels(event).observe(value);
      hotHistogram.labels(event).observe(value);
      referencePlain.observe(value);
      hotPlain.observe(value);
      referenceCounter.labels(event, i % 3 ? 'ok' : 'rate_limited').inc();
      hotCounter.labels(event, i % 3 ? 'ok' : 'rate_limited').inc();
      referenceUnlabelled.inc(2);
      hotUnlabelled.inc(2);
    }

    expect(await hot.metrics()).toBe(await reference.metrics());
    expect(await hot.metrics()).toContain('h_seconds_bucket{le="0.001",event="send_message"}');
  });

  it('show unlabelled metrics at zero before their first use, as prom-client does', async () => {
    const reference = new Registry();
    const hot = new Registry();
    new Counter({ name: 'unused_total', help: 'u', registers: [reference] });
    new HotCounter({ name: 'unused_total', help: 'u', registry: hot });
    new Histogram({ name: 'unused_seconds', help: 'u', buckets: BUCKETS, registers: [reference] });
    new HotHistogram({ name: 'unused_seconds', help: 'u', buckets: BUCKETS, registry: hot });
    expect(await hot.metrics()).toBe(await reference.metrics());
    expect(await hot.metrics()).toContain('unused_total 0');
  });

  it('keeps counting through children looked up before a reset', async () => {
    const registry = new Registry();
    const counter = new HotCounter({ name: 'kept_total', help: 'k', labelNames: ['code'], registry });
    const child = counter.labels('ok');
    child.inc(5);
    registry.resetMetrics();
    child.inc();
    expect(await registry.metrics()).toContain('kept_total{code="ok"} 1');
  });

  it('refuses a label set of the wrong size', () => {
    const counter = new HotCounter({ name: 'sized_total', help: 's', labelNames: ['code'], registry: new Registry() });
    expect(() => counter.labels()).toThrow(/takes 1 label/);
    expect(() => counter.inc()).toThrow(/has labels/);
  });
});
