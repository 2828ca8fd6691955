import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createParleyClient, memoryStorage, ParleyError, type ChatMessage, type ConnectionState, type ParleyClient, type ParleyClientOptions } from '../../src/client/index.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/* parley/client against one real Parley instance: sends, catch-up, de-duplication, receipts, typing, states. */
let parley: TestParley;
const clients: ParleyClient[] = [];
const proxies: TcpProxy[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  parley = await startTestParley();
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const proxy of proxies.splice(0)) await proxy.close();
  expect(unhandled).toEqual([]);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await parley?.dispose();
});

function open(user: RegisteredUser, options: ParleyClientOptions = {}): ParleyClient {
  const client = createParleyClient({ url: parley.url, token: user.token, settleDelay: 200, ...options });
  clients.push(client);
  return client;
}

function messagesOf(client: ParleyClient): Array<{ message: ChatMessage; change: string }> {
  const seen: Array<{ message: ChatMessage; change: string }> = [];
  client.on('message', (message, change) => seen.push({ message, change }));
  return seen;
}

const online = (client: ParleyClient) => waitFor(() => client.connection.get() === 'online');

async function pair(): Promise<[RegisteredUser, RegisteredUser]> {
  return [await registerUser(parley.url), await registerUser(parley.url)];
}

describe('parley/client: sends', () => {
  it('resolves with the stored message, and both sides see it once', async () => {
    const [alice, bob] = await pair();
    const [aliceClient, bobClient] = [open(alice), open(bob)];
    const [aliceSeen, bobSeen] = [messagesOf(aliceClient), messagesOf(bobClient)];
    await Promise.all([online(aliceClient), online(bobClient)]);

    const stored = await aliceClient.send(bob.user.id, 'hello');
    expect(stored).toMatchObject({ senderId: alice.user.id, receiverId: bob.user.id, message: 'hello' });
    expect(stored.clientMsgId).toMatch(/^[0-9a-f]{32}$/);
    await waitFor(() => bobSeen.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 600)); // past a settle sync: no second copy
    expect(bobSeen).toEqual([{ message: stored, change: 'new' }]);
    expect(aliceSeen).toEqual([{ message: stored, change: 'new' }]);
  });

  it('rejects a definite refusal with its error code, and keeps going', async () => {
    const [alice, bob] = await pair();
    const client = open(alice);
    await expect(client.send('no-such-user', 'hi')).rejects.toMatchObject({ name: 'ParleyError', code: 'user_not_found' });
    await expect(client.send(bob.user.id, '   ')).rejects.toMatchObject({ code: 'validation_failed' });
    await request(parley.url, 'POST', `/users/${alice.user.id}/block`, { token: bob.token });
    await expect(client.send(bob.user.id, 'hi')).rejects.toBeInstanceOf(ParleyError);
    await expect(client.send(bob.user.id, 'hi')).rejects.toMatchObject({ code: 'blocked' });
    const carol = await registerUser(parley.url);
    expect((await client.send(carol.user.id, 'still works')).message).toBe('still works');
  });

  it('sends a burst through a reconnect: every message stored once and seen once, in order', async () => {
    const [alice, bob] = await pair();
    const proxy = await startTcpProxy(parley.port);
    proxies.push(proxy);
    const aliceClient = open(alice, { url: `http://127.0.0.1:${proxy.port}`, sendTimeout: 2, reconnectDelay: 100, reconnectDelayMax: 300 });
    const bobClient = open(bob, { url: `http://127.0.0.1:${proxy.port}`, reconnectDelay: 100, reconnectDelayMax: 300 });
    const bobSeen = messagesOf(bobClient);
    const states: ConnectionState[] = [];
    bobClient.connection.subscribe((state) => states.push(state));
    await Promise.all([online(aliceClient), online(bobClient)]);

    const texts = Array.from({ length: 120 }, (_, index) => `burst ${index}`);
    const sends = texts.map((text) => aliceClient.send(bob.user.id, text));
    await waitFor(() => bobSeen.length >= 10, 10_000, 1);
    proxy.cut(); // both sockets drop mid-burst; acks in flight are lost
    const stored = await Promise.all(sends);

    expect(stored.map((message) => message.message)).toEqual(texts); // each promise resolves with its own message
    await waitFor(() => bobSeen.length >= texts.length && bobClient.connection.get() === 'online', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const ids = bobSeen.map(({ message }) => message.id);
    expect(new Set(ids).size).toBe(ids.length); // nothing twice
    expect(ids.map(Number)).toEqual(ids.map(Number).sort((x, y) => x - y)); // in commit order (SQLite ids grow with it)
    expect(ids.sort()).toEqual(stored.map((message) => message.id).sort()); // nothing lost, nothing extra
    expect(states).toContain('connecting');
    expect(states.at(-1)).toBe('online');

    // Stored once each: the history holds exactly the burst.
    const history = await request(parley.url, 'GET', `/chats/${bob.user.id}/with/${alice.user.id}?limit=200`, { token: bob.token });
    expect(history.body.messages.map((message: ChatMessage) => message.message).sort()).toEqual([...texts].sort());
  });
});

