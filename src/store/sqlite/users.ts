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
  };
}
