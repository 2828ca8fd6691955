import { RedisStore } from 'connect-redis';
import type session from 'express-session';
import type { RedisClient } from '../../../redis/index.js';
import { MemorySessionStore } from './memory-session-store.js';

/**
 * Sessions in Redis (shared by every instance, prefix `sess:`) or, without Redis, in a bounded
 * memory store. Either forgets a session once it has been idle for `idleSeconds` (the cookie's
 * rolling expiry); the absolute lifetime is checked on use.
 */
export function createSessionStore(idleSeconds: number, redis?: RedisClient): session.Store {
  return redis
    ? new RedisStore({ client: redis, prefix: 'sess:', ttl: idleSeconds })
    : new MemorySessionStore({ ttlMs: idleSeconds * 1000 });
}

export interface SessionKeepAlive {
  /**
   * Whether the session is still in its store, pushing its idle expiry `idleSeconds` further
   * (an open socket is its user being there); undefined when the store cannot be read now.
   */
  keepAlive(sessionId: string): Promise<boolean | undefined>;
}

export function sessionKeepAlive(store: session.Store, idleSeconds: number): SessionKeepAlive {
  return {
    keepAlive(sessionId) {
      return new Promise((resolve) => {
        store.get(sessionId, (error, data) => {
          if (error) return resolve(undefined);
          if (!data) return resolve(false);
          data.cookie.expires = new Date(Date.now() + idleSeconds * 1000);
          const done = () => resolve(true);
          if (store.touch) store.touch(sessionId, data, done);
          else store.set(sessionId, data, done);
        });
      });
    },
  };
}
