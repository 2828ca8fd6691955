import type { RevocationRepository } from '../../modules/auth/index.js';
import type { MongoConnection } from './models.js';

export function createRevocationRepository({ models: { revocations, userRevocations }, run, timeoutMs }: MongoConnection): RevocationRepository {
  return {
    async revoke(credentialId, expiresAt) {
      await run(() => revocations.updateOne({ _id: credentialId }, { $setOnInsert: { expiresAt } }, { upsert: true }).maxTimeMS(timeoutMs).exec());
    },
    async isRevoked(credentialId) {
      return (await run(() => revocations.exists({ _id: credentialId }).maxTimeMS(timeoutMs).exec())) !== null;
    },
    async revokeAllBefore(userId, before, expiresAt) {
      // The latest instant wins, and its revocation lasts as long as the longest one asked for.
      await run(() =>
        userRevocations.updateOne({ _id: userId }, { $max: { revokedBefore: before, expiresAt } }, { upsert: true }).maxTimeMS(timeoutMs).exec(),
      );
    },
    async revokedBefore(userId) {
      const doc = await run(() => userRevocations.findById(userId).lean().maxTimeMS(timeoutMs).exec());
      return doc?.revokedBefore;
    },
    async purgeExpired(now) {
      const [credentials, users] = await Promise.all([
        run(() => revocations.deleteMany({ expiresAt: { $lt: now } }).maxTimeMS(timeoutMs).exec()),
        run(() => userRevocations.deleteMany({ expiresAt: { $lt: now } }).maxTimeMS(timeoutMs).exec()),
      ]);
      return credentials.deletedCount + users.deletedCount;
    },
  };
}
