import mongoose, { type Connection, type ConnectOptions } from 'mongoose';
import type { Logger } from '../../shared/logger.js';
import { StoreStartupError, type Store } from '../store.js';
import { createConversationRepository } from './conversations.js';
import { withDeadline } from './deadline.js';
import { rethrowAsStoreError } from './errors.js';
import { createMessageRepository } from './messages.js';
import { migrateMongo } from './migrations.js';
import { createModels, type MongoConnection } from './models.js';
import { createRevocationRepository } from './revocations.js';
import { connectFailure, firstLine, hostsOf, requireTransactions, type HelloReply } from './startup.js';
import { createUserRepository } from './users.js';
import { createBlockRepository } from './blocks.js';

export interface MongoStoreOptions {
  uri: string;
  /** The database to use; default: the one the URI names. */
  dbName?: string;
  /**
   * How long an operation may take (server selection, waiting for a pooled connection and the
   * server's work included) before it fails with store_unavailable, in ms. Default 5000.
   */
  timeoutMs?: number;
  logger: Logger;
}

/**
 * Every stage of an operation bounded by an option this driver honours (its `timeoutMS` is a
 * no-op since 7.8, so it is not used): finding a server, waiting for a pooled connection, and
 * reading an answer (a frozen server: the socket times out and the connection is dropped). The
 * server's own work is bounded by maxTimeMS on each query, and the whole operation by the
 * store's deadline (deadline.ts). No command buffering: without a server, operations fail at
 * once instead of waiting in Mongoose's queue.
 */
function connectOptions(timeoutMs: number, dbName: string | undefined, { forMigrations = false } = {}): ConnectOptions {
  return {
    ...(dbName === undefined ? {} : { dbName }),
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
    waitQueueTimeoutMS: timeoutMs,
    // Index builds at start-up may take long on a big collection: only the migrations may wait.
    socketTimeoutMS: forMigrations ? 0 : timeoutMs + 1000,
    bufferCommands: false,
    // Collections and indexes are made by the migrations (migrations.ts), never behind their back:
    // a database from a newer release is refused before anything is created in it.
    autoIndex: false,
    autoCreate: false,
  };
}

/** Opens a connection and runs `use` on it, closing it on every failure path (a leaked one keeps the process alive). */
async function withConnection<T>(uri: string, options: ConnectOptions, timeoutMs: number, use: (connection: Connection) => Promise<T>, keepOpen: boolean): Promise<T> {
  const connection = mongoose.createConnection(uri, options);
  try {
    await connection.asPromise().catch((error: unknown) => {
      throw connectFailure(error, uri, timeoutMs);
    });
    const result = await use(connection);
    if (!keepOpen) await connection.close();
    return result;
  } catch (error) {
    await connection.close(true).catch(() => undefined);
    throw error;
  }
}

async function hello(connection: Connection): Promise<HelloReply> {
  const db = connection.db;
  if (!db) throw new StoreStartupError('MongoDB connection has no database');
  return (await db.admin().command({ hello: 1 })) as HelloReply;
}

/** The production store: MongoDB through Mongoose, migrated to this release's schema at start-up. */
export async function openMongoStore({ uri, dbName, timeoutMs = 5000, logger }: MongoStoreOptions): Promise<Store> {
  // First the checks and the migrations, on a connection of their own (index builds may take long).
  await withConnection(uri, connectOptions(timeoutMs, dbName, { forMigrations: true }), timeoutMs, async (connection) => {
    requireTransactions(await hello(connection), uri);
    const { from, to } = await migrateMongo(createModels(connection)).catch((error: unknown) => {
      if (error instanceof StoreStartupError) throw error;
      throw new StoreStartupError(`migrating the MongoDB database at ${hostsOf(uri)} failed: ${firstLine(error)}`, { cause: error });
    });
    if (from !== to) logger.info({ from, to }, 'MongoDB schema migrated');
  }, false);

  return withConnection(uri, connectOptions(timeoutMs, dbName), timeoutMs, async (connection) => {
    const models = createModels(connection);
    const mongo: MongoConnection = {
      connection,
      models,
      timeoutMs,
      run: (operation) => withDeadline(operation(), timeoutMs).catch(rethrowAsStoreError),
    };
    return {
      kind: 'mongodb',
      users: createUserRepository(mongo),
      messages: createMessageRepository(mongo, logger),
      conversations: createConversationRepository(mongo),
      blocks: createBlockRepository(mongo),
      revocations: createRevocationRepository(mongo),
      async ping() {
        await mongo.run(() => hello(connection));
      },
      async close() {
        await connection.close();
      },
    } satisfies Store;
  }, true);
}
