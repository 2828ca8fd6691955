import type { RedisClient } from '../../redis/index.js';
import type { PresenceStore } from './presence.store.js';

/**
 * `user:{userId}` is a sorted set of socket ids scored by when each entry expires (ms).
 * Each instance refreshes its own sockets' scores on a heartbeat; an instance that dies
 * stops refreshing and its entries fall out of the count once the TTL passes.
 *
 * `presence:announced` is a sorted set of the users announced online to their contacts, each
 * scored by its deadline: when the user's entries all expire unless refreshed (the largest
 * score of `user:{userId}`, or, once the last socket closed, that instant plus the TTL). So the
 * deadline minus the TTL is when the user was last known connected. Membership decides the
 * transitions, each in one script: `add` announces online when the user is not a member; the
 * grace check after the last socket closed (`settleOffline`) and the heartbeat's `sweep` (for
 * entries of a dead instance) remove a member with no live socket and announce offline; a
 * member is removed once, so each transition reaches one caller on one instance.
 *
 * Every score is written and compared in Redis's clock (TIME, inside the scripts below), never
 * in an instance's: scores written by one instance are read and pruned by the others, so with
 * local clocks an instance whose clock is behind would write entries the others see as expired
 * (and delete), and one ahead would write entries that outlive it by the difference.
 */
const presenceKey = (userId: string) => `user:${userId}`;
export const ANNOUNCED_KEY = 'presence:announced';

/** Redis's clock in ms, as the first lines of a script. */
const REDIS_NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/** Raises the user's deadline in presence:announced (KEYS[1]) to `deadline`, creating the member when absent. */
const RAISE_DEADLINE = `local function raise(userId, deadline)
  local current = tonumber(redis.call('ZSCORE', KEYS[1], userId))
  if not current or current < deadline then redis.call('ZADD', KEYS[1], deadline, userId) end
  return current
end
`;

/**
 * KEYS[1]: presence:announced, KEYS[i + 1]: a presence key; ARGV[1]: the TTL (ms), ARGV[2i], ARGV[2i + 1]:
 * the socket id and user id for KEYS[i + 1]. Re-asserts each entry and its user's deadline; a
 * user whose announcement is missing (Redis restarted empty) is re-marked, without announcing.
 */
const REFRESH = `${REDIS_NOW}${RAISE_DEADLINE}local ttl = tonumber(ARGV[1])
for i = 2, #KEYS do
  local key = KEYS[i]
  redis.call('ZADD', key, now + ttl, ARGV[2 * i - 2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
  redis.call('PEXPIRE', key, ttl * 2)
  raise(ARGV[2 * i - 1], now + ttl)
end
return #KEYS - 1`;

/**
 * KEYS[1]: presence:announced, KEYS[2]: the presence key; ARGV: TTL (ms), socket id, user id.
 * 1 when the user was not announced online: now they are, and the caller announces it.
 */
const ADD = `${REDIS_NOW}${RAISE_DEADLINE}local ttl = tonumber(ARGV[1])
redis.call('ZADD', KEYS[2], now + ttl, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
redis.call('PEXPIRE', KEYS[2], ttl * 2)
if raise(ARGV[3], now + ttl) then return 0 end
return 1`;

/**
 * KEYS[1]: presence:announced, KEYS[2]: the presence key; ARGV: TTL (ms), socket id, user id.
 * The user's live sockets left; at 0 the deadline counts from now (last seen now).
 */
const REMOVE = `${REDIS_NOW}local ttl = tonumber(ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local live = redis.call('ZCARD', KEYS[2])
if live == 0 and redis.call('ZSCORE', KEYS[1], ARGV[3]) then redis.call('ZADD', KEYS[1], now + ttl, ARGV[3]) end
return live`;

/** KEYS[1]: presence:announced, KEYS[2]: the presence key; ARGV[1]: user id. 1: went offline, announce it. */
const SETTLE = `${REDIS_NOW}redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) > 0 then return 0 end
return redis.call('ZREM', KEYS[1], ARGV[1])`;

