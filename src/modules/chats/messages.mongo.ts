import { Types } from 'mongoose';
import { isDuplicateKeyError } from '../../store/mongo-errors.js';
import type { CounterModel, MessageDocument, MessageModel } from './message.model.js';
import type { MessageRepository, NewMessage, StoredMessage } from './message.js';

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

/*
 * Inserts go through the driver's collection (no document casting: the input is already
 * validated). seq comes from an atomic $inc on one counter document, so a send that starts
 * after another was acknowledged always gets the larger seq.
 */
export function createMongoMessageRepository(messages: MessageModel, counters: CounterModel): MessageRepository {
  async function nextSeq(): Promise<number> {
    const counter = await counters.collection.findOneAndUpdate(
      { _id: MESSAGE_SEQUENCE } as object,
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: 'after' },
    );
    if (!counter) throw new Error('message sequence counter was not returned');
    return counter['value'] as number;
  }

  async function findByClientMsgId(senderId: string, clientMsgId: string): Promise<StoredMessage | undefined> {
    const doc = await messages.collection.findOne<MessageDocument>({ senderId, clientMsgId });
    return doc ? toStoredMessage(doc) : undefined;
  }

  return {
    async insert(message: NewMessage) {
      const { clientMsgId } = message;
      if (clientMsgId !== undefined) {
        const existing = await findByClientMsgId(message.senderId, clientMsgId);
        if (existing) return { message: existing, created: false };
      }
      const doc: MessageDocument = { _id: new Types.ObjectId(), seq: await nextSeq(), ...message };
      if (clientMsgId === undefined) delete doc.clientMsgId;
      try {
        await messages.collection.insertOne(doc);
        return { message: toStoredMessage(doc), created: true };
      } catch (error) {
        // A concurrent retry of the same send won the unique index: answer with its message.
        if (clientMsgId === undefined || !isDuplicateKeyError(error)) throw error;
        const existing = await findByClientMsgId(message.senderId, clientMsgId);
        if (!existing) throw error;
        return { message: existing, created: false };
      }
    },
    async listConversationNewestFirst(conversationId, { beforeSeq, limit }) {
      const filter = beforeSeq === undefined ? { conversationId } : { conversationId, seq: { $lt: beforeSeq } };
      const docs = await messages.collection
        .find<MessageDocument>(filter)
        .sort({ seq: -1 })
        .limit(limit)
        .toArray();
      return docs.map(toStoredMessage);
    },
  };
}
