import { LRUCache } from 'lru-cache';
import type { BlockRepository } from './blocks.repository.js';

/** How long an answer is kept: a block made on another instance reaches this one's cache within it. */
export const BLOCK_CACHE_TTL_MS = 10_000;

export type BlockCache = ReturnType<typeof createBlockCache>;

/**
 * "Does either of the two block the other?", remembered per pair for a while, for paths that must
 * not read the store per event (typing). A block or unblock on this instance forgets the pair at
 * once; one on another instance is seen within the TTL.
 */
export function createBlockCache(blocks: Pick<BlockRepository, 'eitherBlocks'>, ttlMs = BLOCK_CACHE_TTL_MS) {
  const answers = new LRUCache<string, boolean>({ max: 100_000, ttl: ttlMs });
  const keyOf = (a: string, b: string) => (a < b ? `${a} ${b}` : `${b} ${a}`);

  async function eitherBlocks(a: string, b: string): Promise<boolean> {
    const key = keyOf(a, b);
    const known = answers.get(key);
    if (known !== undefined) return known;
    const answer = await blocks.eitherBlocks(a, b);
    answers.set(key, answer);
    return answer;
  }

  return { eitherBlocks, forget: (a: string, b: string) => void answers.delete(keyOf(a, b)) };
}
