import type { MongoModels } from './models.js';

/** Release 0.1.0's store-wide counter: every send incremented it (step 1); step 2 retires it. */
const LEGACY_MESSAGE_SEQUENCE = 'messages';

/** Step 1, as it shipped: the store-wide counter. */
export async function ensureMessageSequence({ counters }: MongoModels): Promise<void> {
  await counters.collection.updateOne({ _id: LEGACY_MESSAGE_SEQUENCE } as object, { $setOnInsert: { value: 0 } }, { upsert: true });
}

/** A counter that only moves up: the existing value or the new one, whichever is larger. */
const raiseCounter = (into: string) => ({
  $merge: { into, on: '_id', whenMatched: [{ $set: { value: { $max: ['$value', '$$new.value'] } } }], whenNotMatched: 'insert' },
});

/** Indexes of the store-wide sequence, which the per-user feeds replace. */
const RETIRED_INDEXES = ['seq_1', 'senderId_1_seq_1', 'receiverId_1_seq_1'];

/**
 * Step 2: from one store-wide counter to per-user feeds. Messages stored so far keep their seq,
 * which becomes both their place in their conversation and their position in each participant's
 * feed (so sync cursors issued before go on working); each conversation's and each user's counter
 * starts at the largest seq it holds, so new numbers continue above the old ones. Server-side
 * ($merge), idempotent, and safe to run from several instances at once. Needs every instance of
 * the previous release stopped first (it numbers sends with the store-wide counter).
 */
export async function perUserFeeds({ messages, feeds, counters }: MongoModels): Promise<void> {
  await messages.collection
    .aggregate([
      { $project: { _id: 0, messageId: '$_id', pos: '$seq', userId: { $setUnion: [['$senderId'], ['$receiverId']] } } },
      { $unwind: '$userId' },
      { $merge: { into: feeds.collection.collectionName, on: ['userId', 'pos'], whenMatched: 'keepExisting', whenNotMatched: 'insert' } },
    ])
    .toArray();
  await feeds.collection
    .aggregate([{ $group: { _id: { $concat: ['user:', '$userId'] }, value: { $max: '$pos' } } }, raiseCounter(counters.collection.collectionName)])
    .toArray();
  await messages.collection
    .aggregate([{ $group: { _id: { $concat: ['conv:', '$conversationId'] }, value: { $max: '$seq' } } }, raiseCounter(counters.collection.collectionName)])
    .toArray();
  const existing = new Set((await messages.collection.listIndexes().toArray()).map((index) => index['name'] as string));
  for (const name of RETIRED_INDEXES) {
    if (!existing.has(name)) continue;
    // Another instance starting at the same moment may have dropped it first (IndexNotFound).
    await messages.collection.dropIndex(name).catch((error: unknown) => {
      if ((error as { code?: unknown }).code !== 27) throw error;
    });
  }
}
