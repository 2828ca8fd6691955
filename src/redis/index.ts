export type { RedisClient } from './redis-client.js';
export { openRedisConnections, type RedisConnections } from './redis-connections.js';
export { createPerSecondLimiter, createRateLimiter, type RateLimiter } from './rate-limiter.js';
