import type { RedisClient } from '../../redis/index.js';
import type { PresenceStore } from './presence.store.js';

/**
 * `user:{userId}` is a sorted set of socket ids scored by when each entry expires (ms).
 * Each instance refreshes its own sockets' scores on a heartbeat; an instance that dies
 * stops refreshing and its entries fall out of the count once the TTL passes.
 */
const presenceKey = (userId: string) => `user:${userId}`;

export function createRedisPresence(redis: RedisClient, ttlMs: number): PresenceStore {
  const expiry = () => Date.now() + ttlMs;

  return {
    async add(userId, socketId) {
      const key = presenceKey(userId);
      await redis.multi().zAdd(key, { score: expiry(), value: socketId }).pExpire(key, ttlMs * 2).exec();
    },
    async remove(userId, socketId) {
      await redis.zRem(presenceKey(userId), socketId);
    },
    async isOnline(userId) {
      return (await redis.zCount(presenceKey(userId), Date.now(), '+inf')) > 0;
    },
    async countSockets(userId) {
      return redis.zCount(presenceKey(userId), Date.now(), '+inf');
    },
    async refresh(entries) {
      const batch = redis.multi();
      const now = Date.now();
      let count = 0;
      for (const { userId, socketId } of entries) {
        const key = presenceKey(userId);
        batch.zAdd(key, { score: now + ttlMs, value: socketId }).zRemRangeByScore(key, '-inf', now).pExpire(key, ttlMs * 2);
        count += 1;
      }
      if (count > 0) await batch.exec();
    },
  };
}
