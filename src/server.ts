import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { Server } from 'socket.io';
import type { Container } from './container.js';
import { disconnectOnLogout, revalidateSockets, socketAuthentication, whenCookieSent } from './modules/auth/index.js';
import { deliverMessages, registerChatSocketHandlers, registerConversationSocketHandlers } from './modules/chats/index.js';
import { limitSocketsPerUser, trackPresence } from './modules/presence/index.js';
import { createRedisAdapter } from './realtime/redis-adapter.js';
import { correlateDeliveries } from './realtime/correlated-delivery.js';
import { instrumentSockets } from './realtime/socket-metrics.js';
import { closeSlowConsumers } from './realtime/slow-consumers.js';
import type { ParleyIo } from './realtime/types.js';
import type { PeriodicJob } from './shared/periodic-job.js';

export interface ParleyServer {
  httpServer: http.Server;
  io: ParleyIo;
  listen(port: number, host: string): Promise<AddressInfo>;
  /**
   * Graceful close within `graceMs`: stops accepting connections, lets socket events in
   * flight finish, closes socket transports so clients reconnect elsewhere, then waits for
   * open HTTP requests (cut when the time is up).
   */
  close(graceMs?: number): Promise<void>;
}

/** The largest Socket.IO packet accepted: a 4000-character message with room to spare. */
const MAX_SOCKET_PACKET_BYTES = 64 * 1024;

function createIo(httpServer: http.Server, container: Container): ParleyIo {
  const { config, redis, logger } = container;
  const io: ParleyIo = new Server(httpServer, {
    cors: { origin: config.corsOrigins.length > 0 ? config.corsOrigins : false, credentials: true },
    maxHttpBufferSize: MAX_SOCKET_PACKET_BYTES,
    pingInterval: config.socketPingIntervalSeconds * 1000,
    pingTimeout: config.socketPingTimeoutSeconds * 1000,
    serveClient: false,
  });
  if (redis) io.adapter(createRedisAdapter(redis, logger));
  correlateDeliveries(io.of('/').adapter, logger);
  return io;
}

/** Registers every module's socket side; returns the periodic jobs that need the Socket.IO server. */
function wireRealtime(io: ParleyIo, container: Container): PeriodicJob[] {
  const { logger, config } = container;
  const log = logger.child({ component: 'socket' });
  // Handshakes with a token and no cookie skip express-session.
  io.engine.use(whenCookieSent(container.sessionMiddleware));
  io.use(socketAuthentication({ auth: container.auth, allowedOrigins: config.corsOrigins, logger: log }));
  io.use(limitSocketsPerUser({ presence: container.presence, maxSocketsPerUser: config.maxSocketsPerUser, logger: log }));
  const registerChatHandlers = registerChatSocketHandlers({
    chats: container.chats,
    changes: container.messageChanges,
    logger: log,
    inflight: container.inflight,
  });
  const registerConversationHandlers = registerConversationSocketHandlers({
    conversations: container.conversations,
    typing: container.typing,
    logger: log,
    inflight: container.inflight,
  });
  io.on('connection', (socket) => {
    log.debug({ socketId: socket.id, userId: socket.data.userId }, 'socket connected');
    registerChatHandlers(socket);
    registerConversationHandlers(socket);
  });
  const { metrics } = container;
  if (metrics) instrumentSockets(io, metrics);
  deliverMessages(io, container.messageEvents, metrics ? () => metrics.messagesDelivered.inc() : undefined);
  disconnectOnLogout(io, container.authEvents);
  const presenceHeartbeat = trackPresence({
    io,
    presence: container.presence,
    heartbeatMs: (config.presenceTtlSeconds * 1000) / 3,
    graceMs: config.presenceGraceSeconds * 1000,
    audience: (userId) => container.conversations.presenceAudience(userId),
    recordLastSeen: (userId, at) => container.users.recordLastSeen(userId, at),
    logger,
  });
  const credentialCheck = revalidateSockets({
    io,
    auth: container.auth,
    intervalMs: config.credentialCheckSeconds * 1000,
    logger,
  });
  const slowConsumers = closeSlowConsumers({ io, maxBufferedBytes: config.maxSocketBufferBytes, intervalMs: 1000, logger });
  return [presenceHeartbeat, credentialCheck, slowConsumers];
}

/**
 * Closes every socket's transport once its pending packets (acks above all) are flushed.
 * Not socket.disconnect(), which tells socket.io-client to stay away: after a transport
 * close the client reconnects by itself, through the load balancer, to another instance.
 */
async function closeTransports(io: ParleyIo, timeoutMs: number): Promise<void> {
  const closing = [...io.of('/').sockets.values()].map(
    (socket) =>
      new Promise<void>((resolve) => {
        socket.conn.once('close', () => resolve());
        socket.conn.close(); // waits for the write buffer to drain first
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closing), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
  clearTimeout(timer);
}

/** The HTTP server around the app, with Socket.IO and its adapter on the same port. */
export function createServer(app: Express, container: Container): ParleyServer {
  const { logger } = container;
  const httpServer = http.createServer(app);
  httpServer.keepAliveTimeout = 65_000; // longer than common load balancer idle timeouts
  const io = createIo(httpServer, container);
  const jobs = wireRealtime(io, container);
  for (const job of jobs) job.start();

  return {
    httpServer,
    io,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          const address = httpServer.address() as AddressInfo;
          logger.info({ port: address.port, host: address.address }, 'listening');
          resolve(address);
        });
      });
    },
    async close(graceMs = 10_000) {
      for (const job of jobs) job.stop();
      if (!httpServer.listening) return;
      // One deadline for every phase, so the whole close takes at most graceMs.
      const deadline = performance.now() + graceMs;
      const remaining = () => Math.max(0, deadline - performance.now());
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve())); // no new connections
      httpServer.closeIdleConnections();
      await container.inflight.drain(remaining()); // socket events in flight finish and are acknowledged
      await closeTransports(io, remaining());
      await io.close();
      const force = setTimeout(() => httpServer.closeAllConnections(), remaining()).unref();
      await closed;
      clearTimeout(force);
    },
  };
}
