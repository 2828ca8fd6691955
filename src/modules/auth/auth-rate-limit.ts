import type { RequestHandler } from 'express';
import { createRateLimiter, type RedisClient } from '../../redis/index.js';

export interface AuthRateLimitOptions {
  /** Requests per minute per client address; 0 disables the limit. */
  perMinute: number;
  /** Shared by every instance when given; memory stands in while it is unreachable. */
  redis?: RedisClient | undefined;
}

/** Register and login attempts per client address and minute, counted before the body is read. */
export function createAuthRateLimit({ perMinute, redis }: AuthRateLimitOptions): RequestHandler {
  const limiter = createRateLimiter({ keyPrefix: 'rl:auth', points: perMinute, windowSeconds: 60, redis });
  return async (req, _res, next) => {
    await limiter.consume(req.ip ?? 'unknown');
    next();
  };
}
