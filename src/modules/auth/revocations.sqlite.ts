import type { Database } from 'better-sqlite3';
import type { RevocationRepository } from './revocation.js';

export const revocationsSqliteSchema = `
  CREATE TABLE IF NOT EXISTS revocations (
    credential_id TEXT PRIMARY KEY,
    expires_at    INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS revocations_by_expiry ON revocations (expires_at);
`;

export function createSqliteRevocationRepository(db: Database): RevocationRepository {
  const upsert = db.prepare(
    'INSERT INTO revocations (credential_id, expires_at) VALUES (?, ?) ON CONFLICT (credential_id) DO NOTHING',
  );
  const exists = db.prepare<[string], { found: number }>('SELECT 1 AS found FROM revocations WHERE credential_id = ?');
  const purge = db.prepare('DELETE FROM revocations WHERE expires_at < ?');

  return {
    async revoke(credentialId, expiresAt) {
      upsert.run(credentialId, expiresAt.getTime());
    },
    async isRevoked(credentialId) {
      return exists.get(credentialId) !== undefined;
    },
    async purgeExpired(now) {
      return purge.run(now.getTime()).changes;
    },
  };
}
