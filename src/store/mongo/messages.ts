import { Types, type ClientSession, type mongo } from 'mongoose';
import type { ChangeResult, FeedEntry, InsertResult, MessageChange, MessageRepository, NewMessage, StoredMessage } from '../../modules/chats/index.js';
import { errors } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { isDuplicateKeyError } from './errors.js';
import type { ConversationDocument, FeedDocument, MessageDocument, MongoConnection } from './models.js';
import { isObjectIdHex } from './object-id.js';

export const conversationCounter = (conversationId: string) => `conv:${conversationId}`;
export const feedCounter = (userId: string) => `user:${userId}`;

/** The message's position in this participant's feed now: where its last change (or its send) put it. */
function currentFeedPosition(doc: MessageDocument, userId: string): number | undefined {
  return userId === doc.senderId ? (doc.feedSenderPos ?? doc.senderPos) : (doc.feedReceiverPos ?? doc.receiverPos);
}

/** A stored message as the repositories return it (never its feed positions); editedAt and deletedAt only when set. */
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
  if (doc.editedAt instanceof Date) message.editedAt = doc.editedAt.toISOString();
  if (doc.deletedAt instanceof Date) message.deletedAt = doc.deletedAt.toISOString();
  return message;
}

/**
 * What an edit or a delete sets on the message, as an update pipeline, so that editedAt grows with
 * every edit, even two in one millisecond or one from an instance whose clock is behind: clients
 * order versions by it. ($add of a missing editedAt is null, which $max ignores.) Values go in as
 * $literal: a text starting with "$" is text, not a field path.
 */
function changedFields(change: MessageChange): mongo.Document[] {
  if (change.kind === 'delete') return [{ $set: { message: { $literal: '' }, deletedAt: { $literal: change.at } } }];
  return [{ $set: { message: { $literal: change.message }, editedAt: { $max: [{ $literal: change.at }, { $add: ['$editedAt', 1] }] } } }];
}

