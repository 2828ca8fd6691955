import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request, uniqueUsername } from '../helpers/http.js';
import { makeDataDir, startTestParley, type TestParley } from '../helpers/parley.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { connectSocket, sendMessage } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

/*
 * Two instances sharing one redis-server (started by this test on a free port) and one
 * SQLite file: one service, whichever instance a request reaches.
 */
let redis: TestRedis;
let dataDir: string;
let a: TestParley;
let b: TestParley;

beforeAll(async () => {
  redis = await startTestRedis();
  dataDir = makeDataDir();
  const env = { REDIS_URL: redis.url };
  a = await startTestParley({ env, dataDir });
  b = await startTestParley({ env, dataDir });
});

afterAll(async () => {
  await a?.dispose();
  await b?.dispose();
  await redis?.dispose();
});

async function redisKeys(pattern: string): Promise<string[]> {
  const client = createClient({ url: redis.url });
  await client.connect();
  try {
    return await client.keys(pattern);
  } finally {
    await client.close();
  }
}

describe('with Redis', () => {
  it('keeps sessions in Redis', async () => {
    const registered = await registerUser(a.url);
    const sessionId = decodeURIComponent(registered.cookie.split('=')[1] as string).slice(2).split('.')[0];
    expect(await redisKeys(`sess:${sessionId}`)).toHaveLength(1);
  });

  it('reports Redis in /health', async () => {
    const response = await request(a.url, 'GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body.checks.redis).toEqual({ status: 'ok', latencyMs: expect.any(Number) });
  });

  it('accepts a token and a cookie issued by one instance on the other', async () => {
    const registered = await registerUser(a.url);
    expect((await request(b.url, 'GET', '/auth/me', { token: registered.token })).body.user).toEqual(registered.user);
    expect((await request(b.url, 'GET', '/auth/me', { cookie: registered.cookie })).body.user).toEqual(registered.user);
  });

  it('honours a logout on one instance on the other', async () => {
    const registered = await registerUser(a.url);
    await request(a.url, 'POST', '/auth/logout', { token: registered.token, cookie: registered.cookie });
    expect((await request(b.url, 'GET', '/auth/me', { token: registered.token })).status).toBe(401);
    expect((await request(b.url, 'GET', '/auth/me', { cookie: registered.cookie })).status).toBe(401);
  });
});

describe('when Redis goes away and comes back', () => {
  it('reports 503 naming Redis, keeps Bearer auth working, refuses logged-out tokens, and recovers', async () => {
    const registered = await registerUser(a.url);
    const loggedOut = await registerUser(a.url);
    await request(a.url, 'POST', '/auth/logout', { token: loggedOut.token });

    const peer = await registerUser(a.url);
    const socket = await connectSocket(a.url, { token: registered.token });
    await redis.stop();
    // Sends are stored and acknowledged without Redis (live delivery to other instances pauses).
    const ack = await sendMessage(socket, { receiverId: peer.user.id, message: 'while Redis is away' });
    expect(ack.ok).toBe(true);
    const restSend = await request(a.url, 'POST', `/chats/${registered.user.id}/send`, {
      token: registered.token,
      body: { receiverId: peer.user.id, message: 'over REST while Redis is away' },
    });
    expect(restSend.status).toBe(201);
    socket.close();
    const down = await request(a.url, 'GET', '/health');
    expect(down.status).toBe(503);
    // A code, not the driver's message: /health is often reachable from outside.
    expect(down.body.checks.redis).toEqual({ status: 'error', latencyMs: expect.any(Number), error: 'unavailable' });
    expect(JSON.stringify(down.body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|not connected/);
    expect(down.body.checks.store.status).toBe('ok');
    expect((await request(a.url, 'GET', '/auth/me', { token: registered.token })).status).toBe(200);
    const byCookie = await request(a.url, 'GET', '/auth/me', { cookie: registered.cookie });
    expect(byCookie.status).toBe(503);
    expect(byCookie.body.error.code).toBe('session_store_unavailable');
    const healthWithCookie = await request(a.url, 'GET', '/health', { cookie: registered.cookie });
    expect(healthWithCookie.body.checks.redis.status).toBe('error');
    const login = await request(a.url, 'POST', '/auth/login', {
      cookie: registered.cookie,
      body: { username: registered.user.username, password: registered.password },
    });
    expect(login.status).toBe(200);
    expect(typeof login.body.token).toBe('string');
    expect(login.sessionCookie).toBeUndefined(); // no cookie for a session that could not be stored

    await redis.start(); // empty: Redis in these tests keeps nothing on disk
    await waitFor(async () => (await request(a.url, 'GET', '/health')).status === 200);
    expect((await request(b.url, 'GET', '/auth/me', { token: loggedOut.token })).status).toBe(401);
    expect((await request(a.url, 'GET', '/auth/me', { token: registered.token })).status).toBe(200);
    const fresh = await registerUser(b.url);
    expect((await request(a.url, 'GET', '/auth/me', { cookie: fresh.cookie })).status).toBe(200);
  });
});

describe('auth rate limit in Redis', () => {
  it('is shared by the instances', async () => {
    const ownRedis = await startTestRedis();
    const env = { REDIS_URL: ownRedis.url, AUTH_RATE_LIMIT: '5' };
    const first = await startTestParley({ env });
    const second = await startTestParley({ env });
    try {
      const attempt = (url: string) =>
        request(url, 'POST', '/auth/login', { body: { username: uniqueUsername(), password: 'password123' } });
      const statuses = [];
      for (const url of [first.url, second.url, first.url, second.url, first.url, second.url]) {
        statuses.push((await attempt(url)).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    } finally {
      await first.dispose();
      await second.dispose();
      await ownRedis.dispose();
    }
  });
});

describe('starting while Redis is down', () => {
  it('starts anyway, reports Redis in /health, and recovers when Redis comes up', async () => {
    const lateRedis = await startTestRedis();
    await lateRedis.stop();
    const parley = await startTestParley({ env: { REDIS_URL: lateRedis.url } });
    try {
      const down = await request(parley.url, 'GET', '/health');
      expect(down.status).toBe(503);
      expect(down.body.checks.redis.status).toBe('error');
      // Registration answers with a token alone (no session without Redis), and the token works.
      const registered = await request(parley.url, 'POST', '/auth/register', {
        body: { username: uniqueUsername(), password: 'plum tree at noon' },
      });
      expect(registered.status).toBe(201);
      expect(registered.sessionCookie).toBeUndefined();
      expect((await request(parley.url, 'GET', '/auth/me', { token: registered.body.token })).status).toBe(200);
      await lateRedis.start();
      await waitFor(async () => (await request(parley.url, 'GET', '/health')).status === 200);
      const fresh = await registerUser(parley.url);
      expect((await request(parley.url, 'GET', '/auth/me', { cookie: fresh.cookie })).status).toBe(200);
    } finally {
      await parley.dispose();
      await lateRedis.dispose();
    }
  });
});

describe('presence after a Redis restart', () => {
  it('comes back by itself: the heartbeat re-asserts connected sockets', async () => {
    const ownRedis = await startTestRedis();
    const parley = await startTestParley({ env: { REDIS_URL: ownRedis.url, PRESENCE_TTL: '1' } });
    try {
      const viewer = await registerUser(parley.url);
      const user = await registerUser(parley.url);
      const online = async () =>
        (await request(parley.url, 'GET', `/users/${user.user.id}`, { token: viewer.token })).body.user.online;
      const socket = await connectSocket(parley.url, { token: user.token });
      await waitFor(async () => (await online()) === true);
      await ownRedis.restart(); // empty again: the presence entry is gone
      await waitFor(async () => (await online()) === true, 10_000);
      socket.close();
    } finally {
      await parley.dispose();
      await ownRedis.dispose();
    }
  });
});
