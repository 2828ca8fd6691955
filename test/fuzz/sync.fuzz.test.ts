import querystring from 'node:querystring';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { ChatMessage } from '../../src/protocol/events.js';
import { cursorValue, limitValue } from './chats.arbitraries.js';
import { check, checkAlive, checkEqual, checkMessageShape, checkRestAnswer } from './expectations.js';
import { expectedLimit, isCursor } from './oracles.js';
import { rawRequest } from './raw-http.js';
import { fuzzOptions, fuzzTimeout, runsLabel } from './settings.js';
import { queryString } from './transport.js';
import { bearer, FuzzWorld, getAs, outcomeOf } from './world.js';

let world: FuzzWorld;
/** Sync (and a few history) cursors the server handed out. */
const issuedCursors: string[] = [];

beforeAll(async () => {
  world = await FuzzWorld.start(3);
  const [alice, bob, carol] = [world.user(0), world.user(1), world.user(2)];
  for (let i = 0; i < 40; i++) {
    const [from, to] = [
      [alice, bob],
      [bob, alice],
      [carol, alice],
      [bob, carol],
    ][i % 4] as [typeof alice, typeof bob];
    const sent = await rawRequest(world.url, {
      method: 'POST',
      path: `/chats/${from.user.id}/send`,
      headers: { ...bearer(from), 'content-type': 'application/json' },
      body: JSON.stringify({ receiverId: to.user.id, message: `seed ${i}` }),
    });
    check(sent.status === 201, 'seeding failed', sent.json);
  }
  const history = await getAs(world.url, alice, `/chats/${alice.user.id}/with/${bob.user.id}?limit=2`);
  issuedCursors.push(history.json.nextCursor);
  await world.takeNewMessages();
});
afterAll(() => world?.dispose());

describe('fuzz: sync', () => {
  it(`GET /sync ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'GET /sync';
    const input = fc.record({
      who: fc.nat(2),
      query: queryString(['since', 'limit'], fc.oneof(limitValue, cursorValue(() => issuedCursors))),
    });
    await fc.assert(
      fc.asyncProperty(input, async ({ who, query }) => {
        const reader = world.user(who);
        const sent = { method: 'GET', path: `/sync${query}` };
        const response = await getAs(world.url, reader, sent.path);
        world.tally.record(route, outcomeOf(response.status, response.json));
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json };

        const params = querystring.parse(query.slice(1));
        const limit = expectedLimit(params['limit'], 100, 500);
        const since = params['since'];
        const valid = limit !== 'invalid' && (since === undefined || isCursor(since, 's1'));
        check(response.status === (valid ? 200 : 400), `expected ${valid ? 200 : '400 validation_failed'}`, evidence);

        if (response.status === 200) {
          const { messages, cursor, hasMore } = response.json;
          checkEqual(Object.keys(response.json).sort(), ['cursor', 'hasMore', 'messages'], 'a page with other keys', evidence);
          check(Array.isArray(messages) && limit !== 'invalid' && messages.length <= limit, 'more messages than the limit', evidence);
          check(typeof hasMore === 'boolean', 'hasMore is not a boolean', evidence);
          check(isCursor(cursor, 's1'), 'a cursor of another format', evidence);
          for (const message of messages as ChatMessage[]) {
            checkMessageShape(message, evidence);
            check(message.senderId === reader.user.id || message.receiverId === reader.user.id, "another user's message", evidence);
          }
          issuedCursors.push(cursor);
          if (!hasMore) {
            // Caught up: nothing more from the new cursor, and the cursor stays.
            const again = await getAs(world.url, reader, `/sync?since=${cursor}`);
            checkEqual({ messages: again.json.messages, cursor: again.json.cursor }, { messages: [], cursor }, 'a caught-up cursor found more', evidence);
          }
        }
        await world.checkNothingStored(sent);
        await checkAlive(world.url, sent);
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });
});
