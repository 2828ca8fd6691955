import { directConversationId } from '../../src/modules/chats/conversation-id.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';

let parley: TestParley;
let url: string;

beforeAll(async () => {
  parley = await startTestParley();
  url = parley.url;
});
afterAll(() => parley.dispose());

async function pair(): Promise<[RegisteredUser, RegisteredUser]> {
  return [await registerUser(url), await registerUser(url)];
}

function send(from: RegisteredUser, to: RegisteredUser, message: string, clientMsgId?: string) {
  return request(url, 'POST', `/chats/${from.user.id}/send`, {
    token: from.token,
    body: { receiverId: to.user.id, message, ...(clientMsgId ? { clientMsgId } : {}) },
  });
}

function history(as: RegisteredUser, withUser: RegisteredUser, query = '') {
  return request(url, 'GET', `/chats/${as.user.id}/with/${withUser.user.id}${query}`, { token: as.token });
}

describe('POST /chats/:userId/send', () => {
  it('stores the message exactly as sent and answers 201 with it', async () => {
    const [alice, bob] = await pair();
    const text = '  hello\n\tworld — ünïcødé 👋🏽  ';
    const response = await send(alice, bob, text);
    expect(response.status).toBe(201);
    expect(response.body.message).toEqual({
      id: expect.any(String),
      conversationId: directConversationId(alice.user.id, bob.user.id),
      senderId: alice.user.id,
      receiverId: bob.user.id,
      message: text,
      createdAt: expect.any(String),
    });
    expect(new Date(response.body.message.createdAt).toISOString()).toBe(response.body.message.createdAt);
    const stored = await history(bob, alice);
    expect(stored.body.messages).toEqual([response.body.message]);
  });

  it('works with the session cookie', async () => {
    const [alice, bob] = await pair();
    const response = await request(url, 'POST', `/chats/${alice.user.id}/send`, {
      cookie: alice.cookie,
      body: { receiverId: bob.user.id, message: 'by cookie' },
    });
    expect(response.status).toBe(201);
  });

  it('answers a repeated clientMsgId with 200 and the original message, storing nothing new', async () => {
    const [alice, bob] = await pair();
    const first = await send(alice, bob, 'once', 'client-1');
    expect(first.status).toBe(201);
    expect(first.body.message.clientMsgId).toBe('client-1');
    const retry = await send(alice, bob, 'once, edited', 'client-1');
    expect(retry.status).toBe(200);
    expect(retry.body.message).toEqual(first.body.message);
    expect((await history(alice, bob)).body.messages).toHaveLength(1);
  });

  it('stores each of many concurrent retries of one clientMsgId once', async () => {
    const [alice, bob] = await pair();
    const responses = await Promise.all(Array.from({ length: 10 }, () => send(alice, bob, 'race', 'client-race')));
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(9);
    expect(new Set(responses.map((response) => response.body.message.id)).size).toBe(1);
    expect((await history(alice, bob)).body.messages).toHaveLength(1);
  });

  it('accepts 4000 characters counted as code points, and refuses 4001', async () => {
    const [alice, bob] = await pair();
    expect((await send(alice, bob, '😀'.repeat(4000))).status).toBe(201);
    const tooLong = await send(alice, bob, 'x'.repeat(4001));
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.code).toBe('validation_failed');
  });

  it.each([
    ['an empty message', { message: '' }],
    ['a whitespace-only message', { message: ' \n\t\u00a0 ' }],
    ['a missing message', {}],
    ['a non-string message', { message: { $ne: null } }],
    ['a non-string clientMsgId', { message: 'hi', clientMsgId: { $gt: '' } }],
    ['a too long clientMsgId', { message: 'hi', clientMsgId: 'c'.repeat(65) }],
  ])('answers 400 for %s', async (_case, fields) => {
    const [alice, bob] = await pair();
    const response = await request(url, 'POST', `/chats/${alice.user.id}/send`, {
      token: alice.token,
      body: { receiverId: bob.user.id, ...fields },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('answers 400 for a receiverId that is a query operator', async () => {
    const [alice] = await pair();
    const response = await request(url, 'POST', `/chats/${alice.user.id}/send`, {
      token: alice.token,
      body: { receiverId: { $ne: null }, message: 'hi' },
    });
    expect(response.status).toBe(400);
  });

  it('answers 403 when :userId is not the caller', async () => {
    const [alice, bob] = await pair();
    const response = await request(url, 'POST', `/chats/${bob.user.id}/send`, {
      token: alice.token,
      body: { receiverId: alice.user.id, message: 'impersonation' },
    });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
    expect((await history(alice, bob)).body.messages).toHaveLength(0);
  });

  it('answers 404 user_not_found for an unknown receiver', async () => {
    const [alice] = await pair();
    const response = await request(url, 'POST', `/chats/${alice.user.id}/send`, {
      token: alice.token,
      body: { receiverId: 'no-such-user', message: 'hello?' },
    });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('user_not_found');
  });

  it('answers 401 without credentials', async () => {
    const [alice, bob] = await pair();
    const response = await request(url, 'POST', `/chats/${alice.user.id}/send`, {
      body: { receiverId: bob.user.id, message: 'hi' },
    });
    expect(response.status).toBe(401);
  });
});

describe('GET /chats/:userId/with/:withUser', () => {
  it('answers both sides of the conversation, ascending in the order they were stored', async () => {
    const [alice, bob] = await pair();
    const sent = [];
    for (let i = 0; i < 20; i++) {
      const [from, to] = i % 2 === 0 ? [alice, bob] : [bob, alice];
      sent.push((await send(from, to, `message ${i}`)).body.message);
    }
    const asAlice = await history(alice, bob);
    const asBob = await history(bob, alice);
    expect(asAlice.status).toBe(200);
    expect(asAlice.body).toEqual({ messages: sent, nextCursor: null });
    expect(asBob.body).toEqual(asAlice.body);
  });

  it('keeps store order for sends within one millisecond', async () => {
    const [alice, bob] = await pair();
    const sent = await Promise.all(Array.from({ length: 30 }, (_, i) => send(alice, bob, `burst ${i}`)));
    const ids = sent.map((response) => response.body.message.id);
    const listed = (await history(alice, bob, '?limit=200')).body.messages.map((message: { id: string }) => message.id);
    expect(listed.slice().sort()).toEqual(ids.slice().sort());
    // Sequential sends never swap: each answered send is listed before every send issued after it.
    const a = (await send(alice, bob, 'first')).body.message;
    const b = (await send(alice, bob, 'second')).body.message;
    const tail = (await history(alice, bob, '?limit=2')).body.messages;
    expect(tail).toEqual([a, b]);
  });

  it('pages backwards with nextCursor, with no gap and no repeat, ending with null', async () => {
    const [alice, bob] = await pair();
    const sent = [];
    for (let i = 0; i < 23; i++) sent.push((await send(alice, bob, `m${i}`)).body.message.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?limit=5${cursor ? `&before=${cursor}` : ''}`;
      const page = await history(alice, bob, query);
      expect(page.status).toBe(200);
      seen.unshift(...page.body.messages.map((message: { id: string }) => message.id));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor !== null);
    expect(pages).toBe(5);
    expect(seen).toEqual(sent);
  });

  it('answers nextCursor null when the page holds exactly the remaining messages', async () => {
    const [alice, bob] = await pair();
    for (let i = 0; i < 3; i++) await send(alice, bob, `m${i}`);
    expect((await history(alice, bob, '?limit=3')).body.nextCursor).toBeNull();
    expect((await history(alice, bob, '?limit=2')).body.nextCursor).not.toBeNull();
  });

  it('defaults to 50 messages a page', async () => {
    const [alice, bob] = await pair();
    await Promise.all(Array.from({ length: 55 }, (_, i) => send(alice, bob, `m${i}`)));
    const page = await history(alice, bob);
    expect(page.body.messages).toHaveLength(50);
    expect(page.body.nextCursor).not.toBeNull();
  });

  it('does not mix conversations', async () => {
    const [alice, bob] = await pair();
    const carol = await registerUser(url);
    await send(alice, bob, 'to bob');
    await send(alice, carol, 'to carol');
    const withBob = await history(alice, bob);
    expect(withBob.body.messages.map((message: { message: string }) => message.message)).toEqual(['to bob']);
  });

  it.each(['?limit=0', '?limit=201', '?limit=x', '?before=garbage', '?before='])('answers 400 for %s', async (query) => {
    const [alice, bob] = await pair();
    const response = await history(alice, bob, query);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('answers 403 when :userId is not the caller', async () => {
    const [alice, bob] = await pair();
    const response = await request(url, 'GET', `/chats/${bob.user.id}/with/${alice.user.id}`, { token: alice.token });
    expect(response.status).toBe(403);
  });

  it('answers 404 for an unknown other user', async () => {
    const [alice] = await pair();
    const response = await request(url, 'GET', `/chats/${alice.user.id}/with/nobody`, { token: alice.token });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('user_not_found');
  });

  it('answers 401 without credentials', async () => {
    const [alice, bob] = await pair();
    expect((await request(url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}`)).status).toBe(401);
  });
});
