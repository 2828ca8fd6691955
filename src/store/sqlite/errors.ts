import { AppError, errors } from '../../shared/errors.js';
import { WorkerThreadGoneError } from '../../shared/worker-rpc.js';

/** SQLite result codes (and their extended forms) that mean "cannot serve right now, retry later". */
const UNAVAILABLE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_FULL'];

export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * This driver's errors as Parley's, at its edge: a lock held past the store timeout, a disk
 * error, a closed database or a writer thread that died become store_unavailable (503, the
 * client retries); anything else passes unchanged, a bug to be reported as internal_error.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof WorkerThreadGoneError) return errors.storeUnavailable(error);
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNAVAILABLE_CODES.some((prefix) => code.startsWith(prefix))) return errors.storeUnavailable(error);
  if (error instanceof TypeError && message === 'The database connection is not open') return errors.storeUnavailable(error);
  return error;
}

export function rethrowAsStoreError(error: unknown): never {
  throw toStoreError(error);
}
