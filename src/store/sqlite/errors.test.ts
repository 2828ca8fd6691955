import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError, errors } from '../../shared/errors.js';
import { WorkerThreadGoneError } from '../../shared/worker-rpc.js';
import { isUniqueViolation, toStoreError } from './errors.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function file(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sqlite-errors-'));
  dirs.push(dir);
  return path.join(dir, 'test.db');
}

function thrownBy(operation: () => unknown): unknown {
  try {
    operation();
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to throw');
}

describe('SQLite errors at the driver’s edge', () => {
  it('turns a write lock held elsewhere into store_unavailable, keeping the SQLite error as its cause', () => {
    const name = file();
    const holder = new BetterSqlite3(name);
    holder.pragma('journal_mode = WAL');
    holder.exec('CREATE TABLE t (x)');
    holder.exec('BEGIN IMMEDIATE');
    const other = new BetterSqlite3(name, { timeout: 0 });
    const busy = thrownBy(() => other.exec('BEGIN IMMEDIATE'));
    const translated = toStoreError(busy);
    expect(translated).toBeInstanceOf(AppError);
    expect(translated).toMatchObject({ code: 'store_unavailable', status: 503, cause: busy });
    holder.close();
    other.close();
  });

  it('turns a closed database, a full or failing disk and a writer thread that died into store_unavailable', () => {
    const db = new BetterSqlite3(file());
    db.close();
    const closed = thrownBy(() => db.prepare('SELECT 1'));
    const diskErrors = ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_CANTOPEN'].map((code) => Object.assign(new Error(code), { code }));
    for (const error of [closed, ...diskErrors, new WorkerThreadGoneError('worker thread exited with code 1')]) {
      expect(toStoreError(error)).toMatchObject({ code: 'store_unavailable', cause: error });
    }
  });

  it('lets everything else through unchanged: a bug is not an outage', () => {
    const db = new BetterSqlite3(file());
    db.exec('CREATE TABLE t (x UNIQUE)');
    db.exec('INSERT INTO t VALUES (1)');
    const duplicate = thrownBy(() => db.exec('INSERT INTO t VALUES (1)'));
    const syntax = thrownBy(() => db.exec('SELEC 1'));
    db.close();
    expect(isUniqueViolation(duplicate)).toBe(true);
    expect(toStoreError(duplicate)).toBe(duplicate);
    expect(toStoreError(syntax)).toBe(syntax);
    const appError = errors.usernameTaken();
    expect(toStoreError(appError)).toBe(appError);
  });
});
