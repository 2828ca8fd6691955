import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';

let parley: TestParley;
let url: string;

beforeAll(async () => {
  parley = await startTestParley();
  url = parley.url;
});
afterAll(() => parley.dispose());

describe('errors are JSON in one shape', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const response = await request(url, 'POST', '/auth/login', { rawBody: '{"username": "a",' });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: { code: 'invalid_json', message: expect.any(String) } });
  });

  it('answers a body over the limit with 413 payload_too_large', async () => {
    const response = await request(url, 'POST', '/auth/login', {
      body: { username: 'someone', password: 'x'.repeat(64 * 1024) },
    });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
  });

  it('answers an unknown route with 404 route_not_found', async () => {
    const response = await request(url, 'GET', '/no/such/route');
    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'route_not_found', message: 'No route for GET /no/such/route' } });
  });

  it('answers a non-JSON body as a validation error, not a crash', async () => {
    const response = await request(url, 'POST', '/auth/login', {
      rawBody: 'username=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation_failed');
  });

  it('keeps serving after a burst of bad requests', async () => {
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        request(url, 'POST', '/auth/register', { rawBody: i % 2 ? '{' : '[]' }),
      ),
    );
    expect((await request(url, 'GET', '/health')).status).toBe(200);
  });
});

describe('caching', () => {
  it('tells every cache to keep no answer (they hold private data), errors included', async () => {
    const registered = await registerUser(url);
    const me = await request(url, 'GET', '/auth/me', { token: registered.token });
    const missing = await request(url, 'GET', '/no/route');
    expect(me.headers.get('cache-control')).toBe('no-store');
    expect(missing.headers.get('cache-control')).toBe('no-store');
  });
});

describe('X-Request-Id', () => {
  it('is generated when the caller sends none', async () => {
    const response = await request(url, 'GET', '/health/live');
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes the caller's id", async () => {
    const response = await request(url, 'GET', '/no/route', { headers: { 'x-request-id': 'trace-abc.123' } });
    expect(response.headers.get('x-request-id')).toBe('trace-abc.123');
  });

  it('replaces an id that is not sane (too long or odd characters)', async () => {
    for (const given of ['bad id {"injected":true}', 'x'.repeat(129)]) {
      const response = await request(url, 'GET', '/health/live', { headers: { 'x-request-id': given } });
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('is on error responses and authenticated responses too', async () => {
    const registered = await registerUser(url);
    const me = await request(url, 'GET', '/auth/me', { token: registered.token });
    const denied = await request(url, 'GET', '/auth/me');
    expect(me.headers.get('x-request-id')).toBeTruthy();
    expect(denied.headers.get('x-request-id')).toBeTruthy();
  });
});

describe('health', () => {
  it('GET /health answers 200 with the store check and its latency', async () => {
    const response = await request(url, 'GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      status: 'ok',
      checks: { store: { status: 'ok', latencyMs: expect.any(Number) } },
    });
  });

  it('GET /health answers 503 naming the store when it is down, requests needing it 503 store_unavailable, /health/live 200', async () => {
    const own = await startTestParley();
    const registered = await registerUser(own.url);
    try {
      await own.container.store.close();
      const me = await request(own.url, 'GET', '/auth/me', { token: registered.token });
      expect(me.status).toBe(503);
      expect(me.body.error.code).toBe('store_unavailable');
      const health = await request(own.url, 'GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body.status).toBe('error');
      expect(health.body.checks.store).toEqual({ status: 'error', latencyMs: expect.any(Number), error: 'unavailable' });
      expect((await request(own.url, 'GET', '/health/live')).body).toEqual({ status: 'ok' });
    } finally {
      await own.dispose();
    }
  });
});
