import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { isCommonPassword } from '../../src/modules/auth/credentials/common-passwords.js';
import { loginBody, registerBody } from './auth.arbitraries.js';
import { credentialVariant, type Keyring, type SentCredentials } from './credentials.js';
import { check, checkAlive, checkRestAnswer } from './expectations.js';
import { isJsonContainer, isPlainObject, isValidPassword, isValidUsername, overTheWire } from './oracles.js';
import { rawRequest } from './raw-http.js';
import { fuzzOptions, fuzzTimeout, runsLabel } from './settings.js';
import { encodedBody, queryString } from './transport.js';
import { nastyText } from './values.js';
import { FuzzWorld, outcomeOf } from './world.js';

let world: FuzzWorld;
/**
 * Every account that exists, by lower-cased username: what register and login must agree with.
 * The password is unknown for one registered with a body that was not plain JSON.
 */
const accounts = new Map<string, { id: string; password: string | undefined }>();

beforeAll(async () => {
  // 0 and 1 for me and logout, 2 for logout-all (which ends every credential it has).
  world = await FuzzWorld.start(3);
  for (const { user, password } of world.users) accounts.set(user.username.toLowerCase(), { id: user.id, password });
});
afterAll(() => world?.dispose());

const keyringOf = (index: number): Keyring => {
  const { user, token, cookie } = world.user(index);
  return { userId: user.id, token, cookie, jwtSecret: world.parley.container.config.jwtSecret, origin: world.url };
};

/** A fresh login of the user: logouts end the credentials they are given. */
async function freshKeyring(index: number): Promise<Keyring> {
  const { user, password } = world.user(index);
  const login = await rawRequest(world.url, {
    method: 'POST',
    path: '/auth/login',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user.username, password }),
  });
  check(login.status === 200, 'a fresh login failed', login.json);
  const cookie = String(login.headers['set-cookie']?.[0]?.split(';')[0]);
  return { ...keyringOf(index), token: login.json.token, cookie };
}

const stillWorks = async (token: string) =>
  (await rawRequest(world.url, { method: 'GET', path: '/auth/me', headers: { authorization: `Bearer ${token}` } })).status === 200;

async function userSearchFinds(username: string): Promise<boolean> {
  const search = await rawRequest(world.url, { method: 'GET', path: `/users?limit=100&query=${encodeURIComponent(username)}`, headers: { authorization: `Bearer ${world.user(0).token}` } });
  check(search.status === 200, 'user search failed', search.json);
  return search.json.users.some((user: { username: string }) => user.username.toLowerCase() === username.toLowerCase());
}

