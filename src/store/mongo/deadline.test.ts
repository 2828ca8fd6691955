import { describe, expect, it } from 'vitest';
import { withDeadline } from './deadline.js';

describe('withDeadline (the MongoDB store’s own bound on an operation)', () => {
  it('answers store_unavailable once the deadline passes, however long the driver goes on', async () => {
    const never = new Promise<never>(() => {});
    const started = performance.now();
    await expect(withDeadline(never, 100)).rejects.toMatchObject({ code: 'store_unavailable', status: 503 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it('passes a result or a failure through when it comes in time', async () => {
    await expect(withDeadline(Promise.resolve('done'), 1000)).resolves.toBe('done');
    const failure = new Error('duplicate key');
    await expect(withDeadline(Promise.reject(failure), 1000)).rejects.toBe(failure);
  });
});
