import fs from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { makeDataDir } from '../helpers/parley.js';
import { spawnParley, type ParleyProcess } from '../helpers/parley-process.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { collect, connectSocket, sendMessage, type ClientSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * Two server processes sharing one redis-server (started here on a free port) and one
 * SQLite file: one service, whichever instance a client reaches.
 */
const PRESENCE_TTL_SECONDS = 2;

let redis: TestRedis;
let dataDir: string;
let env: Record<string, string>;
let a: ParleyProcess;
let b: ParleyProcess;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  dataDir = makeDataDir();
  env = { REDIS_URL: redis.url, DATA_DIR: dataDir, PRESENCE_TTL: String(PRESENCE_TTL_SECONDS) };
  [a, b] = await Promise.all([spawnParley(env), spawnParley(env)]);
}, 60_000);

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});

afterAll(async () => {
  await Promise.all([a?.kill('SIGTERM'), b?.kill('SIGTERM')]);
  await redis?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function open(url: string, options: Parameters<typeof connectSocket>[1]): Promise<ClientSocket> {
  const socket = await connectSocket(url, options);
  sockets.push(socket);
  return socket;
}

describe('two instances, one Redis, one store', () => {
  it('delivers across instances both ways, to every socket of both users', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    const aliceOnA = await open(a.url, { token: alice.token });
    const aliceOnB = await open(b.url, { cookie: alice.cookie });
    const bobOnB = await open(b.url, { token: bob.token });
    const bobOnA = await open(a.url, { token: bob.token });

    const bobReceived = [collect(bobOnB, 'receive_message'), collect(bobOnA, 'receive_message')];
    const aliceSent = [collect(aliceOnA, 'message_sent'), collect(aliceOnB, 'message_sent')];
    const toBob = await sendMessage(aliceOnA, { receiverId: bob.user.id, message: 'from A to B' });
    expect(toBob.ok).toBe(true);
    await waitFor(() => [...bobReceived, ...aliceSent].every((list) => list.length === 1));

    const aliceReceived = [collect(aliceOnA, 'receive_message'), collect(aliceOnB, 'receive_message')];
    const toAlice = await sendMessage(bobOnB, { receiverId: alice.user.id, message: 'from B to A' });
    expect(toAlice.ok).toBe(true);
    await waitFor(() => aliceReceived.every((list) => list.length === 1));
    if (!toAlice.ok) return;
    for (const list of aliceReceived) expect(list).toEqual([toAlice.message]);
  });

  it('delivers a REST send made on one instance to sockets on the other', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(a.url);
    const bobOnB = await open(b.url, { token: bob.token });
    const aliceOnB = await open(b.url, { token: alice.token });
    const received = collect(bobOnB, 'receive_message');
    const sent = collect(aliceOnB, 'message_sent');
    const response = await request(a.url, 'POST', `/chats/${alice.user.id}/send`, {
      token: alice.token,
      body: { receiverId: bob.user.id, message: 'REST on A' },
    });
    expect(response.status).toBe(201);
    await waitFor(() => received.length === 1 && sent.length === 1);
  });

  it('accepts tokens and cookies issued by the other instance, and honours a logout made there', async () => {
    const user = await registerUser(a.url);
    expect((await request(b.url, 'GET', '/auth/me', { token: user.token })).status).toBe(200);
    expect((await request(b.url, 'GET', '/auth/me', { cookie: user.cookie })).status).toBe(200);
    const socketOnB = await open(b.url, { token: user.token });
    const cookieSocketOnB = await open(b.url, { cookie: user.cookie });
    await request(a.url, 'POST', '/auth/logout', { token: user.token, cookie: user.cookie });
    await waitFor(() => !socketOnB.connected && !cookieSocketOnB.connected);
    expect((await request(b.url, 'GET', '/auth/me', { token: user.token })).status).toBe(401);
    expect((await request(b.url, 'GET', '/auth/me', { cookie: user.cookie })).status).toBe(401);
  });

  it('ends every login of a user and closes every socket of the user on both instances when they log out everywhere', async () => {
    const user = await registerUser(a.url);
    const secondLogin = await request(b.url, 'POST', '/auth/login', { body: { username: user.user.username, password: user.password } });
    const sockets = [
      await open(a.url, { token: user.token }),
      await open(b.url, { token: secondLogin.body.token }),
      await open(b.url, { cookie: user.cookie }),
    ];
    const response = await request(b.url, 'POST', '/auth/logout-all', { token: secondLogin.body.token });
    expect(response.status).toBe(204);
    await waitFor(() => sockets.every((socket) => !socket.connected));
    for (const url of [a.url, b.url]) {
      expect((await request(url, 'GET', '/auth/me', { token: user.token })).status).toBe(401);
      expect((await request(url, 'GET', '/auth/me', { cookie: user.cookie })).status).toBe(401);
    }
  });

  it('shows presence from both instances', async () => {
    const viewer = await registerUser(a.url);
    const user = await registerUser(a.url);
    const onlineOn = async (url: string) =>
      (await request(url, 'GET', `/users/${user.user.id}`, { token: viewer.token })).body.user.online;
    expect(await onlineOn(a.url)).toBe(false);
    const socket = await open(b.url, { token: user.token });
    await waitFor(async () => (await onlineOn(a.url)) === true && (await onlineOn(b.url)) === true);
    socket.close();
    await waitFor(async () => (await onlineOn(a.url)) === false && (await onlineOn(b.url)) === false);
  });
});

describe('Redis restarting', () => {
  it('resumes cross-instance delivery once Redis is back, without restarting the instances', async () => {
    const alice = await registerUser(a.url);
    const bob = await registerUser(b.url);
    await redis.restart();
    for (const instance of [a, b]) {
      await waitFor(async () => (await request(instance.url, 'GET', '/health')).status === 200, 15_000);
    }
    const aliceOnA = await open(a.url, { token: alice.token });
    const bobOnB = await open(b.url, { token: bob.token });
    const received = collect(bobOnB, 'receive_message');
    // The subscriber re-subscribes on reconnect; poll with fresh messages until one crosses.
    await waitFor(async () => {
      await sendMessage(aliceOnA, { receiverId: bob.user.id, message: 'after restart' });
      return received.length > 0;
    }, 15_000, 250);
  });
});

describe('an instance killed with SIGKILL', () => {
  it('leaves no one online for ever: its users go offline once the presence TTL passes', async () => {
    const doomed = await spawnParley(env);
    const viewer = await registerUser(a.url);
    const user = await registerUser(a.url);
    const onlineOnA = async () =>
      (await request(a.url, 'GET', `/users/${user.user.id}`, { token: viewer.token })).body.user.online;
    const socket = await open(doomed.url, { token: user.token });
    await waitFor(async () => (await onlineOnA()) === true);
    await doomed.kill('SIGKILL'); // no disconnect handler runs: only the TTL can clear its entries
    socket.close();
    await waitFor(async () => (await onlineOnA()) === false, (PRESENCE_TTL_SECONDS + 5) * 1000, 200);
  });
});
