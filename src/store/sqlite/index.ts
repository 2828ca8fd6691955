export { openSqliteStore, type SqliteStoreOptions } from './open.js';
export type { SqliteSynchronous } from './connection.js';
export { migrate, MIGRATIONS } from './migrations.js';
