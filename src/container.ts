import os from 'node:os';
import path from 'node:path';
import type { RequestHandler } from 'express';
import { Gauge } from 'prom-client';
import type { Config } from './config.js';
import {
  AuthEvents,
  createAuthRateLimit,
  createAuthService,
  createLoginThrottle,
  createPasswordHasher,
  createRevocationPurge,
  createSessionMiddleware,
  createSessionStore,
  createTokenService,
  sessionKeepAlive,
  type AuthService,
} from './modules/auth/index.js';
import {
  createChatService,
  createConversationService,
  createMessageChangeService,
  createTypingService,
  instrumentChatService,
  MessageEvents,
  type ChatService,
  type ConversationService,
  type MessageChangeService,
  type TypingService,
} from './modules/chats/index.js';
import { createHealthService, Readiness, type HealthProbe, type HealthService } from './modules/health/index.js';
import { createMemoryPresence, createRedisPresence, type PresenceStore } from './modules/presence/index.js';
import { createBlockCache, createUsersService, type UsersService } from './modules/users/index.js';
import { createPerSecondLimiter, openRedisConnections, type RedisConnections } from './redis/index.js';
import { InflightTracker } from './shared/inflight.js';
import { LoadShedder } from './shared/load-shedder.js';
import { createMetrics, type Metrics } from './shared/metrics.js';
import type { Logger } from './shared/logger.js';
import { carryRequestContext } from './shared/request-context.js';
import { instrumentStore, openStore, type Store } from './store/index.js';

/** Everything Parley is built from, made once at start-up and passed down explicitly. */
export interface Container {
  config: Config;
  logger: Logger;
  store: Store;
  redis: RedisConnections | undefined;
  /** Shared by Express and the Socket.IO handshake, so a cookie means the same in both. */
  sessionMiddleware: RequestHandler;
  authRateLimit: RequestHandler;
  messageEvents: MessageEvents;
  authEvents: AuthEvents;
  presence: PresenceStore;
  auth: AuthService;
  users: UsersService;
  chats: ChatService;
  conversations: ConversationService;
  typing: TypingService;
  messageChanges: MessageChangeService;
  health: HealthService;
  readiness: Readiness;
  /** Socket events under way (until acknowledged): shutdown waits for them before closing sockets. */
  inflight: InflightTracker;
  /** Prometheus metrics of this instance; undefined with METRICS=off (nothing is measured then). */
  metrics: Metrics | undefined;
  close(): Promise<void>;
}

/** Redis connection state (read at each scrape) and the errors each connection reports (the adapter's publishes on pub). */
function instrumentRedis(redis: RedisConnections, metrics: Metrics): void {
  const connections = { main: redis.main, pub: redis.pub, sub: redis.sub };
  new Gauge({
    name: 'parley_redis_up',
    help: 'Whether each Redis connection (main; pub and sub: the Socket.IO adapter) is ready (1) or not (0)',
    labelNames: ['connection'],
    registers: [metrics.registry],
    collect() {
      for (const [connection, client] of Object.entries(connections)) this.set({ connection }, client.isReady ? 1 : 0);
    },
  });
  for (const [connection, client] of Object.entries(connections)) {
    const errors = metrics.redisErrors.labels(connection);
    client.on('error', () => errors.inc());
  }
}

function healthProbes(store: Store, redis: RedisConnections | undefined): Record<string, HealthProbe> {
  const probes: Record<string, HealthProbe> = { store: () => store.ping() };
  if (redis) probes['redis'] = () => redis.ping();
  return probes;
}

