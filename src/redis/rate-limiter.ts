import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { errors } from '../shared/errors.js';
import type { RedisClient } from './redis-client.js';

export interface RateLimiter {
  /** Counts one event for the key; throws rate_limited (429, with the seconds to wait) past the limit. */
  consume(key: string): Promise<void>;
  /** Throws rate_limited when the key has used up its points (not counting a burst allowance), counting nothing. */
  check(key: string): Promise<void>;
  /** Forgets what the key has used (a login that succeeded, say). */
  reset(key: string): Promise<void>;
}

export interface RateLimit {
  /** Events allowed per window; 0 turns the limiter off. */
  points: number;
  windowSeconds: number;
}

export interface RateLimiterOptions extends RateLimit {
  /** Redis key prefix, e.g. "rl:auth". */
  keyPrefix: string;
  /** A second allowance used once the first is spent (rate-limiter-flexible's BurstyRateLimiter). */
  burst?: RateLimit;
  /** Counters shared by every instance when given; memory stands in while Redis is unreachable. */
  redis?: RedisClient | undefined;
}

function counter(keyPrefix: string, { points, windowSeconds }: RateLimit, redis: RedisClient | undefined): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration: windowSeconds });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
    keyPrefix,
    points,
    duration: windowSeconds,
  });
}

const rateLimited = (msBeforeNext: number) => errors.rateLimited(Math.max(1, Math.ceil(msBeforeNext / 1000)));

const unlimited: RateLimiter = { consume: async () => {}, check: async () => {}, reset: async () => {} };

/** The one rate-limiter factory: rate-limiter-flexible counters, in Redis or in memory. */
export function createRateLimiter({ keyPrefix, points, windowSeconds, burst, redis }: RateLimiterOptions): RateLimiter {
  if (points === 0) return unlimited;
  const limiter = counter(keyPrefix, { points, windowSeconds }, redis);
  const burstLimiter = burst ? counter(`${keyPrefix}:burst`, burst, redis) : undefined;
  const limited = burstLimiter ? new BurstyRateLimiter(limiter, burstLimiter) : limiter;
  return {
    async consume(key) {
      try {
        await limited.consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) throw rateLimited(rejection.msBeforeNext);
        throw rejection;
      }
    },
    async check(key) {
      const used = await limiter.get(key);
      if (used !== null && used.consumedPoints >= points) throw rateLimited(used.msBeforeNext);
    },
    async reset(key) {
      await Promise.all([limiter.delete(key), burstLimiter?.delete(key)]);
    },
  };
}

const BURST_WINDOW_SECONDS = 10;

/**
 * perSecond events each second per key, plus a burst allowance of perSecond more every ten
 * seconds (a user pasting a few lines at once, or a client paging through a sync, is not
 * throttled). Used for sends (`rl:send`) and reads (`rl:read`) per user.
 */
export function createPerSecondLimiter({ keyPrefix, perSecond, redis }: { keyPrefix: string; perSecond: number; redis?: RedisClient | undefined }): RateLimiter {
  return createRateLimiter({
    keyPrefix,
    points: perSecond,
    windowSeconds: 1,
    burst: { points: perSecond, windowSeconds: BURST_WINDOW_SECONDS },
    redis,
  });
}
