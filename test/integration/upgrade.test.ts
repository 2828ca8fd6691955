import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/protocol/events.js';
import { directConversationId } from '../../src/modules/chats/conversation-id.js';
import { MIGRATIONS } from '../../src/store/sqlite/index.js';
import { request } from '../helpers/http.js';
import { makeDataDir, startTestParley, type TestParley } from '../helpers/parley.js';

/*
 * A data folder written by release 0.1.0 (test/fixtures/data-0.1.0, made by make-fixture.ts
 * there), opened by this release: everything it held is still there and still works.
 */
const fixtureDir = fileURLToPath(new URL('../fixtures/data-0.1.0/', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

interface Fixture {
  users: { id: string; username: string; password: string }[];
  messages: ChatMessage[];
  revokedTokenIds: string[];
  revokedSessionIds: string[];
  sync: { userId: string; cursor: string; idsAfterCursor: string[] };
  history: { userId: string; withUserId: string; nextCursor: string; idsOfNextPage: string[] };
  schema: { type: string; name: string }[];
}

const fixture = JSON.parse(fs.readFileSync(path.join(fixtureDir, 'fixture.json'), 'utf8')) as Fixture;
// 0.1.0 returned messages without their conversationId; this release adds it (and nothing else).
for (const message of fixture.messages) message.conversationId = directConversationId(message.senderId, message.receiverId);
const latestVersion = MIGRATIONS.at(-1)?.version as number;

/** A private copy of the fixture's data folder: opening a database writes next to it. */
function copyOfFixtureData(): string {
  const dir = makeDataDir();
  fs.cpSync(path.join(fixtureDir, 'data'), dir, { recursive: true });
  return dir;
}

function readDatabase<T>(dataDir: string, read: (db: BetterSqlite3.Database) => T): T {
  const db = new BetterSqlite3(path.join(dataDir, 'parley.db'), { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const ids = (messages: ChatMessage[]) => messages.map((message) => message.id);
const involving = (userId: string) => fixture.messages.filter((m) => m.senderId === userId || m.receiverId === userId);

describe('upgrading a data folder written by 0.1.0', () => {
  let dataDir: string;
  let parley: TestParley;
  const tokens = new Map<string, string>();

  beforeAll(async () => {
    dataDir = copyOfFixtureData();
    parley = await startTestParley({ dataDir });
    for (const user of fixture.users) {
      const login = await request(parley.url, 'POST', '/auth/login', { body: { username: user.username, password: user.password } });
      if (login.status === 200) tokens.set(user.id, login.body.token);
    }
  });
  afterAll(async () => {
    await parley?.dispose();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const tokenOf = (userId: string) => tokens.get(userId) as string;

  it('records the schema version, keeps every table and index 0.1.0 made, and adds the later ones', () => {
    const { version, names } = readDatabase(dataDir, (db) => ({
      version: db.pragma('user_version', { simple: true }),
      names: db.prepare('SELECT name FROM sqlite_master').pluck().all() as string[],
    }));
    expect(version).toBe(latestVersion);
    for (const entry of fixture.schema) expect(names).toContain(entry.name);
    expect(names).toContain('user_revocations'); // version 2
    expect(names).toContain('conversations'); // version 3
  });

  it('lets every user log in with their password, as the same user (whatever the letter case)', async () => {
    expect([...tokens.keys()].sort()).toEqual(fixture.users.map((user) => user.id).sort());
    const bob = fixture.users[1] as Fixture['users'][number];
    const login = await request(parley.url, 'POST', '/auth/login', { body: { username: bob.username.toUpperCase(), password: bob.password } });
    expect(login.body.user.id).toBe(bob.id);
  });

  it('syncs every message of every user, exactly as 0.1.0 returned it, in the same order', async () => {
    for (const user of fixture.users) {
      const sync = await request(parley.url, 'GET', '/sync?limit=500', { token: tokenOf(user.id) });
      expect(sync.body.messages).toEqual(involving(user.id));
      expect(sync.body.hasMore).toBe(false);
    }
  });

  it('continues a sync from a cursor 0.1.0 issued', async () => {
    const { userId, cursor, idsAfterCursor } = fixture.sync;
    const sync = await request(parley.url, 'GET', `/sync?since=${cursor}&limit=500`, { token: tokenOf(userId) });
    expect(ids(sync.body.messages)).toEqual(idsAfterCursor);
  });

  it('pages history from a cursor 0.1.0 issued', async () => {
    const { userId, withUserId, nextCursor, idsOfNextPage } = fixture.history;
    const page = await request(parley.url, 'GET', `/chats/${userId}/with/${withUserId}?limit=50&before=${nextCursor}`, {
      token: tokenOf(userId),
    });
    expect(ids(page.body.messages)).toEqual(idsOfNextPage);
  });

  it('still refuses the token and the session logged out under 0.1.0', async () => {
    const revocations = parley.container.store.revocations;
    for (const tokenId of fixture.revokedTokenIds) expect(await revocations.isRevoked(`token:${tokenId}`)).toBe(true);
    for (const sessionId of fixture.revokedSessionIds) expect(await revocations.isRevoked(`session:${sessionId}`)).toBe(true);
    expect(await revocations.isRevoked('token:never-issued')).toBe(false);
  });

  it('gives every user their conversations from the old messages, newest first, all read: no flood of old unread', async () => {
    for (const user of fixture.users) {
      const byConversation = new Map<string, ChatMessage[]>();
      for (const message of involving(user.id)) byConversation.set(message.conversationId, [...(byConversation.get(message.conversationId) ?? []), message]);
      const lastReceived = (messages: ChatMessage[], receiverId: string) =>
        messages.filter((message) => message.receiverId === receiverId && message.senderId !== receiverId).at(-1)?.id ?? null;
      const expected = [...byConversation.entries()]
        .map(([id, messages]) => {
          const lastMessage = messages.at(-1) as ChatMessage;
          const peerId = lastMessage.senderId === user.id ? lastMessage.receiverId : lastMessage.senderId;
          return {
            id,
            peerId,
            lastMessage,
            unreadCount: 0,
            readUpTo: lastReceived(messages, user.id),
            peerReadUpTo: lastReceived(messages, peerId),
            peerDeliveredUpTo: lastReceived(messages, peerId),
          };
        })
        .sort((a, b) => Number(b.lastMessage.id) - Number(a.lastMessage.id));
      const inbox = await request(parley.url, 'GET', '/conversations', { token: tokenOf(user.id) });
      expect(inbox.status).toBe(200);
      expect(
        inbox.body.conversations.map(({ peer, ...conversation }: { peer: { id: string } }) => ({ ...conversation, peerId: peer.id })),
      ).toEqual(expected);
    }
  });

  it('still recognises a retry of a send stored by 0.1.0, and stores new messages after the old ones', async () => {
    const original = fixture.messages.find((message) => message.clientMsgId !== undefined) as ChatMessage;
    const retry = await request(parley.url, 'POST', `/chats/${original.senderId}/send`, {
      token: tokenOf(original.senderId),
      body: { receiverId: original.receiverId, message: 'sent again', clientMsgId: original.clientMsgId },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.message).toEqual(original);
    const fresh = await request(parley.url, 'POST', `/chats/${original.senderId}/send`, {
      token: tokenOf(original.senderId),
      body: { receiverId: original.receiverId, message: 'new after the upgrade' },
    });
    expect(fresh.status).toBe(201);
    expect(Number(fresh.body.message.id)).toBeGreaterThan(Math.max(...fixture.messages.map((message) => Number(message.id))));
  });
});

describe('a data folder written by a newer release', () => {
  it('is refused at start-up with a message that says why, and left as it was', async () => {
    const dataDir = copyOfFixtureData();
    try {
      const file = path.join(dataDir, 'parley.db');
      const db = new BetterSqlite3(file);
      db.pragma(`user_version = ${latestVersion + 1}`);
      db.close();
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/index.ts'], {
        cwd: projectRoot,
        env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      expect(code).toBe(1);
      expect(stderr).toContain(`Parley cannot start: The SQLite database ${file} has schema version ${latestVersion + 1}`);
      expect(stderr).toContain('written by a newer release');
      expect(readDatabase(dataDir, (reader) => reader.pragma('user_version', { simple: true }))).toBe(latestVersion + 1);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
