import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { check, checkAlive, checkRestAnswer } from './expectations.js';
import { rawRequest } from './raw-http.js';
import { fuzzOptions, fuzzTimeout, runsLabel } from './settings.js';
import { queryString } from './transport.js';
import { nastyText } from './values.js';
import { FuzzWorld, outcomeOf } from './world.js';

let world: FuzzWorld;

beforeAll(async () => {
  world = await FuzzWorld.start(0);
});
afterAll(() => world?.dispose());

const PATHS = ['/health', '/health/live', '/health/', '/health/live/', '/HEALTH', '/Health/Live', '/health//live', '/health/live/x', '/health%2Flive', '/health/%', '/health/..', '/health;x', '/health.json', '//health', '/health/live%00'];
const METHODS = ['GET', 'GET', 'GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** X-Request-Id values: fine ones (echoed) and others (replaced by a new id). */
const requestId = fc.option(
  fc.oneof(
    fc.stringMatching(REQUEST_ID),
    fc.constantFrom('', ' ', 'a'.repeat(129), 'has space', '../x', '$ne', '__proto__', 'id\u00e9'),
    nastyText.map((text) => text.replace(/[^\x20-\x7e]/g, '')),
  ),
  { nil: undefined },
);

describe('fuzz: health', () => {
  it(`GET /health and GET /health/live ${runsLabel()}`, { timeout: fuzzTimeout() }, async () => {
    const route = 'GET /health, GET /health/live';
    const input = fc.record({
      method: fc.constantFrom(...METHODS),
      path: fc.constantFrom(...PATHS),
      query: queryString(['verbose', 'check'], nastyText),
      requestId,
      body: fc.option(nastyText, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(input, async ({ method, path, query, requestId: id, body }) => {
        const headers: Record<string, string> = id === undefined ? {} : { 'x-request-id': id };
        const withBody = body !== undefined && method !== 'GET' && method !== 'HEAD';
        if (withBody) headers['content-type'] = 'application/json';
        const sent = { method, path: path + query, headers, body: withBody ? JSON.stringify({ body }) : undefined };
        const response = await rawRequest(world.url, sent);
        world.tally.record(route, `${method} ${outcomeOf(response.status, response.json)}`);
        checkRestAnswer(sent, response);
        const evidence = { sent, status: response.status, body: response.json ?? response.text };

        const echoed = response.headers['x-request-id'];
        if (id !== undefined && REQUEST_ID.test(id)) check(echoed === id, 'a good X-Request-Id was not echoed', evidence);
        else check(typeof echoed === 'string' && REQUEST_ID.test(echoed) && echoed !== id, 'no fresh X-Request-Id', evidence);

        if (method === 'GET' && (path === '/health' || path === '/health/')) {
          check(response.status === 200 && response.json.status === 'ok' && response.json.checks?.store?.status === 'ok', 'health is not ok', evidence);
        }
        if (method === 'GET' && path === '/health/live') {
          check(response.status === 200 && JSON.stringify(response.json) === '{"status":"ok"}', 'liveness is not ok', evidence);
        }
        await checkAlive(world.url, sent);
        const live = await rawRequest(world.url, { method: 'GET', path: '/health/live' });
        check(live.status === 200, 'liveness failed after this input', { sent, live: live.text });
      }),
      fuzzOptions(),
    );
    console.log(world.tally.report(route));
  });
});
