import type { RedisClient } from '../../redis/index.js';
import type { PresenceStore } from './presence.store.js';

/**
 * `user:{userId}` is a sorted set of socket ids scored by when each entry expires (ms).
 * Each instance refreshes its own sockets' scores on a heartbeat; an instance that dies
 * stops refreshing and its entries fall out of the count once the TTL passes.
 *
 * Every score is written and compared in Redis's clock (TIME, inside the scripts below), never
 * in an instance's: scores written by one instance are read and pruned by the others, so with
 * local clocks an instance whose clock is behind would write entries the others see as expired
 * (and delete), and one ahead would write entries that outlive it by the difference.
 */
const presenceKey = (userId: string) => `user:${userId}`;

/** Redis's clock in ms, as the first lines of a script. */
const REDIS_NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** KEYS: presence keys; ARGV[1]: the TTL (ms); ARGV[i + 1]: the socket id for KEYS[i]. */
const REFRESH = `${REDIS_NOW}local ttl = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now + ttl, ARGV[i + 1])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  redis.call('PEXPIRE', key, ttl * 2)
end
return #KEYS`;

/** KEYS[1]: a presence key. How many of its entries have not expired. */
const COUNT = `${REDIS_NOW}return redis.call('ZCOUNT', KEYS[1], now, '+inf')`;

/** Entries refreshed per script run, so that one run never holds Redis for long. */
const REFRESH_BATCH = 500;

export function createRedisPresence(redis: RedisClient, ttlMs: number): PresenceStore {
  async function refresh(entries: { userId: string; socketId: string }[]): Promise<void> {
    await redis.eval(REFRESH, { keys: entries.map(({ userId }) => presenceKey(userId)), arguments: [String(ttlMs), ...entries.map(({ socketId }) => socketId)] });
  }
  const countSockets = async (userId: string) => Number(await redis.eval(COUNT, { keys: [presenceKey(userId)] }));

  return {
    async add(userId, socketId) {
      await refresh([{ userId, socketId }]);
    },
    async remove(userId, socketId) {
      await redis.zRem(presenceKey(userId), socketId);
    },
    async isOnline(userId) {
      return (await countSockets(userId)) > 0;
    },
    countSockets,
    async refresh(entries) {
      const all = [...entries];
      const batches: Promise<void>[] = [];
      for (let start = 0; start < all.length; start += REFRESH_BATCH) batches.push(refresh(all.slice(start, start + REFRESH_BATCH)));
      await Promise.all(batches);
    },
  };
}
