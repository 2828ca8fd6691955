import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../shared/logger.js';
import type { Store } from '../store.js';
import { openDatabase, type SqliteConnection, type SqliteSynchronous } from './connection.js';
import { rethrowAsStoreError } from './errors.js';
import { waitForLock, type LockWait } from './lock-wait.js';
import { MessageWriter } from './message-writer.js';
import { createBlockRepository } from './blocks.js';
import { createConversationRepository } from './conversations.js';
import { createMessageRepository } from './messages.js';
import { migrate } from './migrations.js';
import { createRevocationRepository } from './revocations.js';
import { createUserRepository } from './users.js';

export interface SqliteStoreOptions {
  /** Path of the database file; its folder is created when missing. */
  file: string;
  /**
   * How long an operation may wait for another process's write lock before it fails with
   * store_unavailable, in ms. Default 5000. The wait happens on the event loop.
   */
  lockTimeoutMs?: number;
  /** SQLite's `synchronous` on every connection (connection.ts); default 'full'. */
  synchronous?: SqliteSynchronous;
  logger: Logger;
}

/**
 * The embedded store: one SQLite file in WAL mode, which several processes on one machine
 * may share (readers never block the single writer), migrated to this release's schema.
 */
/**
 * People's conversations: the folder is the owner's alone (0700 when Parley creates it) and so is
 * the file (0600, also when an older release left it readable); SQLite gives its -wal and -shm
 * files the database file's mode.
 */
function createPrivately(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  fs.chmodSync(file, 0o600);
}

export async function openSqliteStore({ file, lockTimeoutMs = 5000, synchronous = 'full', logger }: SqliteStoreOptions): Promise<Store> {
  createPrivately(file);
  const lockWait: LockWait = { timeoutMs: lockTimeoutMs };
  // Several instances may open the file at once: each step waits its turn, opening included.
  const db = await waitForLock(() => openDatabase(file, 'main', synchronous), lockWait);
  try {
    await waitForLock(() => db.pragma('journal_mode = WAL'), lockWait);
    const { from, to } = await waitForLock(() => migrate(db), lockWait);
    if (from !== to) logger.info({ from, to }, 'SQLite schema migrated');
  } catch (error) {
    db.close();
    throw error;
  }

  const connection: SqliteConnection = {
    db,
    run: (statements) => waitForLock(statements, lockWait).catch(rethrowAsStoreError),
  };
  const writer = new MessageWriter({ file, lockTimeoutMs, synchronous });
  // Health asks for the write lock: a store another process keeps locked cannot take sends.
  const probeWriteLock = db.transaction(() => {});
  return {
    kind: 'sqlite',
    users: createUserRepository(connection),
    messages: createMessageRepository(connection, writer, logger),
    conversations: createConversationRepository(connection),
    blocks: createBlockRepository(connection),
    revocations: createRevocationRepository(connection),
    async ping() {
      await waitForLock(() => probeWriteLock.immediate(), { timeoutMs: 1000 });
    },
    async close() {
      await writer.close();
      if (db.open) db.close();
    },
  };
}