describe('parley/client: catching up', () => {
  it('syncs from the cursor it kept: a new client with the same storage gets only what it missed', async () => {
    const [alice, bob] = await pair();
    const storage = memoryStorage();
    const first = open(bob, { storage });
    const firstSeen = messagesOf(first);
    await online(first);
    const key = `parley:cursor:${bob.user.id}`;
    const emptyFeedCursor = await storage.get(key);
    expect(emptyFeedCursor).not.toBeNull();
    await request(parley.url, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message: 'before' } });
    await waitFor(() => firstSeen.length === 1);
    // The quiet sync after a live message moves the kept cursor past it.
    await waitFor(async () => (await storage.get(key)) !== emptyFeedCursor);
    first.close();

    const missed = ['one', 'two', 'three'];
    for (const message of missed) {
      await request(parley.url, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message } });
    }
    const second = open(bob, { storage });
    const secondSeen = messagesOf(second);
    await online(second);
    expect(secondSeen.map(({ message }) => message.message)).toEqual(missed);
  });

  it('pages the sync until hasMore is false', async () => {
    const [alice, bob] = await pair();
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(
        Array.from({ length: 100 }, (_, index) =>
          request(parley.url, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message: `m${batch * 100 + index}` } }),
        ),
      );
    }
    const client = open(bob);
    const seen = messagesOf(client);
    await online(client);
    expect(seen).toHaveLength(600); // two pages of 500 at most
    expect(new Set(seen.map(({ message }) => message.id)).size).toBe(600);
  });

  it('shows an edit and a delete once each, as updates, and never an older version after a newer one', async () => {
    const [alice, bob] = await pair();
    const [aliceClient, bobClient] = [open(alice), open(bob)];
    const bobSeen = messagesOf(bobClient);
    await Promise.all([online(aliceClient), online(bobClient)]);
    const sent = await aliceClient.send(bob.user.id, 'draft');
    const edited = await aliceClient.edit(sent.id, 'final');
    const deleted = await aliceClient.delete(sent.id);
    await waitFor(() => bobSeen.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 600)); // a settle sync brings the tombstone again
    expect(bobSeen.map(({ change, message }) => [change, message.message, Boolean(message.deletedAt)])).toEqual([
      ['new', 'draft', false],
      ['updated', 'final', false],
      ['updated', '', true],
    ]);
    expect(edited.editedAt).toBeDefined();
    expect(deleted.deletedAt).toBeDefined();
  });
});

