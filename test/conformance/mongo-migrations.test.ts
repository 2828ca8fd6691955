import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SchemaTooNewError, type Store } from '../../src/store/index.js';
import { MONGO_MIGRATIONS, openMongoStore } from '../../src/store/mongo/index.js';
import { createModels } from '../../src/store/mongo/models.js';
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

  it('upgrades a database as step 2 left it: messages get their feed positions, each side of each conversation its last message, watermarks at the newest message received, nothing unread', async () => {
    const { name, db } = freshDatabase();
    const messages = db?.collection('messages');
    const ids = Array.from({ length: 5 }, () => new mongoose.Types.ObjectId());
    const [m1, m2, m3, m4, m5] = ids as [mongoose.Types.ObjectId, mongoose.Types.ObjectId, mongoose.Types.ObjectId, mongoose.Types.ObjectId, mongoose.Types.ObjectId];
    const message = (_id: mongoose.Types.ObjectId, seq: number, conversationId: string, senderId: string, receiverId: string, text: string) => ({
      _id,
      seq,
      conversationId,
      senderId,
      receiverId,
      message: text,
      createdAt: new Date(),
    });
    // In commit order, with each participant's feed position (a's: 1 to 5); m5 is a note to oneself (one feed entry).
    await messages?.insertMany([
      message(m1, 1, 'dm:a:b', 'a', 'b', 'm1'),
      message(m3, 1, 'dm:a:c', 'c', 'a', 'm3'),
      message(m2, 2, 'dm:a:b', 'b', 'a', 'm2'),
      message(m4, 2, 'dm:a:c', 'a', 'c', 'm4'),
      message(m5, 1, 'dm:a:a', 'a', 'a', 'm5'),
    ]);
    const feed = (userId: string, pos: number, messageId: mongoose.Types.ObjectId) => ({ userId, pos, messageId });
    await db?.collection('feeds').insertMany([
      feed('a', 1, m1), feed('b', 1, m1),
      feed('c', 1, m3), feed('a', 2, m3),
      feed('b', 2, m2), feed('a', 3, m2),
      feed('a', 4, m4), feed('c', 2, m4),
      feed('a', 5, m5),
    ]);
    const counter = (_id: string, value: number) => ({ _id: _id as never, value });
    await db?.collection('counters').insertMany([
      counter('messages', 0),
      counter('conv:dm:a:b', 2), counter('conv:dm:a:c', 2), counter('conv:dm:a:a', 1),
      counter('user:a', 5), counter('user:b', 2), counter('user:c', 2),
    ]);
    await db?.collection('parley_meta').insertOne({ _id: 'schema' as never, version: 2 });

    const store = await open(name);
    expect(await db?.collection('parley_meta').findOne({ _id: 'schema' as never })).toEqual({ _id: 'schema', version: latest });
    expect((await db?.collection('conversations').indexes())?.map((index) => index.name)).toEqual(
      expect.arrayContaining(['userId_1_conversationId_1', 'userId_1_lastPos_-1']),
    );
    const positions = await messages?.find({}, { projection: { _id: 0, message: 1, senderPos: 1, receiverPos: 1 } }).sort({ message: 1 }).toArray();
    expect(positions).toEqual([
      { message: 'm1', senderPos: 1, receiverPos: 1 },
      { message: 'm2', senderPos: 2, receiverPos: 3 },
      { message: 'm3', senderPos: 1, receiverPos: 2 },
      { message: 'm4', senderPos: 4, receiverPos: 2 },
      { message: 'm5', senderPos: 5, receiverPos: 5 },
    ]);

    const inbox = await store.conversations.listInbox('a', { limit: 10 });
    expect(inbox.asOf).toBe(5);
    expect(inbox.entries.map((entry) => [entry.position, entry.conversation.conversationId, entry.conversation.lastMessage.message])).toEqual([
      [5, 'dm:a:a', 'm5'],
      [4, 'dm:a:c', 'm4'],
      [3, 'dm:a:b', 'm2'],
    ]);
    const find = (userId: string, conversationId: string) => store.conversations.find(userId, conversationId);
    const hex = (id: mongoose.Types.ObjectId) => id.toHexString();
    // Each side's watermarks at the newest message it received from the other: nothing unread.
    expect(await find('a', 'dm:a:b')).toMatchObject({
      peerId: 'b', position: 3, lastMessage: { id: hex(m2), seq: 2, message: 'm2' }, unreadCount: 0,
      readUpTo: hex(m2), deliveredUpTo: hex(m2), peerReadUpTo: hex(m1), peerDeliveredUpTo: hex(m1),
    });
    expect(await find('b', 'dm:a:b')).toMatchObject({ peerId: 'a', position: 2, lastMessage: { id: hex(m2) }, unreadCount: 0, readUpTo: hex(m1), deliveredUpTo: hex(m1) });
    expect(await find('a', 'dm:a:c')).toMatchObject({ peerId: 'c', position: 4, lastMessage: { id: hex(m4) }, unreadCount: 0, readUpTo: hex(m3), peerReadUpTo: hex(m4) });
    expect(await find('c', 'dm:a:c')).toMatchObject({ peerId: 'a', position: 2, lastMessage: { id: hex(m4) }, unreadCount: 0, readUpTo: hex(m4), deliveredUpTo: hex(m4) });
    expect(await find('a', 'dm:a:a')).toMatchObject({ peerId: 'a', position: 5, lastMessage: { id: hex(m5) }, unreadCount: 0, readUpTo: null, deliveredUpTo: null });
    // As of a's position 3 (before m4 and m5): dm:a:c stood at m3, dm:a:a did not exist yet.
    const earlier = await store.conversations.listInbox('a', { asOf: 3, limit: 10 });
    expect(earlier.entries.map((entry) => [entry.position, entry.conversation.conversationId])).toEqual([
      [3, 'dm:a:b'],
      [2, 'dm:a:c'],
    ]);

    // Sends carry on above: one more unread, on top of the inbox.
    const { message: fresh } = await store.messages.insert({ conversationId: 'dm:a:c', senderId: 'c', receiverId: 'a', message: 'fresh', createdAt: new Date() });
    expect(fresh.seq).toBe(3);
    expect(await find('a', 'dm:a:c')).toMatchObject({ position: 6, lastMessage: fresh, unreadCount: 1, readUpTo: hex(m3) });
    // Run again (another instance starting at the same moment): a document a send wrote is kept.
    const step = MONGO_MIGRATIONS.find((migration) => migration.version === 3);
    const again = await mongoose.createConnection(uri as string, { dbName: name, autoCreate: false, autoIndex: false }).asPromise();
    try {
      await step?.up(createModels(again));
    } finally {
      await again.close();
    }
    expect(await find('a', 'dm:a:c')).toMatchObject({ position: 6, lastMessage: fresh, unreadCount: 1, readUpTo: hex(m3) });
    expect((await store.conversations.mark('a', 'dm:a:c', 'read', fresh.id))?.conversation).toMatchObject({ unreadCount: 0, readUpTo: fresh.id });
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
