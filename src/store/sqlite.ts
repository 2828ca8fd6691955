import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { revocationsSqliteSchema, createSqliteRevocationRepository } from '../modules/auth/revocations.sqlite.js';
import { messagesSqliteSchema, createSqliteMessageRepository } from '../modules/chats/messages.sqlite.js';
import { usersSqliteSchema, createSqliteUserRepository } from '../modules/users/users.sqlite.js';
import type { Store } from './store.js';

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:'. */
  file: string;
  /** How long a statement waits for another process's write lock before failing, in ms. Default 2000. */
  busyTimeoutMs?: number;
}

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The embedded store: one SQLite file in WAL mode, which several processes on one
 * machine may share (readers never block the single writer).
 */
export function openSqliteStore({ file, busyTimeoutMs = 2000 }: SqliteStoreOptions): Store {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL'); // an acknowledged message survives power loss too
  db.pragma('foreign_keys = ON');
  db.exec(`BEGIN IMMEDIATE; ${usersSqliteSchema} ${messagesSqliteSchema} ${revocationsSqliteSchema} COMMIT;`);

  const ping = db.prepare('SELECT 1');
  return {
    kind: 'sqlite',
    users: createSqliteUserRepository(db),
    messages: createSqliteMessageRepository(db),
    revocations: createSqliteRevocationRepository(db),
    async ping() {
      ping.get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
