import { Types } from 'mongoose';
import type { BlockRepository } from '../../modules/users/index.js';
import type { BlockDocument, MongoConnection, UserDocument } from './models.js';
import { isDuplicateKeyError } from './errors.js';
import { isObjectIdHex } from './object-id.js';

export function createBlockRepository({ models: { blocks, users }, run, timeoutMs: maxTimeMS }: MongoConnection): BlockRepository {
  const oneWay = async (blockerId: string, blockedId: string) =>
    (await blocks.collection.countDocuments({ blockerId, blockedId }, { limit: 1, maxTimeMS })) > 0;

  return {
    async block(blockerId, blockedId, at) {
      // An upsert that only inserts: blocking again keeps the first block (the unique index settles races).
      await run(() =>
        blocks.collection.updateOne(
          { blockerId, blockedId },
          { $setOnInsert: { _id: new Types.ObjectId(), createdAt: at } },
          { upsert: true, maxTimeMS },
        ),
      ).catch((error: unknown) => {
        // Two blocks of the same pair at once: one upsert inserts, the other loses on the index. Both hold.
        if (!isDuplicateKeyError(error)) throw error;
      });
    },
    async unblock(blockerId, blockedId) {
      await run(() => blocks.collection.deleteOne({ blockerId, blockedId }, { maxTimeMS }));
    },
    async listBlocked(blockerId) {
      const docs = await run(() =>
        blocks.collection.find<BlockDocument>({ blockerId }).sort({ createdAt: -1, _id: -1 }).maxTimeMS(maxTimeMS).toArray(),
      );
      const ids = docs.map((doc) => doc.blockedId).filter(isObjectIdHex);
      if (ids.length === 0) return [];
      const found = await run(() =>
        users.collection
          .find<UserDocument>({ _id: { $in: ids.map((id) => new Types.ObjectId(id)) } })
          .maxTimeMS(maxTimeMS)
          .toArray(),
      );
      const byId = new Map(found.map((user) => [user._id.toHexString(), user]));
      return ids.flatMap((id) => {
        const user = byId.get(id);
        return user ? [{ id, username: user.username, createdAt: user.createdAt.toISOString() }] : [];
      });
    },
    eitherBlocks: (a, b) =>
      run(async () => (await blocks.collection.countDocuments({ $or: [{ blockerId: a, blockedId: b }, { blockerId: b, blockedId: a }] }, { limit: 1, maxTimeMS })) > 0),
    blocks: (blockerId, blockedId) => run(() => oneWay(blockerId, blockedId)),
    async blockersAmong(blockedId, candidateIds) {
      if (candidateIds.length === 0) return [];
      // By the (blockerId, blockedId) index.
      const docs = await run(() =>
        blocks.collection
          .find<Pick<BlockDocument, 'blockerId'>>({ blockerId: { $in: [...new Set(candidateIds)] }, blockedId }, { projection: { blockerId: 1 } })
          .maxTimeMS(maxTimeMS)
          .toArray(),
      );
      return docs.map((doc) => doc.blockerId);
    },
  };
}
