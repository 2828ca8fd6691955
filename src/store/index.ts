import type { Logger } from '../shared/logger.js';
import { openMongoStore } from './mongo/index.js';
import { openSqliteStore } from './sqlite/index.js';
import type { Store } from './store.js';

export { SchemaTooNewError, StoreStartupError, type Store } from './store.js';
export { instrumentStore } from './instrumented.js';

export interface StoreOptions {
  /** MongoDB when set, else SQLite. */
  mongodbUri: string | undefined;
  /** The SQLite database file. */
  sqliteFile: string;
  /** How long a store operation may wait (for a lock, for a server) before failing with store_unavailable, in ms. */
  timeoutMs: number;
  logger: Logger;
}

/** Opens the configured store, its schema migrated to this release. */
export function openStore({ mongodbUri, sqliteFile, timeoutMs, logger }: StoreOptions): Promise<Store> {
  const log = logger.child({ component: 'store' });
  if (mongodbUri) return openMongoStore({ uri: mongodbUri, timeoutMs, logger: log });
  return openSqliteStore({ file: sqliteFile, lockTimeoutMs: timeoutMs, logger: log });
}