describe('fuzz: auth', () => {
  it(`POST /auth/register ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'POST /auth/register';
    const input = registerBody([...world.users.map(({ user }) => user.username)]).chain((body) =>
      encodedBody(body).map((encoded) => ({ body, encoded })),
    );
    await fc.assert(
      fc.asyncProperty(input, async ({ body, encoded }) => {
        const sent = { method: 'POST', path: '/auth/register', how: encoded.how, body };
        const parsed = overTheWire(body);
        const username = isPlainObject(parsed) ? parsed['username'] : undefined;
        const password = isPlainObject(parsed) ? parsed['password'] : undefined;
        const existedBefore = isValidUsername(username) && accounts.has(username.toLowerCase());

        const response = await rawRequest(world.url, { ...sent, headers: encoded.headers, body: encoded.body });
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };

        if (encoded.exact) {
          const expected = expectedRegistration(parsed, existedBefore);
          check(outcome(response.status, response.json) === expected, `expected ${expected}`, evidence);
        }
        if (response.status === 201) {
          const { user, token } = response.json;
          accounts.set(String(user.username).toLowerCase(), { id: user.id, password: encoded.exact ? String(password) : undefined });
          const me = await rawRequest(world.url, { method: 'GET', path: '/auth/me', headers: { authorization: `Bearer ${token}` } });
          check(me.status === 200 && me.json.user.id === user.id, 'the new token does not work', { ...evidence, me: me.json });
          if (encoded.exact) {
            check(user.username === username, 'the username came back altered', evidence);
            const login = await rawRequest(world.url, {
              method: 'POST',
              path: '/auth/login',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ username: String(user.username).toUpperCase(), password }),
            });
            check(login.status === 200 && login.json.user.id === user.id, 'the new user cannot log in', { ...evidence, login: login.json });
          }
        } else if (isValidUsername(username) && !existedBefore) {
          check(!(await userSearchFinds(username)), 'a refused registration created the user', evidence);
        }
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`POST /auth/login ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'POST /auth/login';
    const [first] = world.users;
    const input = loginBody(
      world.users.map(({ user }) => user.username),
      first?.password ?? '',
    ).chain((body) => encodedBody(body).map((encoded) => ({ body, encoded })));
    await fc.assert(
      fc.asyncProperty(input, async ({ body, encoded }) => {
        const sent = { method: 'POST', path: '/auth/login', how: encoded.how, body };
        const response = await rawRequest(world.url, { ...sent, headers: encoded.headers, body: encoded.body });
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };
        const parsed = overTheWire(body);
        const username = isPlainObject(parsed) ? parsed['username'] : undefined;
        const account = isValidUsername(username) ? accounts.get(username.toLowerCase()) : undefined;
        const passwordUnknown = account !== undefined && account.password === undefined;
        if (encoded.exact && !passwordUnknown) {
          const expected = expectedLogin(parsed, account);
          check(outcome(response.status, response.json) === expected, `expected ${expected}`, evidence);
        }
        if (response.status === 200) check(response.json.user.id === account?.id, 'logged in as someone else', evidence);
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`GET /auth/me ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'GET /auth/me';
    const input = fc.record({ credentials: credentialVariant, query: queryString(['x'], nastyText), who: fc.nat(1) });
    await fc.assert(
      fc.asyncProperty(input, async ({ credentials, query, who }) => {
        const built = await credentials.build(keyringOf(who));
        const { headers, acceptedAs } = built;
        const sent = { method: 'GET', path: `/auth/me${query}`, how: credentials.how, headers };
        const response = await rawRequest(world.url, sent);
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        checkCredentialOutcome(built, 'GET', response.status, response.json, 200, sent);
        if (response.status === 200) check(response.json.user.id === acceptedAs, 'answered as someone else', { sent, body: response.json });
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`POST /auth/logout ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'POST /auth/logout';
    const input = fc.record({ credentials: credentialVariant, body: logoutBody });
    await fc.assert(
      fc.asyncProperty(input, async ({ credentials, body }) => {
        const keys = await freshKeyring(1);
        const built = await credentials.build(keys);
        const { headers } = built;
        const sent = { method: 'POST', path: '/auth/logout', how: credentials.how, ...withJsonBody(headers, body) };
        const response = await rawRequest(world.url, sent);
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        checkCredentialOutcome(built, 'POST', response.status, response.json, 204, sent);
        if (response.status === 204) {
          const after = await rawRequest(world.url, { method: 'GET', path: '/auth/me', headers });
          check(after.status === 401, 'the credentials still work after logout', { sent, after: after.json });
        } else {
          check(await stillWorks(keys.token), 'a refused logout ended the login', sent);
        }
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`POST /auth/logout-all ${runsLabel(0.5)}`, { timeout: fuzzTimeout(0.5) }, async () => {
    const route = 'POST /auth/logout-all';
    const input = fc.record({ credentials: credentialVariant, body: logoutBody });
    await fc.assert(
      fc.asyncProperty(input, async ({ credentials, body }) => {
        const keys = await freshKeyring(2);
        const built = await credentials.build(keys);
        const { headers } = built;
        const sent = { method: 'POST', path: '/auth/logout-all', how: credentials.how, ...withJsonBody(headers, body) };
        const response = await rawRequest(world.url, sent);
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        checkCredentialOutcome(built, 'POST', response.status, response.json, 204, sent);
        if (response.status === 204) {
          check(!(await stillWorks(keys.token)) && !(await stillWorks(world.user(2).token)), 'a credential survived logout-all', sent);
        } else {
          check(await stillWorks(keys.token), 'a refused logout-all ended the login', sent);
        }
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(0.5),
    );
    console.log(world.tally.report(route));
  });
});

/** Logout takes no body; some clients send one anyway. */
const logoutBody = fc.option(fc.oneof(fc.constant({}), nastyText.map((text) => ({ text }))), { nil: undefined });

function withJsonBody(headers: Record<string, string>, body: unknown): { headers: Record<string, string>; body?: string } {
  return body === undefined ? { headers } : { headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** What register answers a body of plain JSON, by the README. */
function expectedRegistration(parsed: unknown, existed: boolean): string {
  if (!isJsonContainer(parsed)) return 'invalid_json';
  const { username, password } = parsed as Record<string, unknown>;
  if (!isValidUsername(username) || !isValidPassword(password)) return 'validation_failed';
  if (isCommonPassword(password)) return 'weak_password';
  return existed ? 'username_taken' : 'created';
}

/** What login answers a body of plain JSON, by the README. */
function expectedLogin(parsed: unknown, account: { password: string | undefined } | undefined): string {
  if (!isJsonContainer(parsed)) return 'invalid_json';
  const { username, password } = parsed as Record<string, unknown>;
  if (!isValidUsername(username) || !isValidPassword(password)) return 'validation_failed';
  return account?.password === password ? 'ok' : 'invalid_credentials';
}

/** "created", "ok", or the error code: what an answer means, for comparing with the oracle. */
function outcome(status: number, body: any): string {
  if (status === 201) return 'created';
  if (status === 200 || status === 204) return 'ok';
  return String(body?.error?.code);
}

/** 401 for wrong credentials, success for right ones, and 403 first for an unsafe request carrying only a cookie from another site. */
function checkCredentialOutcome(
  { acceptedAs, crossSite }: SentCredentials,
  method: string,
  status: number,
  body: unknown,
  success: number,
  sent: unknown,
) {
  const evidence = { sent, status, body };
  const code = (body as { error?: { code?: string } } | undefined)?.error?.code;
  if (crossSite && method !== 'GET') return check(status === 403 && code === 'forbidden', 'a cross-site request was not refused', evidence);
  if (acceptedAs === null) check(status === 401 && code === 'unauthorized', 'wrong credentials were not refused', evidence);
  if (typeof acceptedAs === 'string') check(status === success, 'good credentials were refused', evidence);
  if (acceptedAs === undefined) check(status === success || status === 401, 'neither accepted nor refused', evidence);
}