/** The composition root: opens the store and Redis, builds every part once, and closes them in reverse. */
export async function createContainer(config: Config, logger: Logger): Promise<Container> {
  // Services and stores log per request only at debug: only then is the request context worth carrying.
  if (logger.isLevelEnabled('debug')) carryRequestContext();
  const metrics = config.metricsEnabled ? createMetrics() : undefined;
  const openedStore = await openStore({
    mongodbUri: config.mongodbUri,
    sqliteFile: path.join(config.dataDir, 'parley.db'),
    sqliteSynchronous: config.sqliteSynchronous,
    timeoutMs: config.storeTimeoutMs,
    logger,
  });
  const store = metrics ? instrumentStore(openedStore, metrics.storeOperationDuration) : openedStore;
  const redis = config.redisUrl
    ? await openRedisConnections({ url: config.redisUrl, logger, commandTimeoutMs: config.redisCommandTimeoutMs })
    : undefined;
  if (metrics && redis) instrumentRedis(redis, metrics);
  // Hashing threads share the machine's cores with the event loop: one per core but one.
  const passwords = createPasswordHasher({ threads: os.availableParallelism() - 1 });
  const messageEvents = new MessageEvents();
  const authEvents = new AuthEvents();
  const presence = redis
    ? createRedisPresence(redis.main, config.presenceTtlSeconds * 1000, config.presenceGraceSeconds * 1000)
    : createMemoryPresence();
  const readiness = new Readiness();
  const instrument = (chats: ChatService) => (metrics ? instrumentChatService(chats, metrics) : chats);
  const blockCache = createBlockCache(store.blocks);
  const sessionStore = createSessionStore(config.sessionIdleTimeoutSeconds, redis?.main);
  // Per user, REST and sockets together.
  const sendRateLimiter = createPerSecondLimiter({ keyPrefix: 'rl:send', perSecond: config.sendRateLimitPerSecond, redis: redis?.main });
  const readRateLimiter = createPerSecondLimiter({ keyPrefix: 'rl:read', perSecond: config.readRateLimitPerSecond, redis: redis?.main });
  const loadShedder = new LoadShedder({
    maxDelayMs: config.overloadDelayMs,
    maxPending: config.maxPendingSends,
    logger: logger.child({ component: 'load-shedder' }),
  });
  loadShedder.start();
  const revocationPurge = createRevocationPurge(store.revocations, logger.child({ component: 'auth' }));
  revocationPurge.start();

  return {
    config,
    logger,
    store,
    redis,
    sessionMiddleware: createSessionMiddleware({
      secret: config.sessionSecret,
      store: sessionStore,
      idleSeconds: config.sessionIdleTimeoutSeconds,
      secureCookie: config.isProduction,
    }),
    authRateLimit: createAuthRateLimit({ perMinute: config.authRateLimitPerMinute, redis: redis?.main }),
    messageEvents,
    authEvents,
    presence,
    auth: createAuthService({
      users: store.users,
      passwords,
      loginThrottle: createLoginThrottle({
        failuresPerAccountAndAddress: config.loginFailuresPerHour,
        failuresPerAccount: config.loginFailuresPerDay,
        redis: redis?.main,
      }),
      revocations: store.revocations,
      tokens: createTokenService({ secret: config.jwtSecret, ttlSeconds: config.jwtTtlSeconds }),
      sessions: sessionKeepAlive(sessionStore, config.sessionIdleTimeoutSeconds),
      sessionTtlSeconds: config.jwtTtlSeconds,
      events: authEvents,
    }),
    users: createUsersService({ users: store.users, blocks: store.blocks, blockCache, presence, readRateLimiter }),
    chats: instrument(
      createChatService({
        users: store.users,
        messages: store.messages,
        events: messageEvents,
        sendRateLimiter,
        readRateLimiter,
        loadShedder,
        logger: logger.child({ component: 'chats' }),
      }),
    ),
    conversations: createConversationService({
      conversations: store.conversations,
      users: store.users,
      blocks: store.blocks,
      isOnline: (userId) => presence.isOnline(userId),
      events: messageEvents,
      readRateLimiter,
    }),
    typing: createTypingService({ events: messageEvents, eitherBlocks: blockCache.eitherBlocks }),
    messageChanges: createMessageChangeService({
      messages: store.messages,
      events: messageEvents,
      sendRateLimiter,
      editWindowSeconds: config.editWindowSeconds,
    }),
    health: createHealthService({ probes: healthProbes(store, redis), readiness, logger: logger.child({ component: 'health' }) }),
    readiness,
    inflight: new InflightTracker(),
    metrics,
    async close() {
      revocationPurge.stop();
      loadShedder.stop();
      messageEvents.removeAllListeners();
      authEvents.removeAllListeners();
      await passwords.close();
      await redis?.close();
      await store.close();
    },
  };
}
