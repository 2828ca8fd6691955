import type { RevocationRepository } from '../../modules/auth/index.js';
import type { MongoConnection } from './models.js';

export function createRevocationRepository({ models: { revocations }, run }: MongoConnection): RevocationRepository {
  return {
    async revoke(credentialId, expiresAt) {
      await run(() => revocations.updateOne({ _id: credentialId }, { $setOnInsert: { expiresAt } }, { upsert: true }).exec());
    },
    async isRevoked(credentialId) {
      return (await run(() => revocations.exists({ _id: credentialId }).exec())) !== null;
    },
    async purgeExpired(now) {
      const { deletedCount } = await run(() => revocations.deleteMany({ expiresAt: { $lt: now } }).exec());
      return deletedCount;
    },
  };
}
