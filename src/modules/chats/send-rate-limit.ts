import { createRateLimiter, type RateLimiter, type RedisClient } from '../../redis/index.js';

export interface SendRateLimitOptions {
  /** Sustained messages per second per user; 0 disables the limit. */
  perSecond: number;
  /** Shared by every instance when given; memory stands in while it is unreachable. */
  redis?: RedisClient | undefined;
}

const BURST_WINDOW_SECONDS = 10;

/**
 * perSecond sends each second, plus a burst allowance of perSecond more every ten seconds
 * (a user pasting a few lines at once is not throttled). Keyed by user id.
 */
export function createSendRateLimiter({ perSecond, redis }: SendRateLimitOptions): RateLimiter {
  return createRateLimiter({
    keyPrefix: 'rl:send',
    points: perSecond,
    windowSeconds: 1,
    burst: { points: perSecond, windowSeconds: BURST_WINDOW_SECONDS },
    redis,
  });
}
