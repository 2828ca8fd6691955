import { RedisStore } from 'connect-redis';
import type session from 'express-session';
import type { RedisClient } from '../../../redis/index.js';
import { MemorySessionStore } from './memory-session-store.js';

/** Sessions in Redis (shared by every instance, prefix `sess:`) or, without Redis, in a bounded memory store. */
export function createSessionStore(ttlSeconds: number, redis?: RedisClient): session.Store {
  return redis
    ? new RedisStore({ client: redis, prefix: 'sess:', ttl: ttlSeconds })
    : new MemorySessionStore({ ttlMs: ttlSeconds * 1000 });
}
