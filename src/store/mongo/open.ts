import mongoose from 'mongoose';
import type { Logger } from '../../shared/logger.js';
import type { Store } from '../store.js';
import { rethrowAsStoreError } from './errors.js';
import { createMessageRepository } from './messages.js';
import { migrateMongo } from './migrations.js';
import { createModels, type MongoConnection } from './models.js';
import { createRevocationRepository } from './revocations.js';
import { createUserRepository } from './users.js';

export interface MongoStoreOptions {
  uri: string;
  /** The database to use; default: the one the URI names. */
  dbName?: string;
  /**
   * How long an operation may take (server selection included) before failing with
   * store_unavailable, in ms. Default 5000.
   */
  timeoutMs?: number;
  logger: Logger;
}

/** The production store: MongoDB through Mongoose, migrated to this release's schema at start-up. */
export async function openMongoStore({ uri, dbName, timeoutMs = 5000, logger }: MongoStoreOptions): Promise<Store> {
  const connection = mongoose.createConnection(uri, {
    ...(dbName === undefined ? {} : { dbName }),
    serverSelectionTimeoutMS: timeoutMs,
    // Client-side operation timeout (CSOT): no send hangs longer than this, ever.
    timeoutMS: timeoutMs,
    // Collections and indexes are made by the migrations (migrations.ts), never behind their back:
    // a database from a newer release is refused before anything is created in it.
    autoIndex: false,
    autoCreate: false,
  });
  await connection.asPromise();
  const models = createModels(connection);
  try {
    const { from, to } = await migrateMongo(models);
    if (from !== to) logger.info({ from, to }, 'MongoDB schema migrated');
  } catch (error) {
    await connection.close();
    throw error;
  }

  const mongo: MongoConnection = { connection, models, run: (operation) => operation().catch(rethrowAsStoreError) };
  return {
    kind: 'mongodb',
    users: createUserRepository(mongo),
    messages: createMessageRepository(mongo, logger),
    revocations: createRevocationRepository(mongo),
    async ping() {
      const db = connection.db;
      if (!db) throw new Error('MongoDB connection is not open');
      await db.admin().ping();
    },
    async close() {
      await connection.close();
    },
  };
}
