import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { revocationsSqliteSchema, createSqliteRevocationRepository } from '../modules/auth/revocations.sqlite.js';
import { messagesSqliteSchema, createSqliteMessageRepository, type MessageInsertRow } from '../modules/chats/messages.sqlite.js';
import { MessageWriterThread } from '../modules/chats/messages.sqlite-writer.js';
import { usersSqliteSchema, createSqliteUserRepository } from '../modules/users/users.sqlite.js';
import { retryWhileBusy, withBusyRetry } from './busy-retry.js';
import type { Store } from './store.js';

const schema = `${usersSqliteSchema} ${messagesSqliteSchema} ${revocationsSqliteSchema}`;

export interface SqliteStoreOptions {
  /** Path of the database file, or ':memory:'. */
  file: string;
  /**
   * How long an operation may wait for another process's write lock before it fails with
   * store_unavailable, in ms. Default 5000. The wait happens on the event loop.
   */
  lockTimeoutMs?: number;
}

/** No blocking busy wait inside SQLite: every wait for the lock happens on the event loop. */
const BLOCKING_BUSY_TIMEOUT_MS = 0;

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * The embedded store: one SQLite file in WAL mode, which several processes on one
 * machine may share (readers never block the single writer).
 */
export async function openSqliteStore({ file, lockTimeoutMs = 5000 }: SqliteStoreOptions): Promise<Store> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new BetterSqlite3(file);
  db.pragma(`busy_timeout = ${BLOCKING_BUSY_TIMEOUT_MS}`);
  const retry = { timeoutMs: lockTimeoutMs };
  // Several instances may open the file at once: each step waits its turn.
  await retryWhileBusy(async () => db.pragma('journal_mode = WAL'), retry);
  db.pragma('synchronous = FULL'); // an acknowledged message survives power loss too
  await retryWhileBusy(async () => db.transaction(() => db.exec(schema)).immediate(), retry);

  // Message inserts commit on a thread of their own (not possible for an in-memory database).
  const writer = file === ':memory:' ? undefined : new MessageWriterThread(file);
  const commitRows = writer && ((rows: MessageInsertRow[], timeoutMs: number) => writer.commit(rows, timeoutMs));
  const messages = createSqliteMessageRepository(db, { lockTimeoutMs, ...(commitRows ? { commitRows } : {}) });

  // Health asks for the write lock: a store another process keeps locked cannot take sends.
  const probeWriteLock = db.transaction(() => {});
  return {
    kind: 'sqlite',
    users: withBusyRetry(createSqliteUserRepository(db), retry),
    // Inserts wait for the lock within their own deadline in the group commit; reads retry.
    messages: { ...withBusyRetry(messages, retry), insert: messages.insert },
    revocations: withBusyRetry(createSqliteRevocationRepository(db), retry),
    async ping() {
      await retryWhileBusy(async () => probeWriteLock.immediate(), { timeoutMs: 1000 });
    },
    async close() {
      await writer?.close();
      if (db.open) db.close();
    },
  };
}
