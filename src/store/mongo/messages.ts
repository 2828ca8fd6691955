import { Types, type ClientSession } from 'mongoose';
import type { FeedEntry, InsertResult, MessageRepository, NewMessage, StoredMessage } from '../../modules/chats/index.js';
import { errors } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { isDuplicateKeyError } from './errors.js';
import type { ConversationDocument, FeedDocument, MessageDocument, MongoConnection } from './models.js';

export const conversationCounter = (conversationId: string) => `conv:${conversationId}`;
export const feedCounter = (userId: string) => `user:${userId}`;

/** A stored message as the repositories return it (never its feed positions). */
export function toStoredMessage(doc: MessageDocument): StoredMessage {
  const message: StoredMessage = {
    id: doc._id.toHexString(),
    senderId: doc.senderId,
    receiverId: doc.receiverId,
    message: doc.message,
    createdAt: doc.createdAt.toISOString(),
    conversationId: doc.conversationId,
    seq: doc.seq,
  };
  if (typeof doc.clientMsgId === 'string') message.clientMsgId = doc.clientMsgId;
  return message;
}

/*
 * No global hot spot: a send writes only documents of its own conversation and participants.
 * In one transaction it takes the next value of the conversation's counter (the message's seq,
 * for history) and of each participant's counter (the message's position in that user's feed,
 * for sync), inserts the message (with both positions) and its feed entries, and upserts each
 * participant's conversation document (its last message; the receiver's unread count + 1). Two
 * sends that share a counter (the same conversation, or a common user) conflict, and MongoDB lets
 * only one of them commit at a time (the other gets a write conflict and withTransaction retries
 * it), so the later commit always holds the larger number: a sync reader that has seen position
 * N of a user's feed has seen everything committed below it; and within a conversation, seq and
 * each participant's positions grow together. Sends between unrelated users touch no common
 * document. A retried send (same senderId and clientMsgId) is answered before any transaction,
 * so it changes no conversation.
 * Transactions need a replica set (a single-node one is enough; checked at start-up).
 * Inserts use the driver's collections: no document casting, the input is already validated.
 */
