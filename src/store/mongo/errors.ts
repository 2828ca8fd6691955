import { mongo } from 'mongoose';
import { AppError, errors } from '../../shared/errors.js';

const {
  MongoError,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoOperationTimeoutError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoWriteConcernError,
} = mongo;

/*
 * What the driver says when the server cannot serve right now, retry later. Classified by what
 * the driver itself reports (its error classes, labels and the server's codes), never by
 * message text: class names alone missed a pool cleared by a failed heartbeat, a lost primary
 * and a timed-out wait for a connection, which then answered 500.
 */

/** Classes (and their subclasses: MongoNetworkTimeoutError, the pool-cleared errors) that mean "unreachable". */
const UNAVAILABLE_CLASSES = [
  MongoNetworkError,
  MongoServerSelectionError,
  MongoNotConnectedError,
  MongoTopologyClosedError,
  MongoServerClosedError,
  MongoOperationTimeoutError,
  MongoWriteConcernError,
];

/** Internal driver classes not exported by the package: by name. */
const UNAVAILABLE_NAMES = new Set(['MongoWaitQueueTimeoutError', 'MongoPoolClosedError', 'MongoPoolClearedError', 'PoolClearedOnNetworkError']);

/** Labels the driver or server puts on errors worth retrying later. */
const UNAVAILABLE_LABELS = [
  'TransientTransactionError',
  'UnknownTransactionCommitResult',
  'RetryableWriteError',
  'ResetPool',
  'RetryableError',
  'SystemOverloadedError',
];

/** Server codes of a node that cannot serve now (failover, shutdown, overload, our own maxTimeMS). */
const UNAVAILABLE_CODES = new Set([
  6, // HostUnreachable
  7, // HostNotFound
  50, // MaxTimeMSExpired
  64, // WriteConcernFailed (wtimeout)
  89, // NetworkTimeout
  91, // ShutdownInProgress
  112, // WriteConflict, after the transaction's own retries
  133, // FailedToSatisfyReadPreference
  189, // PrimarySteppedDown
  251, // NoSuchTransaction
  262, // ExceededTimeLimit
  9001, // SocketException
  10107, // NotWritablePrimary
  11600, // InterruptedAtShutdown
  11602, // InterruptedDueToReplStateChange
  13435, // NotPrimaryNoSecondaryOk
  13436, // NotPrimaryOrSecondary
]);

export function isUnavailable(error: unknown): boolean {
  if (UNAVAILABLE_CLASSES.some((kind) => error instanceof kind)) return true;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (typeof name === 'string' && UNAVAILABLE_NAMES.has(name)) return true;
  if (typeof code === 'number' && UNAVAILABLE_CODES.has(code)) return true;
  return error instanceof MongoError && UNAVAILABLE_LABELS.some((label) => error.hasErrorLabel(label));
}

/** MongoDB's duplicate key error (E11000), raised by unique indexes. */
export function isDuplicateKeyError(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === 11000;
}

/**
 * This driver's errors as Parley's, at its edge: a server that cannot be reached or cannot
 * serve now becomes store_unavailable (503, the client retries); anything else passes
 * unchanged, a bug to be reported as internal_error.
 */
export function toStoreError(error: unknown): unknown {
  if (error instanceof AppError) return error;
  return isUnavailable(error) ? errors.storeUnavailable(error) : error;
}

export function rethrowAsStoreError(error: unknown): never {
  throw toStoreError(error);
}
