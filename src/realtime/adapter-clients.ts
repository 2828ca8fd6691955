import type { Logger } from '../shared/logger.js';
import type { RedisClient } from '../shared/redis-client.js';

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
export function withHandledRejections(client: RedisClient, logger: Logger): RedisClient {
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