/** The message's current `feeds` entries: one per participant (one for a message to oneself). */
function currentFeedEntries(doc: MessageDocument): Omit<FeedDocument, '_id'>[] {
  const sender = { userId: doc.senderId, pos: doc.feedSenderPos ?? doc.senderPos, messageId: doc._id };
  if (doc.receiverId === doc.senderId) return [sender];
  return [sender, { userId: doc.receiverId, pos: doc.feedReceiverPos ?? doc.receiverPos, messageId: doc._id }];
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
 * An edit or a delete moves the message to the top of both participants' feeds, so that a sync
 * from any cursor returns it once, in its latest state. In one transaction it updates the message
 * (only while it is not deleted: the check and the write are one operation), takes the next value
 * of each participant's counter, deletes the message's feed entries (found by the positions kept
 * on the message, by the (userId, pos) index), inserts the new ones and records their positions on
 * the message (feedSenderPos/feedReceiverPos). The counters are those sends take, so a change
 * conflicts with every concurrent send or change of the same user as sends do, and positions keep
 * growing in commit order; two changes of one message conflict on the message. Nothing else
 * moves: seq, senderPos and receiverPos (history and the inbox's snapshots), and the conversation
 * documents (a change does not reorder the inbox; the last message is read by id, as it is now).
 * Transactions need a replica set (a single-node one is enough; checked at start-up).
 * Inserts use the driver's collections: no document casting, the input is already validated.
 */
export function createMessageRepository(
  { connection, models: { messages, feeds, conversations, counters, blocks }, run, timeoutMs }: MongoConnection,
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
  type NewMessageFields = Omit<
    MessageDocument,
    '_id' | 'seq' | 'senderPos' | 'receiverPos' | 'editedAt' | 'deletedAt' | 'feedSenderPos' | 'feedReceiverPos'
  >;

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
          // Before anything is written, in the transaction's snapshot (a block committing at the same
          // moment touches no document this transaction writes, so it may not be seen: see delivery.md).
          if (fields.senderId !== fields.receiverId) {
            const block = await blocks.collection.findOne(
              { $or: [{ blockerId: fields.senderId, blockedId: fields.receiverId }, { blockerId: fields.receiverId, blockedId: fields.senderId }] },
              { session, maxTimeMS, projection: { _id: 1 } },
            );
            if (block) throw errors.blocked();
          }
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

  /** Edits or deletes the message and moves it to the top of its participants' feeds (see above). */
  async function changeInTransaction(_id: Types.ObjectId, change: MessageChange): Promise<ChangeResult | undefined> {
    // withTransaction retries a transient failure for up to 120 s: never past the store's timeout.
    const deadline = performance.now() + timeoutMs;
    const session = await connection.startSession();
    try {
      let attempts = 0;
      const result = await session.withTransaction(
        async (): Promise<ChangeResult | undefined> => {
          attempts += 1;
          if (performance.now() > deadline) throw errors.storeUnavailable(new Error('transaction retries ran past STORE_TIMEOUT'));
          const updated = (await messages.collection.findOneAndUpdate(
            { _id, deletedAt: null },
            changedFields(change),
            { returnDocument: 'after', session, maxTimeMS },
          )) as MessageDocument | null;
          if (!updated) {
            // Nothing written: returning commits an empty transaction, throwing aborts it.
            const current = await messages.collection.findOne<MessageDocument>({ _id }, { session, maxTimeMS });
            if (!current) return undefined;
            // Read in the update's snapshot, which it did not match: it is deleted.
            if (!(current.deletedAt instanceof Date)) throw new Error(`message ${_id.toHexString()} neither matched nor is deleted`);
            if (change.kind === 'edit') throw errors.messageDeleted();
            return { message: toStoredMessage(current), changed: false };
          }
          const previous = currentFeedEntries(updated);
          // One after the other: a transaction's operations must not run in parallel on its session.
          const entries: FeedDocument[] = [];
          for (const { userId } of previous) {
            entries.push({ _id: new Types.ObjectId(), userId, pos: await next(feedCounter(userId), session), messageId: _id });
          }
          // Each clause of the $or by the unique (userId, pos) index; messageId guards the entry is this message's.
          const { deletedCount } = await feeds.collection.deleteMany({ $or: previous }, { session, maxTimeMS });
          if (deletedCount !== previous.length) {
            logger.warn({ messageId: _id.toHexString(), expected: previous.length, deletedCount }, 'changed message lacked feed entries');
          }
          await feeds.collection.insertMany(entries, { session, maxTimeMS });
          const positionOf = (userId: string) => entries.find((entry) => entry.userId === userId)?.pos as number;
          const positions = { feedSenderPos: positionOf(updated.senderId), feedReceiverPos: positionOf(updated.receiverId) };
          await messages.collection.updateOne({ _id }, { $set: positions }, { session, maxTimeMS });
          return { message: toStoredMessage(updated), changed: true };
        },
        { maxCommitTimeMS: timeoutMs },
      );
      if (attempts > 1) logger.debug({ attempts, messageId: _id.toHexString() }, 'message change transaction retried');
      return result;
    } finally {
      await session.endSession();
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
    return entries.flatMap((entry) => {
      // Written in one transaction with its entry, so it is there once the entry is.
      const doc = byId.get(entry.messageId.toHexString());
      if (!doc) throw new Error(`feed entry ${entry.userId}:${entry.pos} names a missing message`);
      // A change that committed between the two reads moved the message past this entry (and
      // deleted it): leave it for its new entry, so each state is returned once.
      const current = currentFeedPosition(doc, userId);
      if (current !== undefined && current !== entry.pos) return [];
      return [{ position: entry.pos, message: toStoredMessage(doc) }];
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
    async findById(id) {
      if (!isObjectIdHex(id)) return undefined;
      const doc = await run(() => messages.collection.findOne<MessageDocument>({ _id: new Types.ObjectId(id) }, { maxTimeMS }));
      return doc ? toStoredMessage(doc) : undefined;
    },
    async change(id, change) {
      if (!isObjectIdHex(id)) return undefined;
      const result = await run(() => changeInTransaction(new Types.ObjectId(id), change));
      logger.debug({ messageId: id, kind: change.kind, changed: result?.changed }, 'message changed');
      return result;
    },
  };
}
