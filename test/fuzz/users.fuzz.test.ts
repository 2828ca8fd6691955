import querystring from 'node:querystring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { usernameArbitrary } from './auth.arbitraries.js';
import { limitValue, pathSegment, userId } from './chats.arbitraries.js';
import { check, checkAlive, checkEqual, checkRestAnswer } from './expectations.js';
import { expectedLimit, isValidId } from './oracles.js';
import { fuzzOptions, fuzzTimeout, runsLabel } from './settings.js';
import { queryString } from './transport.js';
import { FuzzWorld, getAs, outcomeOf } from './world.js';

let world: FuzzWorld;

beforeAll(async () => {
  world = await FuzzWorld.start(4);
});
afterAll(() => world?.dispose());

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function checkUser(user: any, keys: string[], evidence: unknown): void {
  checkEqual(Object.keys(user ?? {}).sort(), keys, 'a user with other keys', evidence);
  check(typeof user.id === 'string' && typeof user.username === 'string' && ISO_UTC.test(user.createdAt), 'a user of another shape', evidence);
}

describe('fuzz: users', () => {
  it(`GET /users?query&limit ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'GET /users';
    const names = world.users.map(({ user }) => user.username);
    const prefixes = fc.oneof(
      usernameArbitrary(names).chain((name) => fc.nat(40).map((cut) => name.slice(0, cut))),
      // A real name with one character swapped for "_" or ".": wildcards of LIKE and of regular expressions.
      fc.tuple(fc.constantFrom(...names), fc.nat(), fc.constantFrom('_', '.')).map(([name, at, wildcard]) => {
        const index = at % name.length;
        return name.slice(0, index) + wildcard + name.slice(index + 1, index + 4);
      }),
    );
    const input = queryString(['query', 'limit'], fc.oneof(prefixes, limitValue));
    await fc.assert(
      fc.asyncProperty(input, async (query) => {
        const sent = { method: 'GET', path: `/users${query}` };
        const response = await getAs(world.url, world.user(0), sent.path);
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };

        const params = querystring.parse(query.slice(1));
        const limit = expectedLimit(params['limit'], 20, 100);
        const prefix = params['query'] ?? '';
        const valid = limit !== 'invalid' && typeof prefix === 'string' && /^[A-Za-z0-9_.-]{0,32}$/.test(prefix);
        check(response.status === (valid ? 200 : 400), `expected ${valid ? 200 : '400 validation_failed'}`, evidence);

        if (response.status === 200 && valid) {
          const { users } = response.json;
          check(Array.isArray(users) && users.length <= limit, 'more users than the limit', evidence);
          for (const user of users) {
            checkUser(user, ['createdAt', 'id', 'username'], evidence);
            check(user.username.toLowerCase().startsWith(prefix.toLowerCase()), 'a user not matching the prefix', evidence);
          }
          const lower = users.map((user: { username: string }) => user.username.toLowerCase());
          checkEqual(lower, [...lower].sort(), 'results not ordered by lower-cased username', evidence);
          const expectedNames = names.filter((name) => name.toLowerCase().startsWith(prefix.toLowerCase()));
          if (expectedNames.length <= limit) {
            checkEqual([...lower].sort(), expectedNames.map((name) => name.toLowerCase()).sort(), 'search missed or added users', evidence);
          }
        }
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`GET /users/:id ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'GET /users/:id';
    const ids = world.users.map(({ user }) => user.id);
    const input = fc.tuple(pathSegment(userId(ids)), queryString(['x'], fc.string({ maxLength: 5 })));
    await fc.assert(
      fc.asyncProperty(input, async ([segment, query]) => {
        const sent = { method: 'GET', path: `/users/${segment}${query}` };
        const response = await getAs(world.url, world.user(0), sent.path);
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };

        // An empty segment is /users/, the search; a malformed escape is for the router to refuse.
        let id: string | null;
        try {
          id = decodeURIComponent(segment);
        } catch {
          id = null;
        }
        if (id !== null && segment !== '') {
          const expected = !isValidId(id) ? 400 : ids.includes(id) ? 200 : 404;
          check(response.status === expected, `expected ${expected}`, evidence);
        }
        if (response.status === 200 && segment !== '') {
          checkUser(response.json.user, ['createdAt', 'id', 'lastSeenAt', 'online', 'username'], evidence);
          check(response.json.user.id === id && typeof response.json.user.online === 'boolean', 'another user, or no online flag', evidence);
        }
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });
});
