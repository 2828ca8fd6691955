import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { perTestInstances } from '../helpers/per-test.js';
import { waitFor } from '../helpers/wait-for.js';

const { parleyWith, open } = perTestInstances();

const status = async (url: string, credentials: { token?: string; cookie?: string }) =>
  (await request(url, 'GET', '/auth/me', credentials)).status;

describe('POST /auth/logout-all', () => {
  it('ends every token and session of the user, and every socket of the user, and nothing of anyone else', async () => {
    const parley = await parleyWith({});
    const alice = await registerUser(parley.url);
    const second = await request(parley.url, 'POST', '/auth/login', { body: { username: alice.user.username, password: alice.password } });
    const bob = await registerUser(parley.url);
    const sockets = [await open(parley.url, { token: alice.token }), await open(parley.url, { cookie: second.sessionCookie as string })];
    const bobsSocket = await open(parley.url, { token: bob.token });

    const response = await request(parley.url, 'POST', '/auth/logout-all', { token: alice.token });
    expect(response.status).toBe(204);
    for (const credentials of [{ token: alice.token }, { cookie: alice.cookie }, { token: second.body.token }, { cookie: second.sessionCookie as string }]) {
      expect(await status(parley.url, credentials)).toBe(401);
    }
    await waitFor(() => sockets.every((socket) => !socket.connected));
    expect(bobsSocket.connected).toBe(true);
    expect(await status(parley.url, { token: bob.token })).toBe(200);

    // Tokens carry their issue time in whole seconds: a new login in a later second works again.
    await sleep(1100);
    const again = await request(parley.url, 'POST', '/auth/login', { body: { username: alice.user.username, password: alice.password } });
    expect(await status(parley.url, { token: again.body.token })).toBe(200);
    expect(await status(parley.url, { cookie: again.sessionCookie as string })).toBe(200);
  });

  it('needs authentication', async () => {
    const parley = await parleyWith({});
    expect((await request(parley.url, 'POST', '/auth/logout-all')).status).toBe(401);
  });
});

describe('session lifetime', () => {
  it('ends a session left idle for SESSION_IDLE_TIMEOUT, while each request with the cookie pushes that further (rolling)', async () => {
    const parley = await parleyWith({ SESSION_IDLE_TIMEOUT: '3' });
    const user = await registerUser(parley.url);
    for (let i = 0; i < 5; i++) {
      await sleep(1000);
      expect(await status(parley.url, { cookie: user.cookie })).toBe(200); // 5 s in all, never 3 s idle
    }
    await sleep(4000);
    expect(await status(parley.url, { cookie: user.cookie })).toBe(401);
    expect(await status(parley.url, { token: user.token })).toBe(200); // the token has a lifetime of its own
  });

  it('ends a session JWT_TTL after the login however active it is', async () => {
    const parley = await parleyWith({ JWT_TTL: '3', SESSION_IDLE_TIMEOUT: '60' });
    const user = await registerUser(parley.url);
    expect(await status(parley.url, { cookie: user.cookie })).toBe(200);
    await sleep(1500);
    expect(await status(parley.url, { cookie: user.cookie })).toBe(200);
    await sleep(2000);
    expect(await status(parley.url, { cookie: user.cookie })).toBe(401);
  });
});

describe('a socket opened with the session cookie', () => {
  it('is disconnected once its session has ended by idling out, as REST refuses the cookie', async () => {
    const parley = await parleyWith({ SESSION_IDLE_TIMEOUT: '1', CREDENTIAL_CHECK_INTERVAL: '3' });
    const user = await registerUser(parley.url);
    const socket = await open(parley.url, { cookie: user.cookie });
    await waitFor(() => !socket.connected, 8000);
    expect(await status(parley.url, { cookie: user.cookie })).toBe(401);
  });

  it('is disconnected once its session reaches JWT_TTL', async () => {
    const parley = await parleyWith({ JWT_TTL: '4', CREDENTIAL_CHECK_INTERVAL: '1' });
    const user = await registerUser(parley.url);
    const socket = await open(parley.url, { cookie: user.cookie });
    await sleep(1000);
    expect(socket.connected).toBe(true);
    await waitFor(() => !socket.connected, 8000);
  });

  it('keeps its session alive while it is open: an open socket is activity', async () => {
    const parley = await parleyWith({ SESSION_IDLE_TIMEOUT: '4', CREDENTIAL_CHECK_INTERVAL: '1' });
    const user = await registerUser(parley.url);
    const socket = await open(parley.url, { cookie: user.cookie });
    await sleep(6500);
    expect(socket.connected).toBe(true);
    expect(await status(parley.url, { cookie: user.cookie })).toBe(200);
  });
});
