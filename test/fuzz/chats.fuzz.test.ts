import querystring from 'node:querystring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ChatMessage } from '../../src/protocol/events.js';
import { cursorValue, limitValue, pathSegment, sendBody, userId } from './chats.arbitraries.js';
import { check, checkAlive, checkEqual, checkMessageShape, checkRestAnswer, checkSameText } from './expectations.js';
import { expectedLimit, firstFailing, isCursor, isJsonContainer, isPlainObject, isValidClientMsgId, isValidId, isValidMessageText, overTheWire } from './oracles.js';
import { rawRequest } from './raw-http.js';
import { fuzzOptions, fuzzTimeout, runsLabel } from './settings.js';
import { encodedBody, queryString } from './transport.js';
import { bearer, FuzzWorld, getAs, outcomeOf } from './world.js';

let world: FuzzWorld;
/** What each clientMsgId of the sender first stored: a retry must answer it. */
const storedByClientMsgId = new Map<string, ChatMessage>();
/** History cursors the server handed out, to page with. */
const historyCursors: string[] = [];

beforeAll(async () => {
  world = await FuzzWorld.start(3);
  // A conversation long enough for several pages of history.
  const [alice, bob] = [world.user(0), world.user(1)];
  for (let i = 0; i < 60; i++) {
    const [from, to] = i % 3 === 0 ? [bob, alice] : [alice, bob];
    const sent = await rawRequest(world.url, {
      method: 'POST',
      path: `/chats/${from.user.id}/send`,
      headers: { ...bearer(from), 'content-type': 'application/json' },
      body: JSON.stringify({ receiverId: to.user.id, message: `seed ${i}` }),
    });
    check(sent.status === 201, 'seeding failed', sent.json);
  }
  await world.takeNewMessages();
});
afterAll(() => world?.dispose());

describe('fuzz: chats', () => {
  it(`POST /chats/:userId/send ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'POST /chats/:userId/send';
    const ids = world.users.map(({ user }) => user.id);
    const sender = world.user(0);
    const input = fc
      .record({
        pathUser: fc.oneof({ weight: 9, arbitrary: fc.constant(sender.user.id) }, { weight: 1, arbitrary: pathSegment(userId(ids)) }),
        body: sendBody(ids),
      })
      .chain(({ pathUser, body }) => encodedBody(body).map((encoded) => ({ pathUser, body, encoded })));

    await fc.assert(
      fc.asyncProperty(input, async ({ pathUser, body, encoded }) => {
        const sent = { method: 'POST', path: `/chats/${pathUser}/send`, how: encoded.how, body };
        const response = await rawRequest(world.url, { ...sent, headers: { ...encoded.headers, ...bearer(sender) }, body: encoded.body });
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };
        const stored = await world.takeNewMessages();

        const parsed = overTheWire(body);
        const fields = isPlainObject(parsed) ? parsed : {};
        if (encoded.exact && pathUser === sender.user.id) {
          const validBody =
            isPlainObject(parsed) &&
            isValidId(fields['receiverId']) &&
            isValidMessageText(fields['message']) &&
            (!('clientMsgId' in fields) || isValidClientMsgId(fields['clientMsgId']));
          const expected = firstFailing(
            [
              [isJsonContainer(parsed), '400 invalid_json'],
              [validBody, '400 validation_failed'],
              [ids.includes(fields['receiverId'] as string), '404 user_not_found'],
              [!storedByClientMsgId.has(fields['clientMsgId'] as string), '200'],
            ],
            '201',
          );
          check(outcomeOf(response.status, response.json) === expected, `expected ${expected}`, evidence);
        }

        if (response.status === 201) {
          const message = response.json.message as ChatMessage;
          checkMessageShape(message, evidence);
          check(message.senderId === sender.user.id, 'stored as sent by someone else', evidence);
          if (encoded.exact) {
            checkSameText(message.message, fields['message'] as string, 'the send response', evidence);
            check(message.receiverId === fields['receiverId'], 'stored for another receiver', evidence);
            check(message.clientMsgId === fields['clientMsgId'], 'clientMsgId altered', evidence);
          }
          if (message.clientMsgId !== undefined) storedByClientMsgId.set(message.clientMsgId, message);
          for (const id of ids) {
            const involved = id === message.senderId || id === message.receiverId;
            checkEqual(stored.get(id), involved ? [message] : [], `sync of ${id} does not show exactly the new message`, evidence);
          }
          const history = await getAs(world.url, sender, `/chats/${sender.user.id}/with/${message.receiverId}?limit=1`);
          checkEqual(history.json?.messages, [message], 'history does not end with the new message', evidence);
        } else {
          checkEqual([...stored.values()].flat(), [], 'a refused or repeated send stored something', evidence);
          if (response.status === 200) {
            const original = storedByClientMsgId.get(response.json.message.clientMsgId);
            checkEqual(response.json.message, original, 'a retry did not answer the original message', evidence);
          }
        }
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });

  it(`GET /chats/:userId/with/:withUser ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'GET /chats/:userId/with/:withUser';
    const ids = world.users.map(({ user }) => user.id);
    const reader = world.user(0);
    const input = fc.record({
      pathUser: fc.oneof({ weight: 9, arbitrary: fc.constant(reader.user.id) }, { weight: 1, arbitrary: pathSegment(userId(ids)) }),
      withUser: pathSegment(userId(ids)),
      query: queryString(['limit', 'before'], fc.oneof(limitValue, cursorValue(() => historyCursors))),
    });

    await fc.assert(
      fc.asyncProperty(input, async ({ pathUser, withUser, query }) => {
        const sent = { method: 'GET', path: `/chats/${pathUser}/with/${withUser}${query}` };
        const response = await getAs(world.url, reader, sent.path);
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };

        const params = querystring.parse(query.slice(1));
        const limit = expectedLimit(params['limit'], 50, 200);
        const before = params['before'];
        const other = decodeURIComponentOrNull(withUser);
        if (pathUser === reader.user.id && other !== null) {
          const expected = firstFailing(
            [
              [other !== '', '404 route_not_found'],
              [isValidId(other), '400 validation_failed'],
              [limit !== 'invalid' && (before === undefined || (typeof before === 'string' && before.length <= 64 && before !== '')), '400 validation_failed'],
              [before === undefined || isCursor(before, 'h1'), '400 validation_failed'],
              [ids.includes(other), '404 user_not_found'],
            ],
            '200',
          );
          check(outcomeOf(response.status, response.json) === expected, `expected ${expected}`, evidence);
        }

        if (response.status === 200) {
          const { messages, nextCursor } = response.json;
          checkEqual(Object.keys(response.json).sort(), ['messages', 'nextCursor'], 'a page with other keys', evidence);
          check(Array.isArray(messages) && (limit === 'invalid' || messages.length <= limit), 'more messages than the limit', evidence);
          for (const message of messages) {
            checkMessageShape(message, evidence);
            const pair = [message.senderId, message.receiverId].sort();
            checkEqual(pair, [reader.user.id, other].sort(), 'a message of another conversation', evidence);
          }
          const times = messages.map((message: ChatMessage) => message.createdAt);
          checkEqual(times, [...times].sort(), 'a page not in ascending order', evidence);
          check(nextCursor === null || isCursor(nextCursor, 'h1'), 'a nextCursor of another format', evidence);
          if (nextCursor) historyCursors.push(nextCursor);
        }
        await world.checkNothingStored(sent);
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });
});

function decodeURIComponentOrNull(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
