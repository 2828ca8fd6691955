import type { NewUser, User, UserRepository } from '../../modules/users/index.js';
import { errors } from '../../shared/errors.js';
import { prefixUpperBound } from '../prefix-range.js';
import { isDuplicateKeyError } from './errors.js';
import type { MongoConnection, UserDocument } from './models.js';
import { isObjectIdHex } from './object-id.js';

const toUser = (doc: UserDocument): User => ({
  id: doc._id.toHexString(),
  username: doc.username,
  createdAt: doc.createdAt.toISOString(),
});

export function createUserRepository({ models: { users }, run, timeoutMs }: MongoConnection): UserRepository {
  return {
    async create({ username, passwordHash, createdAt }: NewUser) {
      try {
        const doc = await run(() => users.create({ username, usernameLower: username.toLowerCase(), passwordHash, createdAt }));
        return toUser(doc.toObject());
      } catch (error) {
        if (isDuplicateKeyError(error)) throw errors.usernameTaken();
        throw error;
      }
    },
    async findById(id) {
      if (!isObjectIdHex(id)) return undefined;
      const doc = await run(() => users.findById(id).maxTimeMS(timeoutMs).lean<UserDocument>().exec());
      return doc ? toUser(doc) : undefined;
    },
    async findByIds(ids) {
      // Ids that are not ObjectId hex name no user; the rest in one query by _id.
      const wanted = [...new Set(ids.filter(isObjectIdHex).map((id) => id.toLowerCase()))];
      if (wanted.length === 0) return [];
      const docs = await run(() => users.find({ _id: { $in: wanted } }).maxTimeMS(timeoutMs).lean<UserDocument[]>().exec());
      return docs.map(toUser);
    },
    async findByUsernameWithPasswordHash(username) {
      const doc = await run(() => users.findOne({ usernameLower: username.toLowerCase() }).maxTimeMS(timeoutMs).lean<UserDocument>().exec());
      return doc ? { ...toUser(doc), passwordHash: doc.passwordHash } : undefined;
    },
    async searchByUsernamePrefix(prefix, limit) {
      const lower = prefix.toLowerCase();
      const docs = await run(() =>
        users
          .find({ usernameLower: { $gte: lower, $lt: prefixUpperBound(lower) } })
          .sort({ usernameLower: 1 })
          .limit(limit)
          .maxTimeMS(timeoutMs)
          .lean<UserDocument[]>()
          .exec(),
      );
      return docs.map(toUser);
    },
    async setLastSeen(userId, at) {
      if (!isObjectIdHex(userId)) return;
      await run(() => users.updateOne({ _id: userId }, { $max: { lastSeenAt: at } }).maxTimeMS(timeoutMs).exec());
    },
    async lastSeen(ids) {
      const wanted = [...new Set(ids.filter(isObjectIdHex).map((id) => id.toLowerCase()))];
      if (wanted.length === 0) return new Map();
      const docs = await run(() =>
        users
          .find({ _id: { $in: wanted }, lastSeenAt: { $exists: true } }, { lastSeenAt: 1 })
          .maxTimeMS(timeoutMs)
          .lean<Pick<UserDocument, '_id' | 'lastSeenAt'>[]>()
          .exec(),
      );
      return new Map(docs.flatMap((doc) => (doc.lastSeenAt ? [[doc._id.toHexString(), doc.lastSeenAt.toISOString()] as const] : [])));
    },
  };
}
