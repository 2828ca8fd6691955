import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SchemaTooNewError, type Store } from '../../src/store/index.js';
import { MONGO_MIGRATIONS, openMongoStore } from '../../src/store/mongo/index.js';
import { silentLogger } from '../helpers/silent-logger.js';

/*
 * MongoDB's schema migrations, against a real server when MONGODB_URI is set (see
 * mongo.test.ts). Each test works in a database of its own, dropped afterwards.
 */
const uri = process.env['MONGODB_URI'];
const latest = MONGO_MIGRATIONS.at(-1)?.version as number;

describe.skipIf(!uri)(uri ? 'MongoDB schema migrations' : 'MongoDB schema migrations (skipped: set MONGODB_URI to run)', () => {
  let admin: mongoose.Connection;
  const stores: Store[] = [];
  const databases: string[] = [];

  beforeAll(async () => {
    admin = await mongoose.createConnection(uri as string).asPromise();
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(databases.splice(0).map((name) => admin.useDb(name).dropDatabase()));
  });
  afterAll(() => admin.close());

  function freshDatabase() {
    const name = `parley-migrations-${randomBytes(4).toString('hex')}`;
    databases.push(name);
    return { name, db: admin.useDb(name).db };
  }

  async function open(dbName: string): Promise<Store> {
    const store = await openMongoStore({ uri: uri as string, dbName, logger: silentLogger });
    stores.push(store);
    return store;
  }

  it('records the latest version in a new database and creates every index', async () => {
    const { name, db } = freshDatabase();
    await open(name);
    expect(await db?.collection('parley_meta').findOne({ _id: 'schema' as never })).toEqual({ _id: 'schema', version: latest });
    const messageIndexes = (await db?.collection('messages').indexes())?.map((index) => index.name);
    expect(messageIndexes).toEqual(expect.arrayContaining(['conversationId_1_seq_-1', 'senderId_1_clientMsgId_1']));
    expect(messageIndexes).not.toContain('seq_1'); // no store-wide sequence any more
    const feedIndexes = (await db?.collection('feeds').indexes())?.map((index) => index.name);
    expect(feedIndexes).toContain('userId_1_pos_1');
  });

  it('upgrades a database as 0.1.0 left it: its messages join their participants’ feeds at their old seq, old sync cursors go on working, numbers carry on above', async () => {
    const { name, db } = freshDatabase();
    const messages = db?.collection('messages');
    await messages?.createIndex({ seq: 1 }, { unique: true }); // as 0.1.0 made it
    const old = (seq: number, conversationId: string, senderId: string, receiverId: string) => ({
      _id: new mongoose.Types.ObjectId(),
      seq,
      conversationId,
      senderId,
      receiverId,
      message: `old ${seq}`,
      createdAt: new Date(),
    });
    await messages?.insertMany([old(39, 'dm:a:c', 'c', 'a'), old(40, 'dm:a:b', 'a', 'b'), old(41, 'dm:a:b', 'b', 'a')]);
    await db?.collection('counters').insertOne({ _id: 'messages' as never, value: 41 });

    const store = await open(name);
    expect(await db?.collection('parley_meta').findOne({ _id: 'schema' as never })).toEqual({ _id: 'schema', version: latest });
    expect((await messages?.indexes())?.map((index) => index.name)).not.toContain('seq_1');
    const feedOf = async (userId: string, afterPosition = 0) =>
      (await store.messages.listFeedAfter(userId, { afterPosition, limit: 100 })).map((entry) => [entry.position, entry.message.message]);
    expect(await feedOf('a')).toEqual([[39, 'old 39'], [40, 'old 40'], [41, 'old 41']]);
    expect(await feedOf('b', 40)).toEqual([[41, 'old 41']]); // a cursor issued before the upgrade

    const { message } = await store.messages.insert({ conversationId: 'dm:a:b', senderId: 'a', receiverId: 'b', message: 'new', createdAt: new Date() });
    expect(message.seq).toBe(42); // the conversation's counter starts at its largest seq
    expect(await feedOf('b', 41)).toEqual([[42, 'new']]);
    const { message: elsewhere } = await store.messages.insert({ conversationId: 'dm:x:y', senderId: 'x', receiverId: 'y', message: 'fresh', createdAt: new Date() });
    expect(elsewhere.seq).toBe(1); // a new conversation counts from 1
  });

  it('refuses a database written by a newer release, before creating anything in it', async () => {
    const { name, db } = freshDatabase();
    await db?.collection('parley_meta').insertOne({ _id: 'schema' as never, version: latest + 1 });
    const refusal = await openMongoStore({ uri: uri as string, dbName: name, logger: silentLogger }).then(
      (store) => {
        stores.push(store);
        return undefined;
      },
      (error: unknown) => error,
    );
    expect(refusal).toBeInstanceOf(SchemaTooNewError);
    expect((refusal as Error).message).toContain(`schema version ${latest + 1}`);
    const collections = (await db?.listCollections().toArray())?.map((collection) => collection.name);
    expect(collections).toEqual(['parley_meta']);
  });
});
