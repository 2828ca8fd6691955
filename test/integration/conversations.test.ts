import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, Conversation, MarkAck, ReceiptEvent } from '../../src/protocol/events.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { startTwoInstances, type TwoInstances } from '../helpers/two-instances.js';
import { connectSocket, type ClientSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

const sockets: ClientSocket[] = [];
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

async function open(url: string, user: RegisteredUser): Promise<ClientSocket> {
  const socket = await connectSocket(url, { token: user.token });
  sockets.push(socket);
  return socket;
}

function receipts(socket: ClientSocket): ReceiptEvent[] {
  const seen: ReceiptEvent[] = [];
  socket.on('receipt', (receipt) => seen.push(receipt));
  return seen;
}

function mark(socket: ClientSocket, event: 'mark_read' | 'mark_delivered', payload: unknown): Promise<MarkAck> {
  return new Promise((resolve) => (socket.emit as (...args: unknown[]) => void)(event, payload, resolve));
}

async function send(url: string, from: RegisteredUser, to: RegisteredUser, text = 'hi'): Promise<ChatMessage> {
  const response = await request(url, 'POST', `/chats/${from.user.id}/send`, { token: from.token, body: { receiverId: to.user.id, message: text } });
  expect(response.status).toBe(201);
  return response.body.message;
}

const inbox = (url: string, user: RegisteredUser, query = '') => request(url, 'GET', `/conversations${query}`, { token: user.token });
const markOverRest = (url: string, user: RegisteredUser, conversationId: string, kind: 'read' | 'delivered', body: unknown) =>
  request(url, 'POST', `/conversations/${encodeURIComponent(conversationId)}/${kind}`, { token: user.token, body });

describe('conversations on one instance', () => {
  let parley: TestParley;
  let url: string;
  beforeAll(async () => {
    parley = await startTestParley();
    url = parley.url;
  });
  afterAll(() => parley.dispose());

  it('needs authentication, and is empty for a user without messages', async () => {
    expect((await request(url, 'GET', '/conversations')).status).toBe(401);
    const alice = await registerUser(url);
    const response = await inbox(url, alice);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ conversations: [], nextCursor: null });
  });

  it('lists conversations newest activity first, each with its peer, last message, unread count and watermarks', async () => {
    const [alice, bob, carol] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    const toBob = await send(url, alice, bob, 'to bob');
    await send(url, carol, alice, 'from carol 1');
    const fromCarol = await send(url, carol, alice, 'from carol 2');
    const bobSocket = await open(url, bob);
    expect(bobSocket.connected).toBe(true);

    const { body } = await inbox(url, alice);
    expect(body.nextCursor).toBeNull();
    expect(body.conversations).toEqual([
      {
        id: fromCarol.conversationId,
        peer: { ...carol.user, online: false, lastSeenAt: null },
        lastMessage: fromCarol,
        unreadCount: 2,
        readUpTo: null,
        peerReadUpTo: null,
        peerDeliveredUpTo: null,
      },
      {
        id: toBob.conversationId,
        peer: { ...bob.user, online: true, lastSeenAt: null },
        lastMessage: toBob,
        unreadCount: 0,
        readUpTo: null,
        peerReadUpTo: null,
        peerDeliveredUpTo: null,
      },
    ]);
    expect((await inbox(url, bob)).body.conversations[0]).toMatchObject({ id: toBob.conversationId, peer: { id: alice.user.id }, unreadCount: 1 });
  });

  it('pages with limit and nextCursor, and refuses a bad limit or cursor with 400', async () => {
    const me = await registerUser(url);
    const peers = [];
    for (let i = 0; i < 5; i += 1) {
      const peer = await registerUser(url);
      peers.push(peer);
      await send(url, peer, me, `m${i}`);
    }
    const first = await inbox(url, me, '?limit=2');
    expect(first.body.conversations.map((c: Conversation) => c.peer.id)).toEqual([peers[4]?.user.id, peers[3]?.user.id]);
    // A message between pages moves a conversation not yet listed to the top: it keeps its place in this listing.
    await send(url, peers[0] as RegisteredUser, me, 'moves up');
    const second = await inbox(url, me, `?limit=2&before=${first.body.nextCursor}`);
    const third = await inbox(url, me, `?limit=2&before=${second.body.nextCursor}`);
    expect(third.body.nextCursor).toBeNull();
    const listed = [...first.body.conversations, ...second.body.conversations, ...third.body.conversations].map((c: Conversation) => c.peer.id);
    expect(listed).toEqual([...peers].reverse().map((peer) => peer.user.id));
    expect(third.body.conversations.at(-1).lastMessage.message).toBe('moves up');

    for (const query of ['?limit=0', '?limit=201', '?limit=abc', '?before=nonsense', `?before=${Buffer.from('s1:5').toString('base64url')}`]) {
      const response = await inbox(url, me, query);
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    }
  });

  it('shows one conversation to its participants only: 404 not_found for anyone else or an id without messages, 400 for a malformed id', async () => {
    const [alice, bob, eve] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    const message = await send(url, alice, bob);
    const path = `/conversations/${message.conversationId}`;
    const mine = await request(url, 'GET', path, { token: bob.token });
    expect(mine.status).toBe(200);
    expect(mine.body.conversation).toMatchObject({ id: message.conversationId, peer: { id: alice.user.id }, unreadCount: 1 });
    for (const [user, id] of [
      [eve, message.conversationId],
      [alice, `dm:${alice.user.id}:${eve.user.id}`],
      // The two ids in the other order than directConversationId writes them: names no conversation.
      [alice, `dm:${[alice.user.id, bob.user.id].sort().reverse().join(':')}`],
    ] as const) {
      const response = await request(url, 'GET', `/conversations/${id}`, { token: user.token });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('not_found');
    }
    for (const id of ['nope', 'dm:a', 'dm:a:b:c', `dm:${'x'.repeat(65)}:y`]) {
      expect((await request(url, 'GET', `/conversations/${id}`, { token: alice.token })).status, id).toBe(400);
    }
  });

  it('moves watermarks forward over REST (read implies delivered), shows them to the peer, and refuses bad upTo', async () => {
    const [alice, bob, carol] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    const first = await send(url, alice, bob, 'one');
    const second = await send(url, alice, bob, 'two');
    const elsewhere = await send(url, carol, bob, 'other conversation');
    const id = first.conversationId;

    const delivered = await markOverRest(url, bob, id, 'delivered', { upTo: first.id });
    expect(delivered.status).toBe(200);
    expect(delivered.body.conversation).toMatchObject({ unreadCount: 2, readUpTo: null });
    const read = await markOverRest(url, bob, id, 'read', { upTo: second.id });
    expect(read.body.conversation).toMatchObject({ unreadCount: 0, readUpTo: second.id });
    // Older: nothing changes, still 200.
    const older = await markOverRest(url, bob, id, 'read', { upTo: first.id });
    expect(older.status).toBe(200);
    expect(older.body.conversation.readUpTo).toBe(second.id);
    expect((await request(url, 'GET', `/conversations/${id}`, { token: alice.token })).body.conversation).toMatchObject({
      peerReadUpTo: second.id,
      peerDeliveredUpTo: second.id,
    });
    // One's own message changes nothing.
    const own = await markOverRest(url, alice, id, 'read', { upTo: first.id });
    expect(own.status).toBe(200);
    expect(own.body.conversation.readUpTo).toBeNull();

    for (const body of [{ upTo: elsewhere.id }, { upTo: '999999999' }, { upTo: 'not an id' }, {}, { upTo: 5 }]) {
      const response = await markOverRest(url, bob, id, 'read', body);
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    }
    expect((await markOverRest(url, carol, id, 'read', { upTo: first.id })).status).toBe(404);
    expect((await markOverRest(url, alice, `dm:${alice.user.id}:${carol.user.id}`, 'read', { upTo: first.id })).status).toBe(404);
    expect((await request(url, 'GET', `/conversations/${id}`, { token: bob.token })).body.conversation.readUpTo).toBe(second.id);
  });

  it('marks over sockets with an ack, and sends receipts to every socket of both participants only when a watermark moves', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const aliceSocket = await open(url, alice);
    const bobPhone = await open(url, bob);
    const bobLaptop = await open(url, bob);
    const seen = [aliceSocket, bobPhone, bobLaptop].map(receipts);
    const first = await send(url, alice, bob, 'one');
    const second = await send(url, alice, bob, 'two');
    const id = first.conversationId;

    const delivered = await mark(bobPhone, 'mark_delivered', { conversationId: id, upTo: first.id });
    expect(delivered).toMatchObject({ ok: true, conversation: { id, unreadCount: 2 } });
    const again = await mark(bobPhone, 'mark_delivered', { conversationId: id, upTo: first.id }); // nothing moves
    expect(again.ok).toBe(true);
    const read = await mark(bobLaptop, 'mark_read', { conversationId: id, upTo: second.id });
    expect(read).toMatchObject({ ok: true, conversation: { unreadCount: 0, readUpTo: second.id } });

    const expected = [
      { conversationId: id, userId: bob.user.id, type: 'delivered', upTo: first.id, at: expect.any(String) },
      { conversationId: id, userId: bob.user.id, type: 'delivered', upTo: second.id, at: expect.any(String) },
      { conversationId: id, userId: bob.user.id, type: 'read', upTo: second.id, at: expect.any(String) },
    ];
    for (const list of seen) await waitFor(() => list.length >= 3);
    for (const list of seen) expect(list).toEqual(expected);

    const refused = await mark(bobPhone, 'mark_read', { conversationId: id, upTo: 'bad id!' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const foreign = await mark(aliceSocket, 'mark_read', { conversationId: `dm:${alice.user.id}:nobody`, upTo: first.id });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('gives a client that was offline its counts and watermarks from GET /conversations and the messages from /sync', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    const greeting = await send(url, alice, bob, 'before');
    const sync = await request(url, 'GET', '/sync', { token: bob.token });
    await markOverRest(url, bob, greeting.conversationId, 'read', { upTo: greeting.id });
    // bob goes offline; alice sends three.
    const missed = [await send(url, alice, bob, 'a'), await send(url, alice, bob, 'b'), await send(url, alice, bob, 'c')];
    const conversation = (await inbox(url, bob)).body.conversations[0];
    expect(conversation).toMatchObject({ unreadCount: 3, readUpTo: greeting.id, lastMessage: missed[2] });
    const caughtUp = await request(url, 'GET', `/sync?since=${sync.body.cursor}`, { token: bob.token });
    expect(caughtUp.body.messages).toEqual(missed);
  });
});

describe('conversations across two instances with Redis', () => {
  let cluster: TwoInstances;
  let a: TestParley;
  let b: TestParley;

  beforeAll(async () => {
    cluster = await startTwoInstances();
    ({ a, b } = cluster);
  });
  afterAll(() => cluster?.dispose());

  it('delivers receipts to sockets on the other instance', async () => {
    const [alice, bob] = [await registerUser(a.url), await registerUser(a.url)];
    const aliceOnA = receipts(await open(a.url, alice));
    const bobOnA = receipts(await open(a.url, bob));
    const message = await send(b.url, alice, bob);
    const response = await markOverRest(b.url, bob, message.conversationId, 'read', { upTo: message.id });
    expect(response.status).toBe(200);
    await waitFor(() => aliceOnA.length >= 2 && bobOnA.length >= 2);
    for (const seen of [aliceOnA, bobOnA]) expect(seen.map((receipt) => [receipt.type, receipt.upTo])).toEqual([['delivered', message.id], ['read', message.id]]);
    expect((await request(a.url, 'GET', `/conversations/${message.conversationId}`, { token: alice.token })).body.conversation.peerReadUpTo).toBe(message.id);
  });

  it('keeps the newest watermark and an exact unread count when two devices on two instances mark at once while messages arrive', async () => {
    const [alice, bob] = [await registerUser(a.url), await registerUser(a.url)];
    const sent: ChatMessage[] = [];
    for (let i = 0; i < 10; i += 1) sent.push(await send(i % 2 ? a.url : b.url, alice, bob, `m${i}`));
    const phone = await open(a.url, bob);
    const laptop = await open(b.url, bob);
    const id = (sent[0] as ChatMessage).conversationId;
    const marks = sent.flatMap((message, i) => [
      mark(i % 2 ? phone : laptop, 'mark_read', { conversationId: id, upTo: message.id }),
      mark(i % 2 ? laptop : phone, 'mark_delivered', { conversationId: id, upTo: message.id }),
    ]);
    const late = Promise.all([send(a.url, alice, bob, 'late 1'), send(b.url, alice, bob, 'late 2')]);
    const acks = await Promise.all(marks);
    await late;
    expect(acks.every((ack) => ack.ok)).toBe(true);
    const conversation = (await inbox(b.url, bob)).body.conversations[0];
    expect(conversation).toMatchObject({ readUpTo: sent.at(-1)?.id, unreadCount: 2 });
  });
});
