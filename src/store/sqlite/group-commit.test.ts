import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { waitForLock } from './lock-wait.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

function database(file?: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-gc-'));
  dirs.push(dir);
  const db = new BetterSqlite3(file ?? path.join(dir, 'test.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 0');
  db.exec('CREATE TABLE IF NOT EXISTS items (seq INTEGER PRIMARY KEY AUTOINCREMENT, value TEXT NOT NULL UNIQUE)');
  return db;
}

/** A batch committed with a better-sqlite3 transaction on this thread, lock waits on the event loop. */
function inThreadCommit<Item, Result>(transaction: BetterSqlite3.Transaction<(batch: Item[]) => Result[]>) {
  return (batch: Item[], lockTimeoutMs: number) => waitForLock(() => transaction.immediate(batch), { timeoutMs: lockTimeoutMs });
}

function committer(db: BetterSqlite3.Database, batches: number[][] = []) {
  const insert = db.prepare<[string], { seq: number }>('INSERT INTO items (value) VALUES (?) RETURNING seq');
  const commit = db.transaction((values: string[]) => {
    const seqs = values.map((value) => (insert.get(value) as { seq: number }).seq);
    batches.push(seqs);
    return seqs;
  });
  return new GroupCommit<string, number>({ commit: inThreadCommit(commit), lockTimeoutMs: 2000 });
}

describe('GroupCommit', () => {
  it('commits the writes of one event-loop turn in one transaction, answering each with its own result', async () => {
    const db = database();
    const batches: number[][] = [];
    const group = committer(db, batches);
    const seqs = await Promise.all(['a', 'b', 'c', 'd'].map((value) => group.submit(value)));
    expect(seqs).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(await group.submit('e')).toBe(5);
    expect(batches).toHaveLength(2);
  });

  it('fails every write of a batch whose transaction fails, and stores none of them', async () => {
    const db = database();
    const group = committer(db);
    await group.submit('taken');
    const results = await Promise.allSettled([group.submit('fresh'), group.submit('taken')]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(db.prepare('SELECT value FROM items ORDER BY seq').pluck().all()).toEqual(['taken']);
  });

  it('refuses alone an item whose result is an Error, answering the rest of its batch', async () => {
    const group = new GroupCommit<string, string>({
      commit: async (batch) => batch.map((item) => (item === 'refused' ? new Error(`no ${item}`) : `stored ${item}`)),
      lockTimeoutMs: 2000,
    });
    const results = await Promise.allSettled(['a', 'refused', 'b'].map((item) => group.submit(item)));
    expect(results).toEqual([
      { status: 'fulfilled', value: 'stored a' },
      { status: 'rejected', reason: new Error('no refused') },
      { status: 'fulfilled', value: 'stored b' },
    ]);
  });

  it('waits for another connection’s write lock without blocking, and keeps batches in submission order', async () => {
    const db = database();
    const other = new BetterSqlite3(db.name);
    other.exec('BEGIN IMMEDIATE');
    const group = committer(db);
    const first = group.submit('first');
    await new Promise((resolve) => setImmediate(resolve));
    const second = group.submit('second');
    let timerFired = false;
    setTimeout(() => (timerFired = true), 20);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(timerFired).toBe(true); // the event loop kept turning while the lock was held
    other.exec('COMMIT');
    expect(await first).toBeLessThan(await second);
    other.close();
  });
});

describe('GroupCommit lock timeout', () => {
  it('bounds each write by its own timeout, even queued behind a batch that is waiting for the lock', async () => {
    const db = database();
    const other = new BetterSqlite3(db.name);
    other.exec('BEGIN IMMEDIATE');
    const insert = db.prepare<[string], { seq: number }>('INSERT INTO items (value) VALUES (?) RETURNING seq');
    const group = new GroupCommit<string, number>({
      commit: inThreadCommit(db.transaction((values: string[]) => values.map((value) => (insert.get(value) as { seq: number }).seq))),
      lockTimeoutMs: 1000,
    });
    const first = group.submit('first').then(() => 'stored', () => 'failed');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const second = group.submit('second').then(() => 'stored', () => 'failed');
    // The lock goes at 1.75 s: after the second write's own deadline (1.5 s), though before
    // the first batch's failure (1 s) plus a full timeout of its own (2 s).
    setTimeout(() => other.exec('ROLLBACK'), 1250);
    expect(await first).toBe('failed');
    expect(await second).toBe('failed');
    other.close();
  });
});
