import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request, uniqueUsername } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';

let parley: TestParley;
let url: string;

beforeAll(async () => {
  parley = await startTestParley();
  url = parley.url;
});
afterAll(() => parley.dispose());

describe('POST /auth/register', () => {
  it('creates the user, returns a token and sets an HttpOnly SameSite=Lax session cookie', async () => {
    const username = uniqueUsername('New.User-');
    const response = await request(url, 'POST', '/auth/register', { body: { username, password: 'plum tree at noon' } });
    expect(response.status).toBe(201);
    expect(Object.keys(response.body.user).sort()).toEqual(['createdAt', 'id', 'username']);
    expect(response.body.user.username).toBe(username);
    expect(new Date(response.body.user.createdAt).toISOString()).toBe(response.body.user.createdAt);
    expect(typeof response.body.token).toBe('string');
    const setCookie = response.headers.getSetCookie().join('\n');
    expect(setCookie).toMatch(/connect\.sid=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/); // only in production
  });

  it('refuses a username taken in another letter case with 409', async () => {
    const username = uniqueUsername('Case');
    await registerUser(url, username);
    const response = await request(url, 'POST', '/auth/register', {
      body: { username: username.toUpperCase(), password: 'plum tree at noon' },
    });
    expect(response.status).toBe(409);
    expect(response.body).toEqual({ error: { code: 'username_taken', message: expect.any(String) } });
  });

  it.each([
    ['a too short username', { username: 'ab', password: 'password123' }],
    ['a too long username', { username: 'a'.repeat(33), password: 'password123' }],
    ['a username with a space', { username: 'has space', password: 'password123' }],
    ['a too short password', { username: 'validname', password: 'short' }],
    ['a too long password', { username: 'validname', password: 'p'.repeat(129) }],
    ['a query operator as username', { username: { $ne: null }, password: 'password123' }],
    ['a missing password', { username: 'validname' }],
  ])('answers 400 validation_failed for %s', async (_case, body) => {
    const response = await request(url, 'POST', '/auth/register', { body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });
});

describe('POST /auth/login', () => {
  it('returns a token and a fresh session cookie for the right password, whatever the username case', async () => {
    const registered = await registerUser(url);
    const response = await request(url, 'POST', '/auth/login', {
      body: { username: registered.user.username.toUpperCase(), password: registered.password },
    });
    expect(response.status).toBe(200);
    expect(response.body.user).toEqual(registered.user);
    expect(typeof response.body.token).toBe('string');
    expect(response.sessionCookie).toBeDefined();
    expect(response.sessionCookie).not.toBe(registered.cookie);
  });

  it('regenerates the session id: a cookie held before login is not the one after', async () => {
    const registered = await registerUser(url);
    const response = await request(url, 'POST', '/auth/login', {
      cookie: registered.cookie,
      body: { username: registered.user.username, password: registered.password },
    });
    expect(response.sessionCookie).toBeDefined();
    expect(response.sessionCookie).not.toBe(registered.cookie);
  });

  it('answers 401 alike for a wrong password and an unknown user', async () => {
    const registered = await registerUser(url);
    const wrongPassword = await request(url, 'POST', '/auth/login', {
      body: { username: registered.user.username, password: 'wrong-password' },
    });
    const unknownUser = await request(url, 'POST', '/auth/login', {
      body: { username: uniqueUsername('ghost'), password: 'wrong-password' },
    });
    expect(wrongPassword.status).toBe(401);
    expect(unknownUser.status).toBe(401);
    expect(unknownUser.body).toEqual(wrongPassword.body);
    expect(wrongPassword.sessionCookie).toBeUndefined();
  });

  it('answers 400 for a malformed body', async () => {
    const response = await request(url, 'POST', '/auth/login', { body: { username: ['x'], password: 1 } });
    expect(response.status).toBe(400);
  });
});

describe('GET /auth/me', () => {
  it('answers the user for a Bearer token and for the session cookie', async () => {
    const registered = await registerUser(url);
    const byToken = await request(url, 'GET', '/auth/me', { token: registered.token });
    const byCookie = await request(url, 'GET', '/auth/me', { cookie: registered.cookie });
    expect(byToken.status).toBe(200);
    expect(byToken.body).toEqual({ user: registered.user });
    expect(byCookie.status).toBe(200);
    expect(byCookie.body).toEqual({ user: registered.user });
  });

  it('answers 401 without credentials, with a bad token, or with a bad Authorization scheme', async () => {
    const registered = await registerUser(url);
    for (const options of [
      {},
      { token: 'not-a-jwt' },
      { token: `${registered.token}x` },
      { headers: { authorization: `Basic ${registered.token}` } },
      { cookie: 'connect.sid=s%3Aforged.signature' },
    ]) {
      const response = await request(url, 'GET', '/auth/me', options);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthorized');
    }
  });

  it('takes the Bearer token first: a bad token is refused even with a valid cookie', async () => {
    const registered = await registerUser(url);
    const response = await request(url, 'GET', '/auth/me', { token: 'bad', cookie: registered.cookie });
    expect(response.status).toBe(401);
  });
});

describe('POST /auth/logout', () => {
  it('with the token, ends that login: its token and the session it started, and nothing of another login', async () => {
    const registered = await registerUser(url);
    const otherLogin = await request(url, 'POST', '/auth/login', {
      body: { username: registered.user.username, password: registered.password },
    });
    const response = await request(url, 'POST', '/auth/logout', { token: registered.token });
    expect(response.status).toBe(204);
    expect((await request(url, 'GET', '/auth/me', { token: registered.token })).status).toBe(401);
    expect((await request(url, 'GET', '/auth/me', { cookie: registered.cookie })).status).toBe(401);
    expect((await request(url, 'GET', '/auth/me', { token: otherLogin.body.token })).status).toBe(200);
    expect((await request(url, 'GET', '/auth/me', { cookie: otherLogin.sessionCookie as string })).status).toBe(200);
  });

  it('with the cookie, ends that login: its session, clearing the cookie, and the token it came with', async () => {
    const registered = await registerUser(url);
    const otherLogin = await request(url, 'POST', '/auth/login', {
      body: { username: registered.user.username, password: registered.password },
    });
    const response = await request(url, 'POST', '/auth/logout', { cookie: registered.cookie });
    expect(response.status).toBe(204);
    expect(response.headers.getSetCookie().join('\n')).toMatch(/connect\.sid=;/);
    expect((await request(url, 'GET', '/auth/me', { cookie: registered.cookie })).status).toBe(401);
    expect((await request(url, 'GET', '/auth/me', { token: registered.token })).status).toBe(401);
    expect((await request(url, 'GET', '/auth/me', { token: otherLogin.body.token })).status).toBe(200);
  });

  it('ends both when called with both', async () => {
    const registered = await registerUser(url);
    const response = await request(url, 'POST', '/auth/logout', { token: registered.token, cookie: registered.cookie });
    expect(response.status).toBe(204);
    expect((await request(url, 'GET', '/auth/me', { token: registered.token })).status).toBe(401);
    expect((await request(url, 'GET', '/auth/me', { cookie: registered.cookie })).status).toBe(401);
  });

  it('answers 401 without credentials', async () => {
    expect((await request(url, 'POST', '/auth/logout')).status).toBe(401);
  });
});

describe('token revocation is kept in the store', () => {
  it('refuses a logged-out token after a restart on the same data', async () => {
    const first = await startTestParley();
    const registered = await registerUser(first.url);
    await request(first.url, 'POST', '/auth/logout', { token: registered.token });
    await first.stop();
    const second = await startTestParley({ dataDir: first.dataDir });
    try {
      expect((await request(second.url, 'GET', '/auth/me', { token: registered.token })).status).toBe(401);
    } finally {
      await second.dispose();
      await first.dispose();
    }
  });
});
