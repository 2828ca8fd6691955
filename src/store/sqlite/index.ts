export { openSqliteStore, type SqliteStoreOptions } from './open.js';
export { migrate, MIGRATIONS } from './migrations.js';
