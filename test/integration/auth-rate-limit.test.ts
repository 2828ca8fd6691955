import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request, uniqueUsername } from '../helpers/http.js';
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

describe('auth rate limit behind a proxy (TRUST_PROXY)', () => {
  const randomAddress = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
  const loginFrom = (url: string, forwardedFor: string) =>
    request(url, 'POST', '/auth/login', {
      body: { username: uniqueUsername(), password: 'password123' },
      headers: { 'x-forwarded-for': forwardedFor },
    });

  it('keys on the address the trusted proxy saw, however the client rotates the entries it adds itself', async () => {
    // This test's client plays the proxy (127.0.0.1): it appends the real client address last.
    const parley = await startTestParley({ env: { AUTH_RATE_LIMIT: '3', TRUST_PROXY: '127.0.0.1' } });
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await loginFrom(parley.url, `${randomAddress()}, 198.51.100.7`)).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429]);
      // Another client behind the same proxy has a budget of its own.
      expect((await loginFrom(parley.url, `${randomAddress()}, 198.51.100.8`)).status).toBe(401);
    } finally {
      await parley.dispose();
    }
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const parley = await startTestParley({ env: { AUTH_RATE_LIMIT: '3', TRUST_PROXY: '10.9.9.9' } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await loginFrom(parley.url, randomAddress())).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await parley.dispose();
    }
  });
});

describe('failed logins per account', () => {
  const attempt = (url: string, username: string, password: string, address: string) =>
    request(url, 'POST', '/auth/login', { body: { username, password }, headers: { 'x-forwarded-for': address } });

  it('makes one address wait after LOGIN_FAILURES_PER_HOUR failures at one account, while others (and other accounts) go on', async () => {
    const parley = await startTestParley({ env: { LOGIN_FAILURES_PER_HOUR: '3', TRUST_PROXY: 'loopback' } });
    try {
      const victim = await registerUser(parley.url);
      const bystander = await registerUser(parley.url);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await attempt(parley.url, victim.user.username, 'wrong guess!', '198.51.100.1')).status);
      expect(statuses).toEqual([401, 401, 401, 429]);
      // Even the right password waits now, from that address; the answer says for how long.
      const blocked = await attempt(parley.url, victim.user.username.toUpperCase(), victim.password, '198.51.100.1');
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.retryAfter).toBeGreaterThan(0);
      // The owner, from another address, and another account behind the same address, are not locked out.
      expect((await attempt(parley.url, victim.user.username, victim.password, '198.51.100.2')).status).toBe(200);
      expect((await attempt(parley.url, bystander.user.username, bystander.password, '198.51.100.1')).status).toBe(200);
    } finally {
      await parley.dispose();
    }
  });

  it('forgets an address’s failures at an account once it logs in there', async () => {
    const parley = await startTestParley({ env: { LOGIN_FAILURES_PER_HOUR: '3', TRUST_PROXY: 'loopback' } });
    try {
      const user = await registerUser(parley.url);
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < 2; i++) expect((await attempt(parley.url, user.user.username, 'wrong guess!', '198.51.100.3')).status).toBe(401);
        expect((await attempt(parley.url, user.user.username, user.password, '198.51.100.3')).status).toBe(200);
      }
    } finally {
      await parley.dispose();
    }
  });

  it('makes everyone wait after LOGIN_FAILURES_PER_DAY failures at one account from many addresses (a botnet)', async () => {
    const parley = await startTestParley({ env: { LOGIN_FAILURES_PER_DAY: '5', TRUST_PROXY: 'loopback' } });
    try {
      const victim = await registerUser(parley.url);
      const statuses = [];
      for (let i = 0; i < 6; i++) statuses.push((await attempt(parley.url, victim.user.username, 'wrong guess!', `203.0.113.${i + 1}`)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      expect((await attempt(parley.url, victim.user.username, victim.password, '203.0.113.99')).status).toBe(429);
    } finally {
      await parley.dispose();
    }
  });
});
