import { Types, type ClientSession } from 'mongoose';
import type { ConversationRecord, ConversationRepository, InboxEntry, InboxPage, MarkResult, Watermark } from '../../modules/chats/index.js';
import { errors } from '../../shared/errors.js';
import { toStoredMessage } from './messages.js';
import type { ConversationDocument, MessageDocument, MongoConnection } from './models.js';
import { isObjectIdHex } from './object-id.js';

/*
 * The user's side of each conversation is one document (models.ts), kept by the send's
 * transaction (messages.ts): last message, position in the user's feed, unread count. Reads
 * assemble a record from it, its last message and the peer's document (for the peer's
 * watermarks); `mark` moves a watermark in a transaction of its own.
 */
export function createConversationRepository({ connection, models: { conversations, messages }, run, timeoutMs }: MongoConnection): ConversationRepository {
  const maxTimeMS = timeoutMs;
  const hex = (id: Types.ObjectId | null) => id?.toHexString() ?? null;

  function toRecord(
    doc: ConversationDocument,
    lastMessage: MessageDocument | null | undefined,
    peer: ConversationDocument | null | undefined,
  ): ConversationRecord {
    // Written in one transaction with the document that names it, so it is there once the document is.
    if (!lastMessage) throw new Error(`conversation ${doc.userId}:${doc.conversationId} names a missing last message`);
    return {
      conversationId: doc.conversationId,
      userId: doc.userId,
      peerId: doc.peerId,
      position: doc.lastPos,
      lastMessage: toStoredMessage(lastMessage),
      unreadCount: doc.unreadCount,
      readUpTo: hex(doc.readMessageId),
      deliveredUpTo: hex(doc.deliveredMessageId),
      peerReadUpTo: hex(peer?.readMessageId ?? null),
      peerDeliveredUpTo: hex(peer?.deliveredMessageId ?? null),
    };
  }

  /** The peer's side of the conversation (the user's own in a conversation with oneself). */
  const peerFilter = (doc: ConversationDocument) => ({ userId: doc.peerId, conversationId: doc.conversationId });

  /**
   * A document as a record: its last message and the peer's document. In a transaction (`session`)
   * one read after the other: operations of one transaction must not run in parallel.
   */
  async function recordOf(doc: ConversationDocument, session?: ClientSession): Promise<ConversationRecord> {
    if (session) {
      const lastMessage = await messages.collection.findOne<MessageDocument>({ _id: doc.lastMessageId }, { session, maxTimeMS });
      const peer = await conversations.collection.findOne<ConversationDocument>(peerFilter(doc), { session, maxTimeMS });
      return toRecord(doc, lastMessage, peer);
    }
    const [lastMessage, peer] = await Promise.all([
      messages.collection.findOne<MessageDocument>({ _id: doc.lastMessageId }, { maxTimeMS }),
      conversations.collection.findOne<ConversationDocument>(peerFilter(doc), { maxTimeMS }),
    ]);
    return toRecord(doc, lastMessage, peer);
  }

  /** Records for a page of documents: their last messages in one query, the peers' documents in another. */
  async function recordsOf(docs: ConversationDocument[]): Promise<ConversationRecord[]> {
    if (docs.length === 0) return [];
    const [lastMessages, peers] = await Promise.all([
      messages.collection
        .find<MessageDocument>({ _id: { $in: docs.map((doc) => doc.lastMessageId) } })
        .maxTimeMS(maxTimeMS)
        .toArray(),
      conversations.collection
        .find<ConversationDocument>({ $or: docs.map(peerFilter) })
        .maxTimeMS(maxTimeMS)
        .toArray(),
    ]);
    const messageById = new Map(lastMessages.map((message) => [message._id.toHexString(), message]));
    const peerByKey = new Map(peers.map((peer) => [`${peer.userId}\n${peer.conversationId}`, peer]));
    return docs.map((doc) => toRecord(doc, messageById.get(doc.lastMessageId.toHexString()), peerByKey.get(`${doc.peerId}\n${doc.conversationId}`)));
  }

  /**
   * Where a conversation stood in the user's feed at position `asOf`: the user's position of its
   * newest message at or below it (undefined: it had none then). Seq and the user's positions grow
   * together in a conversation, so walking its messages from the newest seq down (the
   * (conversationId, seq) index), the first one at or below `asOf` is that message; only the
   * messages stored since the snapshot are passed over.
   */
  async function positionAsOf(userId: string, conversationId: string, asOf: number): Promise<number | undefined> {
    const message = await messages.collection.findOne<Pick<MessageDocument, 'senderId' | 'senderPos' | 'receiverPos'>>(
      {
        conversationId,
        $or: [
          { senderId: userId, senderPos: { $lte: asOf } },
          { receiverId: userId, receiverPos: { $lte: asOf } },
        ],
      },
      { sort: { seq: -1 }, hint: { conversationId: 1, seq: -1 }, projection: { _id: 0, senderId: 1, senderPos: 1, receiverPos: 1 }, maxTimeMS },
    );
    if (!message) return undefined;
    return message.senderId === userId ? message.senderPos : message.receiverPos;
  }

  /**
   * A page of the inbox as of the snapshot `asOf` (the user's largest position when absent).
   * Conversations whose last message is at or below it are where they are now ("stable"); those
   * that moved above it since are placed where they stood then, and left out when they had no
   * message then. Stable ones are read first: one that moves between the two reads is then seen
   * by both (at the same place: kept once, in its newer state) rather than by neither.
   */
  async function inboxPage(userId: string, asOfQuery: number | undefined, beforePosition: number | undefined, limit: number): Promise<InboxPage> {
    let asOf = asOfQuery;
    if (asOf === undefined) {
      const [latest] = await conversations.collection
        .find<ConversationDocument>({ userId })
        .sort({ lastPos: -1 })
        .limit(1)
        .project<Pick<ConversationDocument, 'lastPos'>>({ _id: 0, lastPos: 1 })
        .maxTimeMS(maxTimeMS)
        .toArray();
      asOf = latest?.lastPos ?? 0;
    }
    const below = beforePosition === undefined ? {} : { $lt: beforePosition };
    const stable = await conversations.collection
      .find<ConversationDocument>({ userId, lastPos: { $lte: asOf, ...below } })
      .sort({ lastPos: -1 })
      .limit(limit)
      .maxTimeMS(maxTimeMS)
      .toArray();
    const moved = await conversations.collection
      .find<ConversationDocument>({ userId, lastPos: { $gt: asOf } })
      .maxTimeMS(maxTimeMS)
      .toArray();

    const placed = new Map<string, { position: number; doc: ConversationDocument }>();
    for (const doc of stable) placed.set(doc.conversationId, { position: doc.lastPos, doc });
    const snapshot = asOf;
    const then = await Promise.all(moved.map(async (doc) => ({ doc, position: await positionAsOf(userId, doc.conversationId, snapshot) })));
    for (const { doc, position } of then) {
      if (position === undefined || (beforePosition !== undefined && position >= beforePosition)) continue;
      placed.set(doc.conversationId, { position, doc });
    }
    const page = [...placed.values()].sort((a, b) => b.position - a.position).slice(0, limit);
    const records = await recordsOf(page.map(({ doc }) => doc));
    const entries: InboxEntry[] = page.map(({ position }, index) => ({ position, conversation: records[index] as ConversationRecord }));
    return { asOf, entries };
  }

  /**
   * Moves a watermark in a transaction. "read" recounts the unread (the peer's messages after the
   * new watermark) and writes it with the watermark. The count is exact even while the peer sends:
   * a transaction reads one snapshot, and a write to a document that another transaction wrote
   * after that snapshot (or is writing) is a write conflict, after which one of the two is retried
   * from the start. A send writes this document too ($inc unreadCount) in its transaction with the
   * message, so either the send committed before this snapshot (its message is counted, its $inc
   * overwritten by the count), or one of the two conflicts and is retried: this one recounts with
   * the message in its snapshot, or the send's $inc lands on the new count, which did not include
   * its message. A mark that moves nothing writes nothing.
   */
  async function markInTransaction(userId: string, conversationId: string, watermark: Watermark, upTo: string): Promise<MarkResult | undefined> {
    // withTransaction retries a transient failure for up to 120 s: never past the store's timeout.
    const deadline = performance.now() + timeoutMs;
    const session = await connection.startSession();
    try {
      return await session.withTransaction(
        async (): Promise<MarkResult | undefined> => {
          if (performance.now() > deadline) throw errors.storeUnavailable(new Error('transaction retries ran past STORE_TIMEOUT'));
          const doc = await conversations.collection.findOne<ConversationDocument>({ userId, conversationId }, { session, maxTimeMS });
          if (!doc) return undefined;
          const message = isObjectIdHex(upTo)
            ? await messages.collection.findOne<MessageDocument>({ _id: new Types.ObjectId(upTo), conversationId }, { session, maxTimeMS })
            : null;
          if (!message) throw errors.validation('upTo: not a message of this conversation');
          // Watermarks are the peer's messages: one's own moves nothing (nor does any in a conversation with oneself).
          if (message.senderId === userId) return { moved: [], conversation: await recordOf(doc, session) };

          const moved: Watermark[] = [];
          const set: Partial<ConversationDocument> = {};
          if (watermark === 'read' && message.seq > doc.readSeq) {
            // The peer's messages after the new watermark, by the (conversationId, seq) index.
            set.unreadCount = await messages.collection.countDocuments(
              { conversationId, seq: { $gt: message.seq }, senderId: doc.peerId },
              { session, maxTimeMS },
            );
            set.readSeq = message.seq;
            set.readMessageId = message._id;
            moved.push('read');
          }
          // "read" takes "delivered" along when it is behind.
          if ((watermark === 'delivered' || moved.length > 0) && message.seq > doc.deliveredSeq) {
            set.deliveredSeq = message.seq;
            set.deliveredMessageId = message._id;
            moved.push('delivered');
          }
          if (moved.length === 0) return { moved, conversation: await recordOf(doc, session) };
          await conversations.collection.updateOne({ _id: doc._id }, { $set: set }, { session, maxTimeMS });
          return { moved, conversation: await recordOf({ ...doc, ...set }, session) };
        },
        { maxCommitTimeMS: timeoutMs },
      );
    } finally {
      await session.endSession();
    }
  }

  return {
    listInbox: (userId, { asOf, beforePosition, limit }) => run(() => inboxPage(userId, asOf, beforePosition, limit)),
    find: (userId, conversationId) =>
      run(async () => {
        const doc = await conversations.collection.findOne<ConversationDocument>({ userId, conversationId }, { maxTimeMS });
        return doc ? recordOf(doc) : undefined;
      }),
    mark: (userId, conversationId, watermark, upTo) => run(() => markInTransaction(userId, conversationId, watermark, upTo)),
    peerIds: (userId) =>
      run(async () => {
        // By the (userId, conversationId) index.
        const peers = await conversations.collection.distinct('peerId', { userId }, { maxTimeMS });
        return (peers as string[]).filter((peerId) => peerId !== userId);
      }),
  };
}
