import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LoadShedder, shareToShed } from './load-shedder.js';

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
function shedder(maxLagMs: number, random: () => number): LoadShedder {
  const created = new LoadShedder({ maxLagMs, intervalMs: 20, random });
  shedders.push(created);
  created.start();
  return created;
}
afterEach(() => shedders.splice(0).forEach((created) => created.stop()));

describe('LoadShedder', () => {
  it('sheds nothing while the event loop keeps up', async () => {
    const idle = shedder(200, () => 0); // a generous limit: the test machine may be busy
    await sleep(200);
    expect(idle.lagMs).toBeLessThan(200);
    expect(idle.shouldShed()).toBe(false);
  });

  it('sheds everything once the smoothed lag passes twice the limit, and stops shedding soon after the load goes', async () => {
    const starved = shedder(50, () => 0.999);
    await starve(4);
    expect(starved.lagMs).toBeGreaterThan(100);
    expect(starved.shouldShed()).toBe(true);
    const started = performance.now();
    while (starved.shouldShed()) await sleep(10);
    // A few samples of no lag bring it under: the decay is geometric.
    expect(performance.now() - started).toBeLessThan(2000);
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
