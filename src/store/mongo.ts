import mongoose from 'mongoose';
import { revocationModel } from '../modules/auth/revocation.model.js';
import { createMongoRevocationRepository } from '../modules/auth/revocations.mongo.js';
import { counterModel, messageModel } from '../modules/chats/message.model.js';
import { createMongoMessageRepository, ensureMessageSequence } from '../modules/chats/messages.mongo.js';
import { userModel } from '../modules/users/user.model.js';
import { createMongoUserRepository } from '../modules/users/users.mongo.js';
import type { Store } from './store.js';

export interface MongoStoreOptions {
  uri: string;
  /**
   * How long an operation may take (server selection included) before failing with
   * store_unavailable, in ms. Default 5000.
   */
  timeoutMs?: number;
}

/** The production store: MongoDB through Mongoose, with every index declared on the models. */
export async function openMongoStore({ uri, timeoutMs = 5000 }: MongoStoreOptions): Promise<Store> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    // Client-side operation timeout (CSOT): no send hangs longer than this, ever.
    timeoutMS: timeoutMs,
    autoIndex: false,
  });
  await connection.asPromise();
  const models = {
    users: userModel(connection),
    messages: messageModel(connection),
    counters: counterModel(connection),
    revocations: revocationModel(connection),
  };
  await Promise.all(Object.values(models).map((model) => model.createIndexes()));
  await ensureMessageSequence(models.counters);

  return {
    kind: 'mongodb',
    users: createMongoUserRepository(models.users),
    messages: createMongoMessageRepository(connection, models.messages, models.counters),
    revocations: createMongoRevocationRepository(models.revocations),
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
