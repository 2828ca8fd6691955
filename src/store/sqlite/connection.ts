import BetterSqlite3, { type Database } from 'better-sqlite3';

/**
 * The three kinds of connection to the database file, one per thread:
 * - main (event loop): users, revocations, every read, the schema migrations;
 * - writer (message-writer.worker.ts): message inserts;
 * - checkpointer (checkpointer.worker.ts): copies the WAL into the database file.
 */
export type ConnectionRole = 'main' | 'writer' | 'checkpointer';

/**
 * SQLite's `synchronous` for every connection (SQLITE_SYNCHRONOUS). FULL: every commit is
 * fsynced, durable through a power loss. NORMAL (in WAL mode): a commit reaches the operating
 * system, not the disk, before it returns, so it survives the process crashing but not the
 * machine losing power; checkpoints still fsync. docs/delivery.md states what each guarantees.
 */
export type SqliteSynchronous = 'full' | 'normal';

/**
 * Opens one connection with the settings its role needs. None waits inside SQLite for a lock
 * (busy_timeout 0: that wait would block its thread, the event loop above all); callers wait
 * with lock-wait.ts instead. The writer commits with automatic checkpoints off, so no commit
 * ever does one; the checkpointer does them. `synchronous` as configured (FULL by default).
 */
export function openDatabase(file: string, role: ConnectionRole, synchronous: SqliteSynchronous = 'full'): Database {
  const db = new BetterSqlite3(file);
  try {
    db.pragma('busy_timeout = 0');
    if (role !== 'main') db.pragma('wal_autocheckpoint = 0');
    db.pragma(`synchronous = ${synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
    return db;
  } catch (error) {
    db.close(); // e.g. SQLITE_BUSY while another process sets the file up: the caller tries again
    throw error;
  }
}

/** The event loop's connection, as the repositories use it. */
export interface SqliteConnection {
  db: Database;
  /**
   * Runs statements on it: tried again while another connection holds the write lock, up to
   * the store timeout, and failing with this driver's errors translated (errors.ts).
   */
  run<T>(statements: () => T): Promise<T>;
}
