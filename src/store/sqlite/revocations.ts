import type { RevocationRepository } from '../../modules/auth/index.js';
import type { SqliteConnection } from './connection.js';

export function createRevocationRepository({ db, run }: SqliteConnection): RevocationRepository {
  const upsert = db.prepare('INSERT INTO revocations (credential_id, expires_at) VALUES (?, ?) ON CONFLICT (credential_id) DO NOTHING');
  const exists = db.prepare<[string], { found: number }>('SELECT 1 AS found FROM revocations WHERE credential_id = ?');
  // The latest instant wins, and its revocation lasts as long as the longest one asked for.
  const upsertUser = db.prepare(
    `INSERT INTO user_revocations (user_id, revoked_before, expires_at) VALUES (?, ?, ?)
     ON CONFLICT (user_id) DO UPDATE SET revoked_before = max(revoked_before, excluded.revoked_before),
                                          expires_at = max(expires_at, excluded.expires_at)`,
  );
  const userRevokedBefore = db.prepare<[string], number>('SELECT revoked_before FROM user_revocations WHERE user_id = ?').pluck();
  const purgeCredentials = db.prepare('DELETE FROM revocations WHERE expires_at < ?');
  const purgeUsers = db.prepare('DELETE FROM user_revocations WHERE expires_at < ?');
  const purge = db.transaction((now: number) => purgeCredentials.run(now).changes + purgeUsers.run(now).changes);

  return {
    async revoke(credentialId, expiresAt) {
      await run(() => upsert.run(credentialId, expiresAt.getTime()));
    },
    async isRevoked(credentialId) {
      return (await run(() => exists.get(credentialId))) !== undefined;
    },
    async revokeAllBefore(userId, before, expiresAt) {
      await run(() => upsertUser.run(userId, before.getTime(), expiresAt.getTime()));
    },
    async revokedBefore(userId) {
      const before = await run(() => userRevokedBefore.get(userId));
      return before === undefined ? undefined : new Date(before);
    },
    async purgeExpired(now) {
      return run(() => purge.immediate(now.getTime()));
    },
  };
}
