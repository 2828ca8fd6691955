import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { collect, connectSocket, refusal, sendMessage, type ClientSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

const ALLOWED_ORIGIN = 'https://app.example';

let parley: TestParley;
let url: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  parley = await startTestParley({ env: { CORS_ORIGINS: ALLOWED_ORIGIN } });
  url = parley.url;
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(() => parley.dispose());

async function open(options: Parameters<typeof connectSocket>[1]): Promise<ClientSocket> {
  const socket = await connectSocket(url, options);
  sockets.push(socket);
  return socket;
}

describe('handshake', () => {
  it('accepts a token and the session cookie', async () => {
    const user = await registerUser(url);
    expect((await open({ token: user.token })).connected).toBe(true);
    expect((await open({ cookie: user.cookie })).connected).toBe(true);
  });

  it('refuses a handshake without credentials, saying why', async () => {
    const error = await refusal(url, {});
    expect(error.message).toMatch(/auth\.token or the session cookie/);
    // connect_error data is the same { code, message } body as HTTP errors and socket acks.
    expect(error.data).toEqual({ code: 'unauthorized', message: error.message });
  });

  it('refuses a bad token and a forged cookie', async () => {
    expect((await refusal(url, { token: 'not-a-token' })).data?.code).toBe('unauthorized');
    expect((await refusal(url, { cookie: 'connect.sid=s%3Aforged.sig' })).data?.code).toBe('unauthorized');
  });

  it('refuses a logged-out token and a destroyed session', async () => {
    const user = await registerUser(url);
    await request(url, 'POST', '/auth/logout', { token: user.token, cookie: user.cookie });
    expect((await refusal(url, { token: user.token })).data?.code).toBe('unauthorized');
    expect((await refusal(url, { cookie: user.cookie })).data?.code).toBe('unauthorized');
  });

  it('refuses a cookie handshake from an origin outside CORS_ORIGINS', async () => {
    const user = await registerUser(url);
    const error = await refusal(url, { cookie: user.cookie, origin: 'https://evil.example' });
    expect(error.data?.code).toBe('forbidden');
    expect(error.message).toMatch(/origin/i);
  });

  it('accepts a cookie handshake from an allowed origin, from the same origin, and a token from any origin', async () => {
    const user = await registerUser(url);
    expect((await open({ cookie: user.cookie, origin: ALLOWED_ORIGIN })).connected).toBe(true);
    expect((await open({ cookie: user.cookie, origin: url })).connected).toBe(true);
    expect((await open({ token: user.token, origin: 'https://elsewhere.example' })).connected).toBe(true);
  });
});

describe('send_message', () => {
  async function twoUsersTwoSocketsEach() {
    const alice = await registerUser(url);
    const bob = await registerUser(url);
    const aliceSockets = [await open({ token: alice.token }), await open({ cookie: alice.cookie })];
    const bobSockets = [await open({ token: bob.token }), await open({ cookie: bob.cookie })];
    return { alice, bob, aliceSockets, bobSockets };
  }

  it('acks the stored message, delivers receive_message to every receiver socket and message_sent to every sender socket', async () => {
    const { alice, bob, aliceSockets, bobSockets } = await twoUsersTwoSocketsEach();
    const received = bobSockets.map((socket) => collect(socket, 'receive_message'));
    const sent = aliceSockets.map((socket) => collect(socket, 'message_sent'));
    const ack = await sendMessage(aliceSockets[0] as ClientSocket, { receiverId: bob.user.id, message: 'hi bob', clientMsgId: 'c1' });
    expect(ack).toEqual({ ok: true, message: expect.objectContaining({ senderId: alice.user.id, receiverId: bob.user.id, message: 'hi bob', clientMsgId: 'c1' }) });
    if (!ack.ok) throw new Error('not ok');
    await waitFor(() => received.every((list) => list.length === 1) && sent.every((list) => list.length === 1));
    for (const list of [...received, ...sent]) expect(list).toEqual([ack.message]);
    const history = await request(url, 'GET', `/chats/${bob.user.id}/with/${alice.user.id}`, { token: bob.token });
    expect(history.body.messages).toEqual([ack.message]);
  });

  it('delivers a REST send live: receive_message to the receiver, message_sent to the sender', async () => {
    const { alice, bob, aliceSockets, bobSockets } = await twoUsersTwoSocketsEach();
    const received = bobSockets.map((socket) => collect(socket, 'receive_message'));
    const sent = aliceSockets.map((socket) => collect(socket, 'message_sent'));
    const response = await request(url, 'POST', `/chats/${alice.user.id}/send`, {
      token: alice.token,
      body: { receiverId: bob.user.id, message: 'over REST' },
    });
    expect(response.status).toBe(201);
    await waitFor(() => received.every((list) => list.length === 1) && sent.every((list) => list.length === 1));
    for (const list of [...received, ...sent]) expect(list).toEqual([response.body.message]);
  });

  it('answers a retried clientMsgId with the stored message and delivers it once', async () => {
    const { bob, aliceSockets, bobSockets } = await twoUsersTwoSocketsEach();
    const received = collect(bobSockets[0] as ClientSocket, 'receive_message');
    const payload = { receiverId: bob.user.id, message: 'once', clientMsgId: 'retry-me' };
    const first = await sendMessage(aliceSockets[0] as ClientSocket, payload);
    const retry = await sendMessage(aliceSockets[1] as ClientSocket, payload);
    expect(retry).toEqual(first);
    await waitFor(() => received.length >= 1);
    await sendMessage(aliceSockets[0] as ClientSocket, { receiverId: bob.user.id, message: 'marker' });
    await waitFor(() => received.length >= 2);
    expect(received.map((message) => message.message)).toEqual(['once', 'marker']);
  });

  it.each([
    ['a string payload', 'hello'],
    ['a null payload', null],
    ['a missing message', { receiverId: 'x' }],
    ['an empty message', { receiverId: 'x', message: '   ' }],
    ['an oversized message', { receiverId: 'x', message: 'y'.repeat(4001), clientMsgId: 'big' }],
    ['an operator as receiverId', { receiverId: { $ne: null }, message: 'hi' }],
  ])('answers %s with a failure ack and message_error, and stays connected', async (_case, payload) => {
    const user = await registerUser(url);
    const socket = await open({ token: user.token });
    const errorsSeen: unknown[] = [];
    socket.on('message_error', (event) => errorsSeen.push(event));
    const ack = await sendMessage(socket, payload);
    expect(ack).toEqual({ ok: false, error: { code: 'validation_failed', message: expect.any(String) } });
    await waitFor(() => errorsSeen.length === 1);
    const clientMsgId = (payload as { clientMsgId?: string } | null)?.clientMsgId;
    expect(errorsSeen[0]).toEqual({ ...(clientMsgId ? { clientMsgId } : {}), error: ack.ok ? null : ack.error });
    expect(socket.connected).toBe(true);
  });

  it('answers an unknown receiver with user_not_found', async () => {
    const user = await registerUser(url);
    const socket = await open({ token: user.token });
    const ack = await sendMessage(socket, { receiverId: 'nobody', message: 'hello?', clientMsgId: 'lost' });
    expect(ack).toEqual({ ok: false, error: { code: 'user_not_found', message: expect.any(String) } });
  });

  it('works without an ack callback', async () => {
    const { bob, aliceSockets, bobSockets } = await twoUsersTwoSocketsEach();
    const received = collect(bobSockets[0] as ClientSocket, 'receive_message');
    const emitWithoutAck = (aliceSockets[0] as ClientSocket).emit as (...args: unknown[]) => void; // the ack is optional on the wire
    emitWithoutAck.call(aliceSockets[0], 'send_message', { receiverId: bob.user.id, message: 'no ack' });
    await waitFor(() => received.length === 1);
  });

  it('drops a socket that sends a packet over maxHttpBufferSize, and the server stays healthy', async () => {
    const user = await registerUser(url);
    const socket = await open({ token: user.token });
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    (socket.emit as (...args: unknown[]) => void).call(socket, 'send_message', { receiverId: 'x', message: 'z'.repeat(200 * 1024) });
    await disconnected;
    expect((await request(url, 'GET', '/health')).status).toBe(200);
    expect((await open({ token: user.token })).connected).toBe(true);
  });
});

describe('logout', () => {
  it('disconnects the sockets opened with the ended login (its token and its cookie), and only those', async () => {
    const user: RegisteredUser = await registerUser(url);
    const second = await request(url, 'POST', '/auth/login', { body: { username: user.user.username, password: user.password } });
    const byToken = await open({ token: user.token });
    const byCookie = await open({ cookie: user.cookie });
    const byOtherToken = await open({ token: second.body.token });
    const byOtherCookie = await open({ cookie: second.sessionCookie as string });
    await request(url, 'POST', '/auth/logout', { token: user.token });
    await waitFor(() => !byToken.connected && !byCookie.connected);
    expect(byOtherToken.connected).toBe(true);
    expect(byOtherCookie.connected).toBe(true);
    await request(url, 'POST', '/auth/logout', { cookie: second.sessionCookie as string });
    await waitFor(() => !byOtherCookie.connected && !byOtherToken.connected);
  });
});

describe('presence', () => {
  it('GET /users/:id says online while any socket of the user is connected', async () => {
    const viewer = await registerUser(url);
    const user = await registerUser(url);
    const online = async () => (await request(url, 'GET', `/users/${user.user.id}`, { token: viewer.token })).body.user.online;
    expect(await online()).toBe(false);
    const first = await open({ token: user.token });
    const second = await open({ cookie: user.cookie });
    await waitFor(async () => (await online()) === true);
    first.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await online()).toBe(true);
    second.close();
    await waitFor(async () => (await online()) === false);
  });
});

