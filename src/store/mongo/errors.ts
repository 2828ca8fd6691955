import { AppError, errors } from '../../shared/errors.js';

/** Driver errors that mean "the server cannot be reached or answer right now, retry later". */
const UNAVAILABLE_NAMES = new Set([
  'MongoServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoOperationTimeoutError',
]);

/** MongoDB's duplicate key error (E11000), raised by unique indexes. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 11000;
}

/**
 * This driver's errors as Parley's, at its edge: an unreachable or unanswering server becomes
 * store_unavailable (503, the client retries); anything else passes unchanged, a bug to be
 * reported as internal_error.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' && UNAVAILABLE_NAMES.has(name) ? errors.storeUnavailable(error) : error;
}

export function rethrowAsStoreError(error: unknown): never {
  throw toStoreError(error);
}
