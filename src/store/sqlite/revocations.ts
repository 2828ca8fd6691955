import type { RevocationRepository } from '../../modules/auth/index.js';
import type { SqliteConnection } from './connection.js';

export function createRevocationRepository({ db, run }: SqliteConnection): RevocationRepository {
  const upsert = db.prepare('INSERT INTO revocations (credential_id, expires_at) VALUES (?, ?) ON CONFLICT (credential_id) DO NOTHING');
  const exists = db.prepare<[string], { found: number }>('SELECT 1 AS found FROM revocations WHERE credential_id = ?');
  const purge = db.prepare('DELETE FROM revocations WHERE expires_at < ?');

  return {
    async revoke(credentialId, expiresAt) {
      await run(() => upsert.run(credentialId, expiresAt.getTime()));
    },
    async isRevoked(credentialId) {
      return (await run(() => exists.get(credentialId))) !== undefined;
    },
    async purgeExpired(now) {
      return (await run(() => purge.run(now.getTime()))).changes;
    },
  };
}
