import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { errors } from '../../shared/errors.js';
import { isUniqueViolation } from '../../store/sqlite.js';
import { prefixUpperBound, type NewUser, type User, type UserRepository, type UserWithPasswordHash } from './user.js';

export const usersSqliteSchema = `
  CREATE TABLE IF NOT EXISTS users (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL,
    username_lower TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     TEXT NOT NULL
  );
`;

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  created_at: string;
}

const toUser = (row: UserRow): User => ({ id: row.id, username: row.username, createdAt: row.created_at });

export function createSqliteUserRepository(db: Database): UserRepository {
  const insert = db.prepare(
    'INSERT INTO users (id, username, username_lower, password_hash, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const byUsername = db.prepare<[string], UserRow>('SELECT * FROM users WHERE username_lower = ?');
  const byPrefix = db.prepare<[string, string, number], UserRow>(
    'SELECT * FROM users WHERE username_lower >= ? AND username_lower < ? ORDER BY username_lower LIMIT ?',
  );

  return {
    async create({ username, passwordHash, createdAt }: NewUser) {
      const user: User = { id: randomUUID(), username, createdAt: createdAt.toISOString() };
      try {
        insert.run(user.id, username, username.toLowerCase(), passwordHash, user.createdAt);
      } catch (error) {
        if (isUniqueViolation(error)) throw errors.usernameTaken();
        throw error;
      }
      return user;
    },
    async findById(id) {
      const row = byId.get(id);
      return row && toUser(row);
    },
    async findByUsernameWithPasswordHash(username): Promise<UserWithPasswordHash | undefined> {
      const row = byUsername.get(username.toLowerCase());
      return row && { ...toUser(row), passwordHash: row.password_hash };
    },
    async searchByUsernamePrefix(prefix, limit) {
      const lower = prefix.toLowerCase();
      return byPrefix.all(lower, prefixUpperBound(lower), limit).map(toUser);
    },
  };
}
