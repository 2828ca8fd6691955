import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request, uniqueUsername } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';

describe('auth rate limit without Redis', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ env: { AUTH_RATE_LIMIT: '3' } });
  });
  afterAll(() => parley.dispose());

  it('answers 429 rate_limited with Retry-After once a client address exceeds AUTH_RATE_LIMIT per minute', async () => {
    const attempt = () =>
      request(parley.url, 'POST', '/auth/login', { body: { username: uniqueUsername(), password: 'password123' } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await attempt()).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const limited = await attempt();
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('does not limit other routes', async () => {
    const response = await request(parley.url, 'GET', '/health');
    expect(response.status).toBe(200);
  });
});

describe('auth rate limit turned off', () => {
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ env: { AUTH_RATE_LIMIT: '0' } });
  });
  afterAll(() => parley.dispose());

  it('never answers 429 with AUTH_RATE_LIMIT=0', async () => {
    for (let i = 0; i < 8; i++) {
      const response = await request(parley.url, 'POST', '/auth/login', {
        body: { username: 'nobody_here', password: 'password123' },
      });
      expect(response.status).toBe(401);
    }
  });
});
