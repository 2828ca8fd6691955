import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewMessage } from '../../modules/chats/index.js';
import { MessageWriter } from './message-writer.js';
import { migrate } from './migrations.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function databaseFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-writer-'));
  const file = path.join(dir, 'parley.db');
  const db = new BetterSqlite3(file);
  db.pragma('journal_mode = WAL');
  migrate(db);
  db.close();
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return file;
}

function writerFor(file: string, lockTimeoutMs = 1000): MessageWriter {
  const writer = new MessageWriter({ file, lockTimeoutMs });
  cleanups.push(() => writer.close());
  return writer;
}

const message = (clientMsgId: string | undefined, body = 'hello'): NewMessage => ({
  conversationId: 'dm:a:b',
  senderId: 'a',
  receiverId: 'b',
  message: body,
  ...(clientMsgId === undefined ? {} : { clientMsgId }),
  createdAt: new Date('2026-12-01T00:00:00.000Z'),
});

const threadOf = (writer: MessageWriter) => (writer as unknown as { thread: { worker: Worker } }).thread.worker;

describe('MessageWriter', () => {
  it('commits on its own thread: a new seq per new message, the stored original for a repeated clientMsgId', async () => {
    const file = databaseFile();
    const writer = writerFor(file);
    const [first, second] = await Promise.all([writer.insert(message('c1')), writer.insert(message(undefined))]);
    expect(first.created && second.created).toBe(true);
    expect(second.message.seq).toBe(first.message.seq + 1);
    const again = await writer.insert(message('c1', 'changed text'));
    expect(again).toEqual({ created: false, message: first.message });
    expect(threadOf(writer)).toBeDefined();
    const db = new BetterSqlite3(file, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(2);
    db.close();
  });

  it('waits for another connection’s write lock off the event loop, and fails as store_unavailable after its timeout', async () => {
    const file = databaseFile();
    const writer = writerFor(file, 300);
    await writer.insert(message('warm-up'));
    const locker = new BetterSqlite3(file);
    cleanups.push(() => void locker.close());
    locker.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = Date.now();
    const error = await writer.insert(message('locked')).catch((caught: unknown) => caught);
    clearInterval(ticker);
    expect(error).toMatchObject({ code: 'store_unavailable', status: 503 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(ticks).toBeGreaterThanOrEqual(10); // the event loop kept turning meanwhile
    locker.exec('ROLLBACK');
    expect((await writer.insert(message('after'))).created).toBe(true);
  });

  it('fails the waiting batch as store_unavailable when its thread dies, and starts a new thread for the next', async () => {
    const file = databaseFile();
    const writer = writerFor(file);
    await writer.insert(message('before'));
    const thread = threadOf(writer);
    const waiting = writer.insert(message('during'));
    await new Promise((resolve) => setImmediate(resolve)); // the batch is handed to the thread
    await thread.terminate();
    const error = await waiting.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    // Either the batch committed before the thread went, or it failed as retryable: never lost silently.
    if (error !== undefined) expect(error).toMatchObject({ code: 'store_unavailable' });
    expect((await writer.insert(message('after'))).created).toBe(true);
    expect(threadOf(writer)).not.toBe(thread);
  });

  it('checkpoints in the background: committed pages reach the database file with no commit doing it', async () => {
    const file = databaseFile();
    const writer = writerFor(file);
    const sizeBefore = fs.statSync(file).size;
    await Promise.all(Array.from({ length: 500 }, (_, i) => writer.insert(message(`bulk-${i}`, 'x'.repeat(200)))));
    // 500 rows of 200 characters: well over 100 KB of pages, in the WAL until checkpointed.
    const deadline = Date.now() + 5000;
    while (fs.statSync(file).size <= sizeBefore + 100_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(fs.statSync(file).size).toBeGreaterThan(sizeBefore + 100_000);
  });

  it('refuses inserts once closed', async () => {
    const writer = writerFor(databaseFile());
    await writer.close();
    await expect(writer.insert(message('late'))).rejects.toMatchObject({ code: 'store_unavailable' });
  });
});
