import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { connectSocket, sendMessage, type ClientSocket } from '../helpers/socket.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * Redis that is there but does not answer (SIGSTOP: a fork for a snapshot, a failover, a pause):
 * its connections stay open and every command waits. With REDIS_COMMAND_TIMEOUT each one fails
 * after that deadline, and Parley answers as it does with Redis gone.
 */
const DEADLINE_MS = 500;
/**
 * A liveness bound, not a speed measure: without the deadline these requests wait as long as Redis
 * is paused (for ever here). Eight times the deadline leaves room for a slow machine.
 */
const BOUND_MS = 8 * DEADLINE_MS;

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
}

describe('Redis frozen (SIGSTOP)', () => {
  let redis: TestRedis;
  let parley: TestParley;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let socket: ClientSocket;

  beforeAll(async () => {
    redis = await startTestRedis();
    parley = await startTestParley({
      env: { REDIS_URL: redis.url, REDIS_COMMAND_TIMEOUT: String(DEADLINE_MS), SEND_RATE_LIMIT: '50', AUTH_RATE_LIMIT: '100' },
    });
    alice = await registerUser(parley.url);
    bob = await registerUser(parley.url);
    socket = await connectSocket(parley.url, { token: alice.token });
    redis.freeze();
  });
  afterAll(async () => {
    socket?.close();
    redis?.thaw();
    await parley?.dispose();
    await redis?.dispose();
  });

  it('stores and acknowledges token sends over REST and sockets within a bounded time', async () => {
    const rest = await timed(() =>
      request(parley.url, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message: 'frozen 1' } }),
    );
    expect(rest.value.status).toBe(201);
    expect(rest.ms).toBeLessThan(BOUND_MS);
    const ack = await timed(() => sendMessage(socket, { receiverId: bob.user.id, message: 'frozen 2' }));
    expect(ack.value.ok).toBe(true);
    expect(ack.ms).toBeLessThan(BOUND_MS);
    const history = await request(parley.url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}`, { token: alice.token });
    expect(history.body.messages.map((m: { message: string }) => m.message)).toEqual(['frozen 1', 'frozen 2']);
  });

  it('answers a cookie request 503 session_store_unavailable, and a login with a token alone, within a bounded time', async () => {
    const byCookie = await timed(() => request(parley.url, 'GET', '/auth/me', { cookie: alice.cookie }));
    expect(byCookie.value.status).toBe(503);
    expect(byCookie.value.body.error.code).toBe('session_store_unavailable');
    expect(byCookie.ms).toBeLessThan(BOUND_MS);
    const login = await timed(() => request(parley.url, 'POST', '/auth/login', { body: { username: bob.user.username, password: bob.password } }));
    expect(login.value.status).toBe(200);
    expect(login.value.sessionCookie).toBeUndefined();
    expect(login.ms).toBeLessThan(BOUND_MS);
  });

  it('accepts a token handshake and reports presence as offline, within a bounded time', async () => {
    const handshake = await timed(() => connectSocket(parley.url, { token: bob.token }));
    expect(handshake.value.connected).toBe(true);
    expect(handshake.ms).toBeLessThan(BOUND_MS);
    handshake.value.close();
    const lookup = await timed(() => request(parley.url, 'GET', `/users/${alice.user.id}`, { token: bob.token }));
    expect(lookup.value.body.user.online).toBe(false);
    expect(lookup.ms).toBeLessThan(BOUND_MS);
  });

  it('recovers once Redis answers again, without a restart', async () => {
    redis.thaw();
    await waitFor(async () => (await request(parley.url, 'GET', '/auth/me', { cookie: alice.cookie })).status === 200);
    await waitFor(async () => (await request(parley.url, 'GET', '/health')).status === 200);
    await waitFor(async () => (await request(parley.url, 'GET', `/users/${alice.user.id}`, { token: bob.token })).body.user.online === true);
  });
});

describe('Redis cut off by a network partition (packets dropped, connections left open)', () => {
  let redis: TestRedis;
  let proxy: TcpProxy;
  let parley: TestParley;

  beforeAll(async () => {
    redis = await startTestRedis();
    proxy = await startTcpProxy(redis.port);
    parley = await startTestParley({
      env: { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_COMMAND_TIMEOUT: String(DEADLINE_MS), SEND_RATE_LIMIT: '50' },
    });
  });
  afterAll(async () => {
    await parley?.dispose();
    await proxy?.close();
    await redis?.dispose();
  });

  it('answers within a bounded time as without Redis, and recovers when the network heals', async () => {
    const alice = await registerUser(parley.url);
    const bob = await registerUser(parley.url);
    proxy.partition();
    const send = await timed(() =>
      request(parley.url, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message: 'cut off' } }),
    );
    expect(send.value.status).toBe(201);
    expect(send.ms).toBeLessThan(BOUND_MS);
    const byCookie = await timed(() => request(parley.url, 'GET', '/auth/me', { cookie: alice.cookie }));
    expect(byCookie.value.body.error.code).toBe('session_store_unavailable');
    expect(byCookie.ms).toBeLessThan(BOUND_MS);
    const handshake = await timed(() => connectSocket(parley.url, { token: bob.token }));
    expect(handshake.ms).toBeLessThan(BOUND_MS);
    handshake.value.close();
    proxy.heal();
    await waitFor(async () => (await request(parley.url, 'GET', '/auth/me', { cookie: alice.cookie })).status === 200);
    await waitFor(async () => (await request(parley.url, 'GET', '/health')).status === 200);
  });
});
