import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadShedder, shareToShed } from './load-shedder.js';
import type { Logger } from './logger.js';

/** Holds the event loop, as more work than the process can carry does. */
function busyFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // spin
  }
}

async function starve(rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    busyFor(300);
    await sleep(5); // let the sampling timer run, late
  }
}

const shedders: LoadShedder[] = [];
function shedder(maxDelayMs: number, random: () => number): LoadShedder {
  const created = new LoadShedder({ maxDelayMs, intervalMs: 20, random });
  shedders.push(created);
  created.start();
  return created;
}
afterEach(() => shedders.splice(0).forEach((created) => created.stop()));

describe('LoadShedder', () => {
  it('sheds nothing while the event loop keeps up', async () => {
    const idle = shedder(200, () => 0); // a generous limit: the test machine may be busy
    await sleep(200);
    expect(idle.delayMs).toBeLessThan(200);
    expect(idle.shouldShed()).toBe(false);
  });

  it('sheds everything once the smoothed lag passes twice the limit, and stops shedding soon after the load goes', async () => {
    const starved = shedder(50, () => 0.999);
    await starve(4);
    expect(starved.delayMs).toBeGreaterThan(100);
    expect(starved.shouldShed()).toBe(true);
    const started = performance.now();
    while (starved.shouldShed()) await sleep(10);
    // A few samples of no lag bring it under: the decay is geometric.
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('also sheds when the work reports waiting (a commit queue) while the event loop keeps up', async () => {
    const queued = shedder(50, () => 0.999);
    const reporting = setInterval(() => queued.end(queued.begin() - 300), 5);
    try {
      await sleep(300);
      expect(queued.delayMs).toBeGreaterThan(100);
      expect(queued.shouldShed()).toBe(true);
    } finally {
      clearInterval(reporting);
    }
    const started = performance.now();
    while (queued.shouldShed()) await sleep(10);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('sheds every new piece of work while maxPending are under way, at once, and none once one ends', () => {
    const bounded = new LoadShedder({ maxDelayMs: 0, maxPending: 2, random: () => 0 });
    const first = bounded.begin();
    bounded.begin();
    expect(bounded.shouldShed()).toBe(true);
    bounded.end(first);
    expect(bounded.shouldShed()).toBe(false);
  });

  it('logs one warning while shedding, with the count, not one line per refusal', async () => {
    const warnings: unknown[] = [];
    const logger = { warn: (fields: unknown) => warnings.push(fields) } as unknown as Logger;
    const bounded = new LoadShedder({ maxDelayMs: 0, maxPending: 1, intervalMs: 20, logger });
    shedders.push(bounded);
    bounded.start();
    bounded.begin();
    for (let i = 0; i < 500; i++) bounded.shouldShed();
    await sleep(100);
    expect(warnings).toEqual([expect.objectContaining({ shed: 500, pending: 1 })]);
  });

  it('sheds a share that grows with the excess lag, not all or nothing', () => {
    expect(shareToShed(50, 100)).toBe(0);
    expect(shareToShed(100, 100)).toBe(0);
    expect(shareToShed(150, 100)).toBe(0.5);
    expect(shareToShed(200, 100)).toBe(1);
    expect(shareToShed(900, 100)).toBe(1);
    expect(shareToShed(900, 0)).toBe(0);
  });

  it('is off with a limit of 0, whatever the lag', async () => {
    const off = shedder(0, () => 0);
    await starve(2);
    expect(off.shouldShed()).toBe(false);
  });
});
