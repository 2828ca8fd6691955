import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Server } from 'socket.io';
import type { RedisClient, RedisConnections } from '../redis/index.js';
import type { Logger } from '../shared/logger.js';

/** The Redis commands @socket.io/redis-adapter sends without awaiting their result. */
const FIRE_AND_FORGET = new Set([
  'publish',
  'sPublish',
  'subscribe',
  'pSubscribe',
  'sSubscribe',
  'unsubscribe',
  'pUnsubscribe',
  'sUnsubscribe',
]);

/**
 * The adapter publishes and subscribes without handling failures, so while Redis is away
 * every publish would become an unhandled rejection. This view of the client handles
 * them (the packet is lost either way; clients catch up from the store).
 */
function withHandledRejections(client: RedisClient, logger: Logger): RedisClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (typeof property !== 'string' || !FIRE_AND_FORGET.has(property)) return value.bind(target);
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (result instanceof Promise) {
          result.catch((error: unknown) => logger.debug({ err: error, command: property }, 'adapter command failed'));
        }
        return result;
      };
    },
  });
}

/** What `io.adapter()` takes. */
type AdapterFactory = Parameters<Server['adapter']>[0];

/**
 * With Redis, rooms span instances: a user's room reaches their sockets wherever they are.
 * Sharded pub/sub (Redis 7+), one channel per room: an instance hears only the rooms it
 * has sockets in, so the cost of a message does not grow with the number of instances.
 */
export function createRedisAdapter(redis: RedisConnections, logger: Logger): AdapterFactory {
  const log = logger.child({ component: 'adapter' });
  const pub = withHandledRejections(redis.pub, log);
  const sub = withHandledRejections(redis.sub, log);
  if (redis.majorVersion !== undefined && redis.majorVersion < 7) {
    log.warn({ redisVersion: redis.majorVersion }, 'Redis < 7 has no sharded pub/sub: every instance will hear every message');
    return createAdapter(pub, sub);
  }
  return createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic' });
}
