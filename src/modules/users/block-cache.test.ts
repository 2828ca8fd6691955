import { describe, expect, it } from 'vitest';
import { createBlockCache } from './block-cache.js';

describe('block cache', () => {
  it('reads a pair once, in either order, until it is forgotten or its answer expires', async () => {
    let blocked = false;
    let reads = 0;
    const cache = createBlockCache({ eitherBlocks: async () => (reads++, blocked) }, 50);
    expect(await cache.eitherBlocks('a', 'b')).toBe(false);
    blocked = true;
    expect(await cache.eitherBlocks('b', 'a')).toBe(false); // remembered
    expect(reads).toBe(1);
    cache.forget('b', 'a');
    expect(await cache.eitherBlocks('a', 'b')).toBe(true);
    expect(reads).toBe(2);
    blocked = false;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await cache.eitherBlocks('a', 'b')).toBe(false);
    expect(reads).toBe(3);
  });
});
