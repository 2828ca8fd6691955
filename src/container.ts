import path from 'node:path';
import type { RequestHandler } from 'express';
import type { Store as SessionStore } from 'express-session';
import type { Config } from './config.js';
import { createAuthRateLimit, createAuthService, createSessionStore, createTokenService, type AuthService } from './modules/auth/index.js';
import { createChatService, MessageEvents, type ChatService } from './modules/chats/index.js';
import { createHealthService, type HealthProbe, type HealthService } from './modules/health/index.js';
import { createUsersService, type UsersService } from './modules/users/index.js';
import type { Logger } from './shared/logger.js';
import { connectRedis, createRedisClient, type RedisClient } from './shared/redis-client.js';
import { openMongoStore } from './store/mongo.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

/** Everything Parley is built from, made once at start-up and passed down explicitly. */
export interface Container {
  config: Config;
  logger: Logger;
  store: Store;
  redis: RedisClient | undefined;
  sessionStore: SessionStore;
  authRateLimit: RequestHandler;
  messageEvents: MessageEvents;
  auth: AuthService;
  users: UsersService;
  chats: ChatService;
  health: HealthService;
  close(): Promise<void>;
}

const REVOCATION_PURGE_INTERVAL_MS = 60 * 60 * 1000;

async function openStore(config: Config): Promise<Store> {
  if (config.mongodbUri) return openMongoStore({ uri: config.mongodbUri });
  return openSqliteStore({ file: path.join(config.dataDir, 'parley.db') });
}

async function openRedis(config: Config, logger: Logger): Promise<RedisClient | undefined> {
  if (!config.redisUrl) return undefined;
  const redis = createRedisClient({ url: config.redisUrl, logger, role: 'main' });
  await connectRedis(redis, logger);
  return redis;
}

function healthProbes(store: Store, redis: RedisClient | undefined): Record<string, HealthProbe> {
  const probes: Record<string, HealthProbe> = { store: () => store.ping() };
  if (redis) {
    probes['redis'] = async () => {
      if (!redis.isReady) throw new Error('not connected');
      await redis.ping();
    };
  }
  return probes;
}

export async function createContainer(config: Config, logger: Logger): Promise<Container> {
  const store = await openStore(config);
  const redis = await openRedis(config, logger);
  const messageEvents = new MessageEvents();
  const tokens = createTokenService({ secret: config.jwtSecret, ttlSeconds: config.jwtTtlSeconds });

  const purgeTimer = setInterval(() => {
    store.revocations.purgeExpired(new Date()).catch((error: unknown) => logger.warn({ err: error }, 'revocation purge failed'));
  }, REVOCATION_PURGE_INTERVAL_MS).unref();

  return {
    config,
    logger,
    store,
    redis,
    sessionStore: createSessionStore(config.jwtTtlSeconds, redis),
    authRateLimit: createAuthRateLimit({ perMinute: config.authRateLimitPerMinute, redis }),
    messageEvents,
    auth: createAuthService({
      users: store.users,
      revocations: store.revocations,
      tokens,
      sessionTtlSeconds: config.jwtTtlSeconds,
    }),
    users: createUsersService({ users: store.users }),
    chats: createChatService({ users: store.users, messages: store.messages, events: messageEvents }),
    health: createHealthService(healthProbes(store, redis)),
    async close() {
      clearInterval(purgeTimer);
      messageEvents.removeAllListeners();
      if (redis?.isReady) await redis.close();
      else if (redis?.isOpen) redis.destroy(); // still retrying: nothing queued worth waiting for
      await store.close();
    },
  };
}
