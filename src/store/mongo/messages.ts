import { Types } from 'mongoose';
import type { InsertResult, MessageRepository, NewMessage, StoredMessage } from '../../modules/chats/index.js';
import { errors } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { isDuplicateKeyError } from './errors.js';
import type { MessageDocument, MongoConnection, MongoModels } from './models.js';

const MESSAGE_SEQUENCE = 'messages';

function toStoredMessage(doc: MessageDocument): StoredMessage {
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

/** Makes sure the sequence counter exists before any transaction increments it (a migration step). */
export async function ensureMessageSequence({ counters }: MongoModels): Promise<void> {
  await counters.collection.updateOne({ _id: MESSAGE_SEQUENCE } as object, { $setOnInsert: { value: 0 } }, { upsert: true });
}

/*
 * seq must grow in commit order, or a sync reader could pass seq N+1 before seq N becomes
 * visible and skip it for ever. So the counter increment and the insert share one
 * transaction: two sends both write the counter document, MongoDB lets only one of them
 * commit at a time (the other gets a write conflict and withTransaction retries it), and
 * the later commit always holds the larger seq. Transactions need a replica set (a
 * single-node one is enough). Inserts use the driver's collection: no document casting,
 * the input is already validated.
 */
export function createMessageRepository({ connection, models: { messages, counters }, run, timeoutMs }: MongoConnection, logger: Logger): MessageRepository {
  const maxTimeMS = timeoutMs;

  async function insertWithNextSeq(fields: Omit<MessageDocument, '_id' | 'seq'>): Promise<MessageDocument> {
    // withTransaction retries a transient failure for up to 120 s: never past the store's timeout.
    const deadline = performance.now() + timeoutMs;
    const session = await connection.startSession();
    try {
      let inserted: MessageDocument | undefined;
      await session.withTransaction(async () => {
        if (performance.now() > deadline) throw errors.storeUnavailable(new Error('transaction retries ran past STORE_TIMEOUT'));
        const counter = await counters.collection.findOneAndUpdate(
          { _id: MESSAGE_SEQUENCE } as object,
          { $inc: { value: 1 } },
          { returnDocument: 'after', session, maxTimeMS },
        );
        if (!counter) throw new Error('message sequence counter is missing');
        inserted = { _id: new Types.ObjectId(), seq: counter['value'] as number, ...fields };
        await messages.collection.insertOne(inserted, { session });
      }, { maxCommitTimeMS: timeoutMs });
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
    const fields: Omit<MessageDocument, '_id' | 'seq'> = { ...message };
    if (clientMsgId === undefined) delete fields.clientMsgId;
    try {
      return { message: toStoredMessage(await insertWithNextSeq(fields)), created: true };
    } catch (error) {
      // A concurrent retry of the same send won the unique index: answer with its message.
      if (clientMsgId === undefined || !isDuplicateKeyError(error)) throw error;
      const existing = await findByClientMsgId(message.senderId, clientMsgId);
      if (!existing) throw error;
      return { message: existing, created: false };
    }
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
    async listForUserAfter(userId, { afterSeq, limit }) {
      const after = { $gt: afterSeq };
      const docs = await run(() =>
        messages.collection
          .find<MessageDocument>({ $or: [{ senderId: userId, seq: after }, { receiverId: userId, seq: after }] })
          .sort({ seq: 1 })
          .limit(limit)
          .maxTimeMS(maxTimeMS)
          .toArray(),
      );
      return docs.map(toStoredMessage);
    },
  };
}
