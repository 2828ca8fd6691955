import { errors } from '../../shared/errors.js';
import { isDuplicateKeyError } from '../../store/mongo-errors.js';
import { isObjectIdHex } from '../../store/object-id.js';
import type { UserDocument, UserModel } from './user.model.js';
import { prefixUpperBound, type NewUser, type User, type UserRepository } from './user.js';

const toUser = (doc: UserDocument): User => ({
  id: doc._id.toHexString(),
  username: doc.username,
  createdAt: doc.createdAt.toISOString(),
});

export function createMongoUserRepository(users: UserModel): UserRepository {
  return {
    async create({ username, passwordHash, createdAt }: NewUser) {
      try {
        const doc = await users.create({ username, usernameLower: username.toLowerCase(), passwordHash, createdAt });
        return toUser(doc.toObject());
      } catch (error) {
        if (isDuplicateKeyError(error)) throw errors.usernameTaken();
        throw error;
      }
    },
    async findById(id) {
      if (!isObjectIdHex(id)) return undefined;
      const doc = await users.findById(id).lean<UserDocument>().exec();
      return doc ? toUser(doc) : undefined;
    },
    async findByUsernameWithPasswordHash(username) {
      const doc = await users.findOne({ usernameLower: username.toLowerCase() }).lean<UserDocument>().exec();
      return doc ? { ...toUser(doc), passwordHash: doc.passwordHash } : undefined;
    },
    async searchByUsernamePrefix(prefix, limit) {
      const lower = prefix.toLowerCase();
      const docs = await users
        .find({ usernameLower: { $gte: lower, $lt: prefixUpperBound(lower) } })
        .sort({ usernameLower: 1 })
        .limit(limit)
        .lean<UserDocument[]>()
        .exec();
      return docs.map(toUser);
    },
  };
}
