import { mongo } from 'mongoose';
import { describe, expect, it } from 'vitest';
import { AppError, errors } from '../../shared/errors.js';
import { isDuplicateKeyError, toStoreError } from './errors.js';

// The driver Mongoose uses, as Mongoose exports it.
const { MongoNetworkError, MongoNetworkTimeoutError, MongoNotConnectedError, MongoServerError, MongoServerSelectionError, MongoTopologyClosedError } =
  mongo;

describe('MongoDB errors at the driver’s edge', () => {
  it('turns an unreachable or unanswering server into store_unavailable, keeping the driver error as its cause', () => {
    const outages = [
      new MongoNetworkError('connection reset'),
      new MongoNetworkTimeoutError('timed out'),
      new MongoNotConnectedError('not connected'),
      new MongoTopologyClosedError(),
      new MongoServerSelectionError('no primary', { type: 'Unknown', servers: new Map() } as never),
    ];
    for (const error of outages) {
      const translated = toStoreError(error);
      expect(translated).toBeInstanceOf(AppError);
      expect(translated).toMatchObject({ code: 'store_unavailable', status: 503, cause: error });
    }
  });

  it('lets everything else through unchanged, and recognises a duplicate key', () => {
    const duplicate = new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });
    expect(isDuplicateKeyError(duplicate)).toBe(true);
    expect(toStoreError(duplicate)).toBe(duplicate);
    const bug = new TypeError('cannot read properties of undefined');
    expect(toStoreError(bug)).toBe(bug);
    const appError = errors.usernameTaken();
    expect(toStoreError(appError)).toBe(appError);
  });
});
