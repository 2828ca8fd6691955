import type { RevocationModel } from './revocation.model.js';
import type { RevocationRepository } from './revocation.js';

export function createMongoRevocationRepository(revocations: RevocationModel): RevocationRepository {
  return {
    async revoke(credentialId, expiresAt) {
      await revocations.updateOne({ _id: credentialId }, { $setOnInsert: { expiresAt } }, { upsert: true }).exec();
    },
    async isRevoked(credentialId) {
      return (await revocations.exists({ _id: credentialId }).exec()) !== null;
    },
    async purgeExpired(now) {
      const { deletedCount } = await revocations.deleteMany({ expiresAt: { $lt: now } }).exec();
      return deletedCount;
    },
  };
}
