import type { RequestHandler } from 'express';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { errors } from '../../shared/errors.js';
import type { RedisClient } from '../../shared/redis-client.js';

export interface AuthRateLimitOptions {
  /** Requests per minute per client address; 0 disables the limit. */
  perMinute: number;
  /** Shared by every instance when given; memory stands in while it is unreachable. */
  redis?: RedisClient;
}

const passThrough: RequestHandler = (_req, _res, next) => next();

export function createAuthRateLimit({ perMinute, redis }: AuthRateLimitOptions): RequestHandler {
  if (perMinute === 0) return passThrough;
  const memory = new RateLimiterMemory({ keyPrefix: 'rl:auth', points: perMinute, duration: 60 });
  const limiter = redis
    ? new RateLimiterRedis({
        storeClient: redis,
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
        keyPrefix: 'rl:auth',
        points: perMinute,
        duration: 60,
      })
    : memory;

  return async (req, _res, next) => {
    try {
      await limiter.consume(req.ip ?? 'unknown');
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw errors.rateLimited(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
      throw rejection;
    }
    next();
  };
}
