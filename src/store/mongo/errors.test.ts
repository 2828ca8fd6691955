import { createRequire } from 'node:module';
import { mongo } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { AppError, errors } from '../../shared/errors.js';
import { isDuplicateKeyError, toStoreError } from './errors.js';

// The driver Mongoose uses, as Mongoose exports it; the pool's errors are internal to it.
const {
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoNotConnectedError,
  MongoServerError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  MongoServerClosedError,
  MongoWriteConcernError,
} = mongo;
const pool = createRequire(import.meta.url)('mongodb/lib/cmap/errors.js') as {
  PoolClearedError: new (pool: { address: string }) => Error;
  PoolClearedOnNetworkError: new (pool: { address: string }) => Error;
  PoolClosedError: new (pool: { address: string }) => Error;
  WaitQueueTimeoutError: new (message: string, address: string) => Error;
};

function expectUnavailable(error: unknown): void {
  const translated = toStoreError(error);
  expect(translated, String(error)).toBeInstanceOf(AppError);
  expect(translated).toMatchObject({ code: 'store_unavailable', status: 503, cause: error });
}

const serverError = (code: number, errorLabels: string[] = []) => new MongoServerError({ message: `server error ${code}`, code, errorLabels });

describe('MongoDB errors at the driver’s edge', () => {
  it('turns an unreachable or unanswering server into store_unavailable, keeping the driver error as its cause', () => {
    [
      new MongoNetworkError('connection reset'),
      new MongoNetworkTimeoutError('timed out'),
      new MongoNotConnectedError('not connected'),
      new MongoTopologyClosedError(),
      new MongoServerClosedError(),
      new MongoServerSelectionError('no primary', { type: 'Unknown', servers: new Map() } as never),
    ].forEach(expectUnavailable);
  });

  it('turns a pool cleared by a failed heartbeat, a closed pool and a timed-out wait for a connection into store_unavailable', () => {
    [
      new pool.PoolClearedError({ address: 'db:27017' }),
      new pool.PoolClearedOnNetworkError({ address: 'db:27017' }),
      new pool.PoolClosedError({ address: 'db:27017' }),
      new pool.WaitQueueTimeoutError('Timed out while checking out a connection from connection pool', 'db:27017'),
    ].forEach(expectUnavailable);
  });

  it('turns a lost or changing primary, a shutdown, an exceeded maxTimeMS and a write-concern timeout into store_unavailable', () => {
    [10107, 13435, 11602, 189, 91, 11600, 50, 262, 112].map((code) => serverError(code)).forEach(expectUnavailable);
    expectUnavailable(new MongoWriteConcernError({ writeConcernError: { code: 64, errmsg: 'waiting for replication timed out' } } as never));
  });

  it('turns any error the driver labels as transient or retryable into store_unavailable', () => {
    for (const label of ['TransientTransactionError', 'UnknownTransactionCommitResult', 'RetryableWriteError', 'ResetPool']) {
      expectUnavailable(serverError(2, [label]));
    }
  });

  it('lets everything else through unchanged, and recognises a duplicate key', () => {
    const duplicate = serverError(11000);
    expect(isDuplicateKeyError(duplicate)).toBe(true);
    expect(toStoreError(duplicate)).toBe(duplicate);
    const badValue = serverError(2); // BadValue: a bug, not an outage
    expect(toStoreError(badValue)).toBe(badValue);
    const bug = new TypeError('cannot read properties of undefined');
    expect(toStoreError(bug)).toBe(bug);
    const appError = errors.usernameTaken();
    expect(toStoreError(appError)).toBe(appError);
  });
});
