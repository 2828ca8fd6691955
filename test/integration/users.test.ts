import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request, uniqueUsername, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';

let parley: TestParley;
let url: string;
let caller: RegisteredUser;

beforeAll(async () => {
  parley = await startTestParley();
  url = parley.url;
  caller = await registerUser(url);
});
afterAll(() => parley.dispose());

describe('GET /users', () => {
  it('finds users by username prefix, case-insensitively, in username order', async () => {
    const prefix = uniqueUsername('Find');
    const names = [`${prefix}_b`, `${prefix}_A`, `${prefix}_c`];
    for (const name of names) await registerUser(url, name);
    await registerUser(url, `x${prefix}`); // contains the prefix, does not start with it

    const response = await request(url, 'GET', `/users?query=${prefix.toLowerCase()}`, { token: caller.token });
    expect(response.status).toBe(200);
    expect(response.body.users.map((user: { username: string }) => user.username)).toEqual([
      `${prefix}_A`,
      `${prefix}_b`,
      `${prefix}_c`,
    ]);
    for (const user of response.body.users) expect(Object.keys(user).sort()).toEqual(['createdAt', 'id', 'username']);
  });

  it('honours limit', async () => {
    const prefix = uniqueUsername('Lim');
    for (const suffix of ['1', '2', '3']) await registerUser(url, `${prefix}${suffix}`);
    const response = await request(url, 'GET', `/users?query=${prefix}&limit=2`, { token: caller.token });
    expect(response.body.users).toHaveLength(2);
  });

  it.each(['limit=0', 'limit=101', 'limit=abc', 'query=bad%20chars', `query=${'a'.repeat(33)}`])(
    'answers 400 for %s',
    async (query) => {
      const response = await request(url, 'GET', `/users?${query}`, { token: caller.token });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    },
  );

  it('answers 401 without credentials', async () => {
    expect((await request(url, 'GET', '/users?query=a')).status).toBe(401);
  });
});

describe('GET /users/:id', () => {
  it('answers the user and whether they are online, with the session cookie too', async () => {
    const other = await registerUser(url);
    const response = await request(url, 'GET', `/users/${other.user.id}`, { cookie: caller.cookie });
    expect(response.status).toBe(200);
    expect(response.body.user).toEqual({ ...other.user, online: false, lastSeenAt: null });
  });

  it('answers 404 user_not_found for an unknown id', async () => {
    const response = await request(url, 'GET', '/users/00000000-0000-0000-0000-000000000000', { token: caller.token });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('user_not_found');
  });

  it('answers 400 for an id that cannot be one', async () => {
    const response = await request(url, 'GET', `/users/${'x'.repeat(65)}`, { token: caller.token });
    expect(response.status).toBe(400);
  });

  it('answers 401 without credentials', async () => {
    expect((await request(url, 'GET', `/users/${caller.user.id}`)).status).toBe(401);
  });
});
