import type { Logger } from '../shared/logger.js';
import { openMongoStore } from './mongo/index.js';
import { openSqliteStore, type SqliteSynchronous } from './sqlite/index.js';
import type { Store } from './store.js';

export { SchemaTooNewError, StoreStartupError, type Store } from './store.js';
export type { SqliteSynchronous } from './sqlite/index.js';
export { instrumentStore } from './instrumented.js';

export interface StoreOptions {
  /** MongoDB when set, else SQLite. */
  mongodbUri: string | undefined;
  /** The SQLite database file. */
  sqliteFile: string;
  /** SQLite's `synchronous` (SQLITE_SYNCHRONOUS); MongoDB ignores it. */
  sqliteSynchronous: SqliteSynchronous;
  /** How long a store operation may wait (for a lock, for a server) before failing with store_unavailable, in ms. */
  timeoutMs: number;
  logger: Logger;
}

/** Opens the configured store, its schema migrated to this release. */
export function openStore({ mongodbUri, sqliteFile, sqliteSynchronous, timeoutMs, logger }: StoreOptions): Promise<Store> {
  const log = logger.child({ component: 'store' });
  if (mongodbUri) return openMongoStore({ uri: mongodbUri, timeoutMs, logger: log });
  if (sqliteSynchronous === 'normal') {
    log.warn('SQLITE_SYNCHRONOUS=normal: acknowledged messages survive a crash of Parley but not a power loss or an OS crash (docs/delivery.md)');
  }
  return openSqliteStore({ file: sqliteFile, lockTimeoutMs: timeoutMs, synchronous: sqliteSynchronous, logger: log });
}
