import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../src/modules/chats/index.js';
import type { Store } from '../../src/store/index.js';
import { openSqliteStore } from '../../src/store/sqlite/index.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { describeConversationContract } from './conversations-contract.js';
import { describeStoreContract } from './store-contract.js';

let dir: string;
let fileCount = 0;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-sqlite-conformance-'));
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A database file no other test uses, in this file's temp directory. */
function freshFile(): string {
  fileCount += 1;
  return path.join(dir, `store-${fileCount}`, 'parley.db');
}

// Every test gets its own empty database file, so store-wide counts are exact.
describeStoreContract('SQLite store', async () => openSqliteStore({ file: freshFile(), logger: silentLogger }), { isolated: true });

let lastFile = '';
describeConversationContract(
  'SQLite conversations',
  async () => {
    lastFile = freshFile();
    return openSqliteStore({ file: lastFile, logger: silentLogger });
  },
  async () => openSqliteStore({ file: lastFile, logger: silentLogger }),
);

describe('SQLite store: one file shared by several handles (as several processes would)', () => {
  const opened: Store[] = [];
  const open = async (file: string) => {
    const store = await openSqliteStore({ file, logger: silentLogger });
    opened.push(store);
    return store;
  };

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  it('creates the database file (and its directory) and keeps data across close and reopen', async () => {
    const file = freshFile();
    const first = await open(file);
    expect(fs.existsSync(file)).toBe(true);
    const user = await first.users.create({ username: 'Persistent', passwordHash: 'hash', createdAt: new Date() });
    const { message } = await first.messages.insert({
      conversationId: 'dm:a:b',
      senderId: 'a',
      receiverId: 'b',
      message: 'still here',
      clientMsgId: 'keep-1',
      createdAt: new Date(),
    });
    await first.revocations.revoke('jti-persisted', new Date(Date.now() + 60_000));
    await first.close();

    const reopened = await open(file);
    expect(await reopened.users.findById(user.id)).toEqual(user);
    expect(await reopened.messages.listConversationNewestFirst('dm:a:b', { limit: 10 })).toEqual([message]);
    expect(await reopened.revocations.isRevoked('jti-persisted')).toBe(true);
    // Deduplication survives the reopen too, and seq keeps growing.
    const retry = await reopened.messages.insert({
      conversationId: 'dm:a:b',
      senderId: 'a',
      receiverId: 'b',
      message: 'retry',
      clientMsgId: 'keep-1',
      createdAt: new Date(),
    });
    expect(retry).toEqual({ created: false, message });
    const next = await reopened.messages.insert({
      conversationId: 'dm:a:b',
      senderId: 'b',
      receiverId: 'a',
      message: 'after reopen',
      createdAt: new Date(),
    });
    expect(next.message.seq).toBeGreaterThan(message.seq);
  });

  it('two handles on the same file see each other\'s writes', async () => {
    const file = freshFile();
    const a = await open(file);
    const b = await open(file);

    const alice = await a.users.create({ username: 'Alice', passwordHash: 'hash-a', createdAt: new Date() });
    expect(await b.users.findById(alice.id)).toEqual(alice);
    expect(await b.users.findByUsernameWithPasswordHash('alice')).toEqual({ ...alice, passwordHash: 'hash-a' });

    // The unique username index holds across handles.
    await expect(
      b.users.create({ username: 'ALICE', passwordHash: 'hash-b', createdAt: new Date() }),
    ).rejects.toMatchObject({ code: 'username_taken', status: 409 });

    await b.revocations.revoke('jti-shared', new Date(Date.now() + 60_000));
    expect(await a.revocations.isRevoked('jti-shared')).toBe(true);

    // A retry through the other handle is recognised as the same send.
    const sent = await a.messages.insert({
      conversationId: 'dm:x:y',
      senderId: 'x',
      receiverId: 'y',
      message: 'once',
      clientMsgId: 'cross-handle',
      createdAt: new Date(),
    });
    const retried = await b.messages.insert({
      conversationId: 'dm:x:y',
      senderId: 'x',
      receiverId: 'y',
      message: 'twice?',
      clientMsgId: 'cross-handle',
      createdAt: new Date(),
    });
    expect(retried).toEqual({ created: false, message: sent.message });
  });

  it('keeps seq strictly increasing while two handles write alternately', async () => {
    const file = freshFile();
    const handles = [await open(file), await open(file)] as const;
    const conversationId = 'dm:p:q';
    const inserted: StoredMessage[] = [];
    for (let i = 0; i < 40; i += 1) {
      const writer = handles[i % 2] as Store;
      const { message, created } = await writer.messages.insert({
        conversationId,
        senderId: i % 2 === 0 ? 'p' : 'q',
        receiverId: i % 2 === 0 ? 'q' : 'p',
        message: `message ${i} via handle ${i % 2}`,
        createdAt: new Date(),
      });
      expect(created).toBe(true);
      inserted.push(message);
    }
    const seqs = inserted.map((message) => message.seq);
    expect(seqs.every((seq, index) => index === 0 || seq > (seqs[index - 1] as number))).toBe(true);

    const newestFirst = [...inserted].reverse();
    for (const handle of handles) {
      expect(await handle.messages.listConversationNewestFirst(conversationId, { limit: 100 })).toEqual(newestFirst);
    }
  });

  it('ping rejects once the store is closed, and close is idempotent', async () => {
    const store = await open(freshFile());
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
    await expect(store.close()).resolves.toBeUndefined();
  });
});