describe('send rate limit', () => {
  let limited: TestParley;
  beforeAll(async () => {
    limited = await startTestParley({ env: { SEND_RATE_LIMIT: '2' } });
  });
  afterAll(() => limited.dispose());

  it('answers rate_limited through the ack and 429 over REST, counting both together, without disconnecting', async () => {
    const alice = await registerUser(limited.url);
    const bob = await registerUser(limited.url);
    const socket = await connectSocket(limited.url, { token: alice.token });
    sockets.push(socket);
    const acks = [];
    for (let i = 0; i < 4; i++) acks.push(await sendMessage(socket, { receiverId: bob.user.id, message: `m${i}` }));
    expect(acks.every((ack) => ack.ok)).toBe(true); // 2 per second plus a burst of 2
    const overSocket = await sendMessage(socket, { receiverId: bob.user.id, message: 'too many' });
    // The socket learns when to retry, as REST does: whole seconds, at least 1.
    expect(overSocket).toEqual({ ok: false, error: { code: 'rate_limited', message: expect.any(String), retryAfter: expect.any(Number) } });
    const retryAfter = (overSocket as { error: { retryAfter: number } }).error.retryAfter;
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 10).toBe(true);
    const overRest = await request(limited.url, 'POST', `/chats/${alice.user.id}/send`, {
      token: alice.token,
      body: { receiverId: bob.user.id, message: 'too many' },
    });
    expect(overRest.status).toBe(429);
    expect(overRest.body.error).toEqual({ code: 'rate_limited', message: expect.any(String), retryAfter: expect.any(Number) });
    expect(overRest.headers.get('retry-after')).toBe(String(overRest.body.error.retryAfter));
    expect(socket.connected).toBe(true);
    const history = await request(limited.url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}`, { token: alice.token });
    expect(history.body.messages).toHaveLength(4);
  });
});