export function createMessageRepository(
  { connection, models: { messages, feeds, conversations, counters }, run, timeoutMs }: MongoConnection,
  logger: Logger,
): MessageRepository {
  const maxTimeMS = timeoutMs;

  async function next(counterId: string, session: ClientSession): Promise<number> {
    const counter = await counters.collection.findOneAndUpdate(
      { _id: counterId } as object,
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: 'after', session, maxTimeMS },
    );
    if (!counter) throw new Error(`counter ${counterId} did not answer`);
    return counter['value'] as number;
  }

  /** The fields of a new message that the send's transaction computes. */
  type NewMessageFields = Omit<MessageDocument, '_id' | 'seq' | 'senderPos' | 'receiverPos'>;

  /**
   * The participant's conversation document, upserted in the send's transaction: its last message
   * now, and for the receiver one more unread. The watermarks start at none. ($setOnInsert and $inc
   * never name the same field: an upsert's $inc on a missing field starts it at the increment.)
   */
  async function upsertConversation(message: MessageDocument, userId: string, session: ClientSession): Promise<void> {
    // The sender's side (also the one side of a message to oneself, which leaves nothing unread).
    const sent = message.senderId === userId;
    const watermarks = { readSeq: 0, readMessageId: null, deliveredSeq: 0, deliveredMessageId: null };
    const last: Partial<ConversationDocument> = {
      peerId: sent ? message.receiverId : message.senderId,
      lastPos: sent ? message.senderPos : message.receiverPos,
      lastMessageId: message._id,
      lastSeq: message.seq,
    };
    const update = !sent
      ? { $set: last, $inc: { unreadCount: 1 }, $setOnInsert: watermarks }
      : { $set: last, $setOnInsert: { unreadCount: 0, ...watermarks } };
    await conversations.collection.updateOne({ userId, conversationId: message.conversationId }, update, { upsert: true, session, maxTimeMS });
  }

  async function insertInTransaction(fields: NewMessageFields): Promise<MessageDocument> {
    // withTransaction retries a transient failure for up to 120 s: never past the store's timeout.
    const deadline = performance.now() + timeoutMs;
    const participants = [...new Set([fields.senderId, fields.receiverId])];
    const session = await connection.startSession();
    try {
      let inserted: MessageDocument | undefined;
      let attempts = 0;
      await session.withTransaction(
        async () => {
          attempts += 1;
          if (performance.now() > deadline) throw errors.storeUnavailable(new Error('transaction retries ran past STORE_TIMEOUT'));
          const _id = new Types.ObjectId();
          const seq = await next(conversationCounter(fields.conversationId), session);
          const entries: FeedDocument[] = [];
          for (const userId of participants) {
            entries.push({ _id: new Types.ObjectId(), userId, pos: await next(feedCounter(userId), session), messageId: _id });
          }
          const positionOf = (userId: string) => entries.find((entry) => entry.userId === userId)?.pos as number;
          const message: MessageDocument = { _id, seq, ...fields, senderPos: positionOf(fields.senderId), receiverPos: positionOf(fields.receiverId) };
          await messages.collection.insertOne(message, { session });
          await feeds.collection.insertMany(entries, { session });
          // One after the other: a transaction's operations must not run in parallel on its session.
          for (const userId of participants) await upsertConversation(message, userId, session);
          inserted = message;
        },
        { maxCommitTimeMS: timeoutMs },
      );
      // Counted, so a test (and an operator at debug) can see contention: disjoint pairs should never retry.
      if (attempts > 1) logger.debug({ attempts, conversationId: fields.conversationId }, 'message transaction retried');
      if (!inserted) throw new Error('message transaction did not run');
      return inserted;
    } finally {
      await session.endSession();
    }
  }

  async function findByClientMsgId(senderId: string, clientMsgId: string): Promise<StoredMessage | undefined> {
    const doc = await messages.collection.findOne<MessageDocument>({ senderId, clientMsgId }, { maxTimeMS });
    return doc ? toStoredMessage(doc) : undefined;
  }

  /** Stores the message once per (senderId, clientMsgId); a retry gets the original. */
  async function insertOnce(message: NewMessage): Promise<InsertResult> {
    const { clientMsgId } = message;
    if (clientMsgId !== undefined) {
      const existing = await findByClientMsgId(message.senderId, clientMsgId);
      if (existing) return { message: existing, created: false };
    }
    const fields: NewMessageFields = { ...message };
    if (clientMsgId === undefined) delete fields.clientMsgId;
    try {
      return { message: toStoredMessage(await insertInTransaction(fields)), created: true };
    } catch (error) {
      // A concurrent retry of the same send won the unique index: answer with its message.
      if (clientMsgId === undefined || !isDuplicateKeyError(error)) throw error;
      const existing = await findByClientMsgId(message.senderId, clientMsgId);
      if (!existing) throw error;
      return { message: existing, created: false };
    }
  }

  /** The user's feed after a position: the entries by index, then their messages by id. */
  async function feedAfter(userId: string, afterPosition: number, limit: number): Promise<FeedEntry[]> {
    const entries = await feeds.collection
      .find<FeedDocument>({ userId, pos: { $gt: afterPosition } })
      .sort({ pos: 1 })
      .limit(limit)
      .maxTimeMS(maxTimeMS)
      .toArray();
    if (entries.length === 0) return [];
    const docs = await messages.collection
      .find<MessageDocument>({ _id: { $in: entries.map((entry) => entry.messageId) } })
      .maxTimeMS(maxTimeMS)
      .toArray();
    const byId = new Map(docs.map((doc) => [doc._id.toHexString(), doc]));
    return entries.map((entry) => {
      // Written in one transaction with its entry, so it is there once the entry is.
      const doc = byId.get(entry.messageId.toHexString());
      if (!doc) throw new Error(`feed entry ${entry.userId}:${entry.pos} names a missing message`);
      return { position: entry.pos, message: toStoredMessage(doc) };
    });
  }

  return {
    async insert(message) {
      const result = await run(() => insertOnce(message));
      logger.debug({ seq: result.message.seq, created: result.created }, 'message inserted');
      return result;
    },
    async listConversationNewestFirst(conversationId, { beforeSeq, limit }) {
      const filter = beforeSeq === undefined ? { conversationId } : { conversationId, seq: { $lt: beforeSeq } };
      const docs = await run(() => messages.collection.find<MessageDocument>(filter).sort({ seq: -1 }).limit(limit).maxTimeMS(maxTimeMS).toArray());
      return docs.map(toStoredMessage);
    },
    listFeedAfter: (userId, { afterPosition, limit }) => run(() => feedAfter(userId, afterPosition, limit)),
  };
}
