import { createClient } from 'redis';
import type { Logger } from '../shared/logger.js';

/**
 * A Redis that is there but does not answer (paused, a partition) must fail commands like one
 * that is gone, so that every caller degrades the same way. node-redis's command `timeout` only
 * covers the wait to be written, not the wait for the answer, so the deadline is the socket's:
 * a connection that receives nothing for `answerDeadlineMs` is closed (its pending commands
 * fail, the client reconnects), and a PING every third of it keeps a healthy idle one alive.
 */
function createRetryingClient(url: string, offlineQueue: boolean, answerDeadlineMs: number) {
  return createClient({
    url,
    socket: {
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3000),
      connectTimeout: Math.max(answerDeadlineMs, 1000),
      socketTimeout: answerDeadlineMs,
    },
    pingInterval: Math.max(1, Math.floor(answerDeadlineMs / 3)),
    disableOfflineQueue: !offlineQueue,
    commandsQueueMaxLength: 10_000,
  });
}

export type RedisClient = ReturnType<typeof createRetryingClient>;

export interface RedisClientOptions {
  url: string;
  logger: Logger;
  /** A name for logs, e.g. "main" or "pub". */
  role: string;
  /**
   * Queue commands while disconnected (bounded) and send them on reconnect. Off by default:
   * commands then fail at once, and callers fall back or answer 503. A subscriber wants it
   * on, so subscriptions made while Redis is away take effect when it returns.
   */
  offlineQueue?: boolean;
  /** Milliseconds a connection may go without hearing from Redis before it is dropped (its commands fail). */
  answerDeadlineMs: number;
}

/**
 * A node-redis client that retries for ever with capped backoff and only logs connection
 * errors: Redis being away degrades Parley, it never stops it.
 */
export function createRedisClient({ url, logger, role, offlineQueue = false, answerDeadlineMs }: RedisClientOptions): RedisClient {
  const log = logger.child({ component: 'redis', role });
  const client = createRetryingClient(url, offlineQueue, answerDeadlineMs);
  let wasReady = false;
  client.on('error', (error: Error) => {
    if (wasReady) log.warn({ err: error }, 'redis connection error');
    wasReady = false;
  });
  client.on('ready', () => {
    wasReady = true;
    log.info('redis ready');
  });
  return client;
}

/** Starts connecting; resolves once connected or after `waitMs`, while the client keeps retrying. */
export async function connectRedis(client: RedisClient, logger: Logger, waitMs = 5000): Promise<void> {
  const connecting = client.connect().catch((error: unknown) => {
    logger.error({ err: error }, 'redis connect failed');
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), waitMs);
  });
  const outcome = await Promise.race([connecting, timeout]);
  clearTimeout(timer);
  if (outcome === 'timeout') logger.warn('redis not reachable yet; starting anyway and retrying in the background');
}
