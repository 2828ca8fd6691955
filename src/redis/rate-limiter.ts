import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { errors } from '../shared/errors.js';
import type { RedisClient } from './redis-client.js';

export interface RateLimiter {
  /** Counts one event for the key; throws rate_limited (429, with the seconds to wait) past the limit. */
  consume(key: string): Promise<void>;
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

/** The one rate-limiter factory: rate-limiter-flexible counters, in Redis or in memory. */
export function createRateLimiter({ keyPrefix, points, windowSeconds, burst, redis }: RateLimiterOptions): RateLimiter {
  if (points === 0) return { consume: async () => {} };
  const limiter = counter(keyPrefix, { points, windowSeconds }, redis);
  const limited = burst ? new BurstyRateLimiter(limiter, counter(`${keyPrefix}:burst`, burst, redis)) : limiter;
  return {
    async consume(key) {
      try {
        await limited.consume(key);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          throw errors.rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
        }
        throw rejection;
      }
    },
  };
}
