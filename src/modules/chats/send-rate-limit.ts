import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { errors } from '../../shared/errors.js';
import type { RedisClient } from '../../shared/redis-client.js';

export interface SendRateLimiter {
  /** Counts one send for the user; throws rate_limited (429) past the limit. */
  consume(userId: string): Promise<void>;
}

export interface SendRateLimitOptions {
  /** Sustained messages per second per user; 0 disables the limit. */
  perSecond: number;
  /** Shared by every instance when given; memory stands in while it is unreachable. */
  redis?: RedisClient;
}

const BURST_WINDOW_SECONDS = 10;

function limiter(redis: RedisClient | undefined, keyPrefix: string, points: number, duration: number) {
  const memory = new RateLimiterMemory({ keyPrefix, points, duration });
  if (!redis) return memory;
  return new RateLimiterRedis({
    storeClient: redis,
    useRedisPackage: true,
    rejectIfRedisNotReady: true,
    insuranceLimiter: memory,
    keyPrefix,
    points,
    duration,
  });
}

/**
 * perSecond sends each second, plus a burst allowance of perSecond more every ten seconds
 * (a user pasting a few lines at once is not throttled).
 */
export function createSendRateLimiter({ perSecond, redis }: SendRateLimitOptions): SendRateLimiter {
  if (perSecond === 0) return { consume: async () => {} };
  const bursty = new BurstyRateLimiter(
    limiter(redis, 'rl:send', perSecond, 1),
    limiter(redis, 'rl:send:burst', perSecond, BURST_WINDOW_SECONDS),
  );
  return {
    async consume(userId) {
      try {
        await bursty.consume(userId);
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) {
          throw errors.rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
        }
        throw rejection;
      }
    },
  };
}
