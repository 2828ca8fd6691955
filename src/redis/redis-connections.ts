import type { Logger } from '../shared/logger.js';
import { connectRedis, createRedisClient, type RedisClient } from './redis-client.js';

/** The Redis connections of one instance: commands, and the Socket.IO adapter's publisher and subscriber. */
export interface RedisConnections {
  main: RedisClient;
  pub: RedisClient;
  sub: RedisClient;
  /** The server's major version, read at start-up; undefined when Redis was not reachable then. */
  majorVersion: number | undefined;
  /** Health probe: rejects at once while disconnected, else PINGs. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  url: string;
  logger: Logger;
  /** Milliseconds a connection may go without an answer before it is dropped and its commands fail. */
  commandTimeoutMs: number;
  /** How long start-up waits for Redis before going on without it (clients keep retrying). Default 5000 ms. */
  connectWaitMs?: number;
}

async function readMajorVersion(client: RedisClient): Promise<number | undefined> {
  if (!client.isReady) return undefined;
  const info = await client.info('server').catch(() => '');
  const version = /redis_version:(\d+)/.exec(info)?.[1];
  return version === undefined ? undefined : Number(version);
}

async function closeClient(client: RedisClient): Promise<void> {
  if (client.isReady) await client.close();
  else if (client.isOpen) client.destroy(); // still retrying: nothing queued worth waiting for
}

/**
 * Opens the three connections and waits a little for them: Redis being away at start-up
 * degrades Parley (see docs/architecture.md), it never stops it.
 */
export async function openRedisConnections({ url, logger, commandTimeoutMs, connectWaitMs = 5000 }: RedisConnectionOptions): Promise<RedisConnections> {
  const clients = {
    main: createRedisClient({ url, logger, role: 'main', answerDeadlineMs: commandTimeoutMs }),
    pub: createRedisClient({ url, logger, role: 'pub', answerDeadlineMs: commandTimeoutMs }),
    // Its subscriptions are sent again when it reconnects, so a dropped subscriber loses nothing it had.
    sub: createRedisClient({ url, logger, role: 'sub', offlineQueue: true, answerDeadlineMs: commandTimeoutMs }),
  };
  await Promise.all(Object.values(clients).map((client) => connectRedis(client, logger, connectWaitMs)));
  return {
    ...clients,
    majorVersion: await readMajorVersion(clients.main),
    async ping() {
      if (!clients.main.isReady) throw new Error('not connected');
      await clients.main.ping();
    },
    async close() {
      await Promise.all(Object.values(clients).map(closeClient));
    },
  };
}
