import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { periodicJob } from './periodic-job.js';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('periodicJob', () => {
  it('runs only once started, every interval, until stopped', async () => {
    let runs = 0;
    const job = periodicJob(1000, async () => void runs++, () => {});
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(0);
    job.start();
    job.start(); // starting twice does not double the pace
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(3);
    job.stop();
    await vi.advanceTimersByTimeAsync(3000);
    expect(runs).toBe(3);
  });

  it('never runs twice at once: a run still going when the next is due is not overlapped', async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    const job = periodicJob(
      100,
      async () => {
        running += 1;
        runs += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 250));
        running -= 1;
      },
      () => {},
    );
    job.start();
    await vi.advanceTimersByTimeAsync(1000);
    job.stop();
    expect(most).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('hands a failed run to onError and runs again at the next interval', async () => {
    const failures: unknown[] = [];
    let runs = 0;
    const job = periodicJob(
      100,
      async () => {
        runs += 1;
        if (runs === 1) throw new Error('first run fails');
      },
      (error) => failures.push(error),
    );
    job.start();
    await vi.advanceTimersByTimeAsync(250);
    job.stop();
    expect(failures).toEqual([new Error('first run fails')]);
    expect(runs).toBe(2);
  });
});