/** KEYS[1]: presence:announced; ARGV: grace (ms), most. Users whose deadline passed at least the grace ago. */
const EXPIRED = `${REDIS_NOW}return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]), 'LIMIT', 0, tonumber(ARGV[2]))`;

/**
 * KEYS[1]: presence:announced, KEYS[i + 1]: the presence key of user ARGV[i + 1]; ARGV[1]: grace (ms).
 * Re-checks each candidate: with no live entry, un-announces it and answers it with its deadline;
 * with one (refreshed since), moves its deadline to its entries' largest score.
 */
const SWEEP = `${REDIS_NOW}local grace = tonumber(ARGV[1])
local gone = {}
for i = 2, #KEYS do
  local userId = ARGV[i]
  local deadline = redis.call('ZSCORE', KEYS[1], userId)
  if deadline and tonumber(deadline) + grace <= now then
    redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
    local top = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
    if #top == 0 then
      redis.call('ZREM', KEYS[1], userId)
      gone[#gone + 1] = userId
      gone[#gone + 1] = deadline
    else
      redis.call('ZADD', KEYS[1], top[2], userId)
    end
  end
end
return gone`;

/** KEYS[1]: a presence key. How many of its entries have not expired. */
const COUNT = `${REDIS_NOW}return redis.call('ZCOUNT', KEYS[1], now, '+inf')`;

/** Entries refreshed (or users swept) per script run, so that one run never holds Redis for long. */
const BATCH = 500;

/**
 * `ttlMs`: how long an entry lives unrefreshed. `graceMs`: how long after the last socket closed
 * the offline check runs; the sweep leaves a user alone that long past their deadline, so that it
 * never takes a user whose check is still to come.
 */
export function createRedisPresence(redis: RedisClient, ttlMs: number, graceMs = 0): PresenceStore {
  const ttl = String(ttlMs);
  async function refresh(entries: { userId: string; socketId: string }[]): Promise<void> {
    await redis.eval(REFRESH, {
      keys: [ANNOUNCED_KEY, ...entries.map(({ userId }) => presenceKey(userId))],
      arguments: [ttl, ...entries.flatMap(({ userId, socketId }) => [socketId, userId])],
    });
  }
  const countSockets = async (userId: string) => Number(await redis.eval(COUNT, { keys: [presenceKey(userId)] }));

  return {
    async add(userId, socketId) {
      return Number(await redis.eval(ADD, { keys: [ANNOUNCED_KEY, presenceKey(userId)], arguments: [ttl, socketId, userId] })) === 1;
    },
    async remove(userId, socketId) {
      return Number(await redis.eval(REMOVE, { keys: [ANNOUNCED_KEY, presenceKey(userId)], arguments: [ttl, socketId, userId] }));
    },
    async settleOffline(userId) {
      return Number(await redis.eval(SETTLE, { keys: [ANNOUNCED_KEY, presenceKey(userId)], arguments: [userId] })) === 1;
    },
    async isOnline(userId) {
      return (await countSockets(userId)) > 0;
    },
    countSockets,
    async refresh(entries) {
      const all = [...entries];
      const batches: Promise<void>[] = [];
      for (let start = 0; start < all.length; start += BATCH) batches.push(refresh(all.slice(start, start + BATCH)));
      await Promise.all(batches);
    },
    async sweep() {
      const candidates = (await redis.eval(EXPIRED, { keys: [ANNOUNCED_KEY], arguments: [String(graceMs), String(BATCH)] })) as string[];
      if (candidates.length === 0) return [];
      const reply = (await redis.eval(SWEEP, {
        keys: [ANNOUNCED_KEY, ...candidates.map(presenceKey)],
        arguments: [String(graceMs), ...candidates],
      })) as string[];
      const gone: { userId: string; lastSeenAt: Date }[] = [];
      for (let i = 0; i + 1 < reply.length; i += 2) gone.push({ userId: reply[i] as string, lastSeenAt: new Date(Number(reply[i + 1]) - ttlMs) });
      return gone;
    },
  };
}
