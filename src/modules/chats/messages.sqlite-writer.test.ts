import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { isStoreUnavailableError } from '../../store/store-errors.js';
import { messagesSqliteSchema, type MessageInsertRow } from './messages.sqlite.js';
import { MessageWriterThread } from './messages.sqlite-writer.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function databaseFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-writer-'));
  const file = path.join(dir, 'parley.db');
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  db.exec(messagesSqliteSchema);
  db.close();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return file;
}

function writerFor(file: string): MessageWriterThread {
  const writer = new MessageWriterThread(file);
  cleanups.push(() => writer.close());
  return writer;
}

const row = (clientMsgId: string | null, body = 'hello'): MessageInsertRow => [
  'dm:a:b',
  'a',
  'b',
  body,
  clientMsgId,
  '2026-12-01T00:00:00.000Z',
];

describe('MessageWriterThread', () => {
  it('commits a batch on its own thread: a seq per new row, the stored original for a repeated clientMsgId', async () => {
    const file = databaseFile();
    const writer = writerFor(file);
    const [first, second] = (await writer.commit([row('c1'), row(null)], 1000)) as [number, number];
    expect(second).toBe(first + 1);
    const [again] = await writer.commit([row('c1', 'changed text')], 1000);
    expect(again).toMatchObject({ seq: first, message: 'hello', clientMsgId: 'c1' });
    const db = new BetterSqlite3(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(2);
    db.close();
  });

  it('waits for another connection’s write lock off the event loop, and fails as store-unavailable after its timeout', async () => {
    const file = databaseFile();
    const writer = writerFor(file);
    await writer.commit([row('warm-up')], 1000);
    const locker = new BetterSqlite3(file);
    cleanups.push(() => void locker.close());
    locker.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    const error = await writer.commit([row('locked')], 300).catch((caught: unknown) => caught);
    clearInterval(ticker);
    expect(isStoreUnavailableError(error)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(ticks).toBeGreaterThanOrEqual(10); // the event loop kept turning meanwhile
    locker.exec('ROLLBACK');
    expect(typeof (await writer.commit([row('after')], 1000))[0]).toBe('number');
  });

  it('fails the waiting batch as store-unavailable when its thread dies, and starts a new thread for the next', async () => {
    const file = databaseFile();
    const writer = writerFor(file);
    await writer.commit([row('before')], 1000);
    const thread = (writer as unknown as { worker: Worker }).worker;
    const waiting = writer.commit([row('during')], 1000);
    await thread.terminate();
    const error = await waiting.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // Either the batch committed before the thread went, or it failed as retryable: never lost silently.
    if (error !== undefined) expect(error).toMatchObject({ code: 'store_unavailable' });
    const [seq] = await writer.commit([row('after')], 1000);
    expect(typeof seq).toBe('number');
  });

  it('checkpoints in the background: committed pages reach the database file with no commit doing it', async () => {
    const file = databaseFile();
    const writer = writerFor(file);
    const sizeBefore = fs.statSync(file).size;
    await writer.commit(
      Array.from({ length: 500 }, (_, i) => row(`bulk-${i}`, 'x'.repeat(200))),
      1000,
    );
    // 500 rows of 200 characters: well over 100 KB of pages, in the WAL until checkpointed.
    const deadline = Date.now() + 5000;
    while (fs.statSync(file).size <= sizeBefore + 100_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(fs.statSync(file).size).toBeGreaterThan(sizeBefore + 100_000);
  });

  it('refuses batches once closed', async () => {
    const writer = writerFor(databaseFile());
    await writer.close();
    await expect(writer.commit([row('late')], 1000)).rejects.toMatchObject({ code: 'store_unavailable' });
  });
});
