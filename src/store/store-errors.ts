const sqliteUnavailableCodes = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL']);
const mongoUnavailableNames = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoOperationTimeoutError',
]);

/** Whether an error means "the store cannot serve right now" (retry later) rather than a bug. */
export function isStoreUnavailableError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, message } = error as { name?: string; code?: string; message?: string };
  if (name === 'SqliteError' && typeof code === 'string') {
    return [...sqliteUnavailableCodes].some((prefix) => code.startsWith(prefix));
  }
  if (name === 'TypeError' && message === 'The database connection is not open') return true;
  return typeof name === 'string' && mongoUnavailableNames.has(name);
}
