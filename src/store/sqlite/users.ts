import { randomUUID } from 'node:crypto';
import type { NewUser, User, UserRepository, UserWithPasswordHash } from '../../modules/users/index.js';
import { errors } from '../../shared/errors.js';
import { prefixUpperBound } from '../prefix-range.js';
import type { SqliteConnection } from './connection.js';
import { isUniqueViolation } from './errors.js';

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: string;
  last_seen_at: string | null;
}

const toUser = (row: UserRow): User => ({ id: row.id, username: row.username, createdAt: row.created_at });

export function createUserRepository({ db, run }: SqliteConnection): UserRepository {
  const insert = db.prepare('INSERT INTO users (id, username, username_lower, password_hash, created_at) VALUES (?, ?, ?, ?, ?)');
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byIds = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))');
  const byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username_lower = ?');
  const byPrefix = db.prepare<[string, string, number], UserRow>(
    'SELECT * FROM users WHERE username_lower >= ? AND username_lower < ? ORDER BY username_lower LIMIT ?',
  );

  // ISO-8601 UTC strings of one length order as their instants do.
  const setLastSeen = db.prepare<[{ id: string; at: string }]>(
    'UPDATE users SET last_seen_at = @at WHERE id = @id AND (last_seen_at IS NULL OR last_seen_at < @at)',
  );
  const lastSeenOf = db.prepare<[string], { id: string; last_seen_at: string }>(
    'SELECT id, last_seen_at FROM users WHERE id IN (SELECT value FROM json_each(?)) AND last_seen_at IS NOT NULL',
  );
  return {
    async create({ username, passwordHash, createdAt }: NewUser) {
      const user: User = { id: randomUUID(), username, createdAt: createdAt.toISOString() };
      try {
        await run(() => insert.run(user.id, username, username.toLowerCase(), passwordHash, user.createdAt));
      } catch (error) {
        if (isUniqueViolation(error)) throw errors.usernameTaken();
        throw error;
      }
      return user;
    },
    async findById(id) {
      const row = await run(() => byId.get(id));
      return row && toUser(row);
    },
    async findByIds(ids) {
      if (ids.length === 0) return [];
      // One statement per distinct count of ids would be cached by SQLite anyway; json_each keeps it one.
      return (await run(() => byIds.all(JSON.stringify(ids)))).map(toUser);
    },
    async findByUsernameWithPasswordHash(username): Promise<UserWithPasswordHash | undefined> {
      const row = await run(() => byUsername.get(username.toLowerCase()));
      return row && { ...toUser(row), passwordHash: row.password_hash };
    },
    async searchByUsernamePrefix(prefix, limit) {
      const lower = prefix.toLowerCase();
      return (await run(() => byPrefix.all(lower, prefixUpperBound(lower), limit))).map(toUser);
    },
    async setLastSeen(userId, at) {
      await run(() => setLastSeen.run({ id: userId, at: at.toISOString() }));
    },
    async lastSeen(ids) {
      if (ids.length === 0) return new Map();
      const rows = await run(() => lastSeenOf.all(JSON.stringify(ids)));
      return new Map(rows.map((row) => [row.id, row.last_seen_at]));
    },
  };
}
