import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request, uniqueUsername, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';

/** Cross-site request forgery: an unsafe request the browser sent with its cookie, from another site. */
describe('cross-site requests with the session cookie', () => {
  let parley: TestParley;
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  const EVIL = 'https://evil.example';

  beforeAll(async () => {
    parley = await startTestParley({ env: { CORS_ORIGINS: 'https://app.example' } });
    alice = await registerUser(parley.url);
    bob = await registerUser(parley.url);
  });
  afterAll(() => parley.dispose());

  const history = async () =>
    (await request(parley.url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}`, { token: alice.token })).body.messages as unknown[];
  const sendWithCookie = (headers: Record<string, string>) =>
    request(parley.url, 'POST', `/chats/${alice.user.id}/send`, {
      cookie: alice.cookie,
      headers,
      body: { receiverId: bob.user.id, message: 'did I send this?' },
    });

  it('refuses a JSON send from a foreign Origin with 403, storing nothing', async () => {
    const before = (await history()).length;
    const response = await sendWithCookie({ origin: EVIL, 'sec-fetch-site': 'cross-site' });
    expect(response.status).toBe(403);
    expect(response.body.error).toEqual({ code: 'forbidden', message: expect.stringMatching(/Cross-site/) });
    expect(await history()).toHaveLength(before);
  });

  it('refuses a form-encoded logout that the browser marks cross-site, and the session lives on', async () => {
    const logout = await request(parley.url, 'POST', '/auth/logout', {
      cookie: alice.cookie,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
      rawBody: 'x=1',
    });
    expect(logout.status).toBe(403);
    expect((await request(parley.url, 'GET', '/auth/me', { cookie: alice.cookie })).status).toBe(200);
  });

  it('refuses a login from a foreign Origin (login CSRF)', async () => {
    const login = await request(parley.url, 'POST', '/auth/login', {
      headers: { origin: EVIL },
      body: { username: alice.user.username, password: alice.password },
    });
    expect(login.status).toBe(403);
    expect(login.sessionCookie).toBeUndefined();
  });

  it('accepts the same requests from Parley’s own origin, from CORS_ORIGINS, and from clients that are not browsers', async () => {
    expect((await sendWithCookie({ origin: parley.url, 'sec-fetch-site': 'same-origin' })).status).toBe(201);
    expect((await sendWithCookie({ origin: 'https://app.example', 'sec-fetch-site': 'same-site' })).status).toBe(201);
    expect((await sendWithCookie({})).status).toBe(201);
    const register = await request(parley.url, 'POST', '/auth/register', {
      headers: { origin: parley.url },
      body: { username: uniqueUsername(), password: 'a long enough password' },
    });
    expect(register.status).toBe(201);
  });

  it('lets token-authenticated requests through from any origin: a token is no ambient credential', async () => {
    const response = await request(parley.url, 'POST', `/chats/${alice.user.id}/send`, {
      token: alice.token,
      headers: { origin: EVIL, 'sec-fetch-site': 'cross-site' },
      body: { receiverId: bob.user.id, message: 'sent on purpose' },
    });
    expect(response.status).toBe(201);
  });
});
