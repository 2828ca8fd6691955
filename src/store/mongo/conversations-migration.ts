import type { MongoModels } from './models.js';

/**
 * Step 3: conversations (the inbox, unread counts, read and delivered watermarks), for a database
 * as step 2 left it. Two server-side passes ($merge), idempotent, and safe to run from several
 * instances at once (like step 2, it needs every instance of the previous release stopped first:
 * their sends would write neither positions nor conversations).
 *
 * (a) Every message gets its position in the sender's and the receiver's feed (`senderPos`,
 * `receiverPos`), from `feeds`: each entry, joined to its message by `_id` (an index lookup), is
 * the sender's position, the receiver's, or both for a message to oneself (one entry), merged into
 * the message. Messages that have both already (sent by this release) are passed over.
 *
 * (b) Every (user, conversation) that holds a message gets its document: the newest message (by
 * seq) and its position in the user's feed, and both watermarks at the newest message the user
 * received from the peer (none: 0 and null). Every message stored so far counts as read, so
 * nobody's inbox starts with a flood of old unread; unreadCount is 0. Inserted only where the
 * document is missing (`keepExisting`): one a send of this release wrote is left as it is. The
 * $merge matches on the unique (userId, conversationId) index, which migrateMongo creates before
 * the steps run ($merge requires it to exist).
 */
export async function conversationsFromMessages({ messages, feeds, conversations }: MongoModels): Promise<void> {
  await feeds.collection
    .aggregate(
      [
        { $lookup: { from: messages.collection.collectionName, localField: 'messageId', foreignField: '_id', as: 'message' } },
        { $unwind: '$message' },
        { $match: { $or: [{ 'message.senderPos': { $exists: false } }, { 'message.receiverPos': { $exists: false } }] } },
        {
          $project: {
            _id: '$messageId',
            senderPos: { $cond: [{ $eq: ['$userId', '$message.senderId'] }, '$pos', '$$REMOVE'] },
            receiverPos: { $cond: [{ $eq: ['$userId', '$message.receiverId'] }, '$pos', '$$REMOVE'] },
          },
        },
        { $merge: { into: messages.collection.collectionName, on: '_id', whenMatched: 'merge', whenNotMatched: 'discard' } },
      ],
      { allowDiskUse: true },
    )
    .toArray();

  await messages.collection
    .aggregate(
      [
        // Each message once per participant (twice for a message to oneself, which the group folds):
        // whose side, the peer, the user's position of it, and whether the user received it.
        {
          $project: {
            conversationId: 1,
            seq: 1,
            sides: [
              { userId: '$senderId', peerId: '$receiverId', pos: '$senderPos', received: { $literal: false } },
              { userId: '$receiverId', peerId: '$senderId', pos: '$receiverPos', received: { $ne: ['$senderId', '$receiverId'] } },
            ],
          },
        },
        { $unwind: '$sides' },
        // The newest by seq, as $max of documents that start with seq: documents compare field by
        // field in order, numbers as numbers, and seq is unique in a conversation. $max skips the
        // nulls of messages the user did not receive (all null: null).
        {
          $group: {
            _id: { userId: '$sides.userId', conversationId: '$conversationId' },
            peerId: { $first: '$sides.peerId' },
            last: { $max: { seq: '$seq', messageId: '$_id', pos: '$sides.pos' } },
            received: { $max: { $cond: ['$sides.received', { seq: '$seq', messageId: '$_id' }, null] } },
          },
        },
        {
          $project: {
            _id: 0,
            userId: '$_id.userId',
            conversationId: '$_id.conversationId',
            peerId: 1,
            lastPos: '$last.pos',
            lastMessageId: '$last.messageId',
            lastSeq: '$last.seq',
            unreadCount: { $literal: 0 },
            readSeq: { $ifNull: ['$received.seq', 0] },
            readMessageId: { $ifNull: ['$received.messageId', null] },
            deliveredSeq: { $ifNull: ['$received.seq', 0] },
            deliveredMessageId: { $ifNull: ['$received.messageId', null] },
          },
        },
        { $merge: { into: conversations.collection.collectionName, on: ['userId', 'conversationId'], whenMatched: 'keepExisting', whenNotMatched: 'insert' } },
      ],
      { allowDiskUse: true },
    )
    .toArray();
}