describe('parley/client: receipts, typing, inbox', () => {
  it('marks delivered by itself, one mark for a burst; marks read on request; the inbox follows', async () => {
    const [alice, bob] = await pair();
    const [aliceClient, bobClient] = [open(alice), open(bob)];
    const receipts: string[] = [];
    aliceClient.on('receipt', (event) => receipts.push(`${event.type}:${event.upTo}`));
    await Promise.all([online(aliceClient), online(bobClient)]);

    const burst = await Promise.all(Array.from({ length: 20 }, (_, index) => aliceClient.send(bob.user.id, `m${index}`)));
    const last = burst.reduce((newest, message) => (Number(message.id) > Number(newest.id) ? message : newest));
    await waitFor(() => aliceClient.conversations.get()[0]?.peerDeliveredUpTo === last.id);
    expect(receipts.length).toBeLessThanOrEqual(3); // gathered, not one per message
    expect(bobClient.conversations.get()[0]).toMatchObject({ unreadCount: 20, peer: { id: alice.user.id } });

    const conversation = await bobClient.markRead(last.conversationId, last.id);
    expect(conversation.unreadCount).toBe(0);
    expect(bobClient.conversations.get()[0]?.unreadCount).toBe(0);
    await waitFor(() => aliceClient.conversations.get()[0]?.peerReadUpTo === last.id);
  });

  it('throttles typing: a burst of keystrokes is one "typing", the stop one "stopped"', async () => {
    const [alice, bob] = await pair();
    const [aliceClient, bobClient] = [open(alice), open(bob)];
    const typing: boolean[] = [];
    bobClient.on('typing', (event) => typing.push(event.isTyping));
    await Promise.all([online(aliceClient), online(bobClient)]);
    const sent = await aliceClient.send(bob.user.id, 'hi');
    await waitFor(() => bobClient.conversations.get().length === 1);

    for (let key = 0; key < 30; key++) aliceClient.typing(sent.conversationId);
    await waitFor(() => bobClient.peerTyping.get().has(sent.conversationId));
    aliceClient.stopTyping(sent.conversationId);
    await waitFor(() => !bobClient.peerTyping.get().has(sent.conversationId));
    expect(typing).toEqual([true, false]);
  });

  it('keeps the peer\'s presence in the inbox current', async () => {
    const [alice, bob] = await pair();
    const aliceClient = open(alice);
    await online(aliceClient);
    await aliceClient.send(bob.user.id, 'are you there?');
    await waitFor(() => aliceClient.conversations.get()[0]?.peer.id === bob.user.id);
    expect(aliceClient.conversations.get()[0]?.peer.online).toBe(false);
    const bobClient = open(bob);
    await online(bobClient);
    await waitFor(() => aliceClient.conversations.get()[0]?.peer.online === true);
  });
});

describe('parley/client: connection state', () => {
  it('is "unauthorized" for a bad token, and sends reject instead of waiting', async () => {
    const [alice, bob] = await pair();
    const client = open({ ...alice, token: 'not-a-token' });
    const errors: string[] = [];
    client.on('error', (error) => errors.push(error.code));
    await waitFor(() => client.connection.get() === 'unauthorized');
    await expect(client.send(bob.user.id, 'hi')).rejects.toMatchObject({ code: 'unauthorized' });
    expect(errors).toContain('unauthorized');
  });

  it('is "unauthorized" after a logout ends its login, and "closed" after close()', async () => {
    const [alice] = await pair();
    const client = open(alice);
    await online(client);
    await request(parley.url, 'POST', '/auth/logout', { token: alice.token });
    await waitFor(() => client.connection.get() === 'unauthorized');
    const other = open(await registerUser(parley.url));
    await online(other);
    other.close();
    expect(other.connection.get()).toBe('closed');
  });

  it('skips GET /auth/me when given the user id, and forgets its cursor on close({ forget: true })', async () => {
    const [alice] = await pair();
    const storage = memoryStorage();
    const calls: string[] = [];
    const countingFetch: typeof fetch = (input, init) => {
      calls.push(String(input));
      return fetch(input, init);
    };
    const client = open(alice, { storage, userId: alice.user.id, fetch: countingFetch });
    await online(client);
    expect(calls.filter((url) => url.endsWith('/auth/me'))).toEqual([]);
    const key = `parley:cursor:${alice.user.id}`;
    expect(await storage.get(key)).not.toBeNull();
    client.close({ forget: true });
    await waitFor(async () => (await storage.get(key)) === null);
  });

  it('authenticates with the session cookie in Node', async () => {
    const [alice, bob] = await pair();
    const client = createParleyClient({ url: parley.url, cookie: alice.cookie });
    clients.push(client);
    await online(client);
    expect(client.me).toBe(alice.user.id);
    expect((await client.send(bob.user.id, 'by cookie')).senderId).toBe(alice.user.id);
  });
});
