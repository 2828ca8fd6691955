import path from 'node:path';
import type { RequestHandler } from 'express';
import type { Config } from './config.js';
import {
  AuthEvents,
  createAuthRateLimit,
  createAuthService,
  createSessionMiddleware,
  createSessionStore,
  createTokenService,
  type AuthService,
} from './modules/auth/index.js';
import { createChatService, createSendRateLimiter, MessageEvents, type ChatService } from './modules/chats/index.js';
import { createHealthService, Readiness, type HealthProbe, type HealthService } from './modules/health/index.js';
import { createMemoryPresence, createRedisPresence, type PresenceStore } from './modules/presence/index.js';
import { createUsersService, type UsersService } from './modules/users/index.js';
import { InflightTracker } from './shared/inflight.js';
import type { Logger } from './shared/logger.js';
import { connectRedis, createRedisClient, type RedisClient } from './shared/redis-client.js';
import { openMongoStore } from './store/mongo.js';
import { openSqliteStore } from './store/sqlite.js';
import type { Store } from './store/store.js';

/** The Redis connections of one instance: commands, and the adapter's publisher and subscriber. */
export interface RedisClients {
  main: RedisClient;
  pub: RedisClient;
  sub: RedisClient;
  /** The server's major version, read at start-up; undefined when Redis was not reachable then. */
  majorVersion: number | undefined;
}

/** Everything Parley is built from, made once at start-up and passed down explicitly. */
export interface Container {
  config: Config;
  logger: Logger;
  store: Store;
  redis: RedisClients | undefined;
  /** Shared by Express and the Socket.IO handshake, so a cookie means the same in both. */
  sessionMiddleware: RequestHandler;
  authRateLimit: RequestHandler;
  messageEvents: MessageEvents;
  authEvents: AuthEvents;
  presence: PresenceStore;
  auth: AuthService;
  users: UsersService;
  chats: ChatService;
  health: HealthService;
  readiness: Readiness;
  /** Socket events under way (until acknowledged): shutdown waits for them before closing sockets. */
  inflight: InflightTracker;
  close(): Promise<void>;
}

const REVOCATION_PURGE_INTERVAL_MS = 60 * 60 * 1000;

async function openStore(config: Config): Promise<Store> {
  if (config.mongodbUri) return openMongoStore({ uri: config.mongodbUri, timeoutMs: config.storeTimeoutMs });
  return openSqliteStore({ file: path.join(config.dataDir, 'parley.db'), lockTimeoutMs: config.storeTimeoutMs });
}

async function openRedis(config: Config, logger: Logger): Promise<RedisClients | undefined> {
  if (!config.redisUrl) return undefined;
  const url = config.redisUrl;
  const clients = {
    main: createRedisClient({ url, logger, role: 'main' }),
    pub: createRedisClient({ url, logger, role: 'pub' }),
    sub: createRedisClient({ url, logger, role: 'sub', offlineQueue: true }),
  };
  await Promise.all(Object.values(clients).map((client) => connectRedis(client, logger)));
  return { ...clients, majorVersion: await readMajorVersion(clients.main) };
}

async function readMajorVersion(client: RedisClient): Promise<number | undefined> {
  if (!client.isReady) return undefined;
  const info = await client.info('server').catch(() => '');
  const version = /redis_version:(\d+)/.exec(info)?.[1];
  return version === undefined ? undefined : Number(version);
}

async function closeRedis(client: RedisClient): Promise<void> {
  if (client.isReady) await client.close();
  else if (client.isOpen) client.destroy(); // still retrying: nothing queued worth waiting for
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
  const authEvents = new AuthEvents();
  const presence = redis ? createRedisPresence(redis.main, config.presenceTtlSeconds * 1000) : createMemoryPresence();
  const tokens = createTokenService({ secret: config.jwtSecret, ttlSeconds: config.jwtTtlSeconds });
  const readiness = new Readiness();
  const inflight = new InflightTracker();

  const purgeTimer = setInterval(() => {
    store.revocations.purgeExpired(new Date()).catch((error: unknown) => logger.warn({ err: error }, 'revocation purge failed'));
  }, REVOCATION_PURGE_INTERVAL_MS).unref();

  return {
    config,
    logger,
    store,
    redis,
    sessionMiddleware: createSessionMiddleware({
      secret: config.sessionSecret,
      store: createSessionStore(config.jwtTtlSeconds, redis?.main),
      ttlSeconds: config.jwtTtlSeconds,
      secureCookie: config.isProduction,
    }),
    authRateLimit: createAuthRateLimit({ perMinute: config.authRateLimitPerMinute, redis: redis?.main }),
    messageEvents,
    authEvents,
    presence,
    auth: createAuthService({
      users: store.users,
      revocations: store.revocations,
      tokens,
      sessionTtlSeconds: config.jwtTtlSeconds,
      events: authEvents,
    }),
    users: createUsersService({ users: store.users, presence }),
    chats: createChatService({
      users: store.users,
      messages: store.messages,
      events: messageEvents,
      sendRateLimiter: createSendRateLimiter({ perSecond: config.sendRateLimitPerSecond, redis: redis?.main }),
    }),
    health: createHealthService(healthProbes(store, redis?.main), readiness),
    readiness,
    inflight,
    async close() {
      clearInterval(purgeTimer);
      messageEvents.removeAllListeners();
      authEvents.removeAllListeners();
      if (redis) await Promise.all([redis.main, redis.pub, redis.sub].map(closeRedis));
      await store.close();
    },
  };
}
