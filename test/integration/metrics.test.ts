import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { connectSocket, sendMessage } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

/* Prometheus metrics at /metrics: what is measured, with bounded labels, and the token that guards it. */
const TOKEN = 'metrics-token-for-tests-0123456789';
let redis: TestRedis;
let parley: TestParley;

beforeAll(async () => {
  redis = await startTestRedis();
  parley = await startTestParley({ env: { METRICS_TOKEN: TOKEN, REDIS_URL: redis.url, SEND_RATE_LIMIT: '1' } });
});
afterAll(async () => {
  await parley?.dispose();
  await redis?.dispose();
});

async function scrape(): Promise<string> {
  const answer = await request(parley.url, 'GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(answer.status).toBe(200);
  expect(answer.headers.get('content-type')).toContain('text/plain');
  return answer.body as string;
}

/** The value of one sample, e.g. value(text, 'parley_messages_stored_total'). */
function value(text: string, sample: string): number {
  const line = text.split('\n').find((entry) => entry.startsWith(`${sample} `));
  return line === undefined ? 0 : Number(line.slice(sample.length + 1));
}

describe('/metrics', () => {
  it('answers only the bearer of METRICS_TOKEN', async () => {
    expect((await request(parley.url, 'GET', '/metrics')).status).toBe(401);
    const wrong = await request(parley.url, 'GET', '/metrics', { headers: { authorization: 'Bearer metrics-token-for-tests-0123456780' } });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    await scrape();
  });

  it('measures HTTP by route template, sends, refusals, deliveries, socket events, sockets, store calls, Redis and the process', async () => {
    const [alice, bob] = [await registerUser(parley.url), await registerUser(parley.url)];
    const before = await scrape();
    const bobSocket = await connectSocket(parley.url, { token: bob.token });
    const aliceSocket = await connectSocket(parley.url, { token: alice.token });
    try {
      expect((await sendMessage(aliceSocket, { receiverId: bob.user.id, message: 'counted' })).ok).toBe(true);
      const invalid = await sendMessage(aliceSocket, { receiverId: bob.user.id, message: '' });
      expect(invalid.ok).toBe(false);
      const refused = await sendMessage(aliceSocket, { receiverId: 'no-such-user', message: 'hi' });
      expect(refused.ok).toBe(false);
      // SEND_RATE_LIMIT 1: a second and third send within the second exceed its burst allowance.
      let limited = 0;
      for (let attempt = 0; attempt < 5 && limited !== 429; attempt++) {
        limited = (await request(parley.url, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message: 'too soon' } })).status;
      }
      expect(limited).toBe(429);
      await request(parley.url, 'GET', `/users/${bob.user.id}`, { token: alice.token });
      await request(parley.url, 'GET', '/no/such/path/12345');

      const after = await scrape();
      const stored = value(after, 'parley_messages_stored_total') - value(before, 'parley_messages_stored_total');
      expect(stored).toBeGreaterThanOrEqual(1); // the socket send, and REST sends within the burst allowance
      expect(value(after, 'parley_messages_delivered_total') - value(before, 'parley_messages_delivered_total')).toBe(stored);
      expect(value(after, 'parley_messages_refused_total{code="user_not_found"}')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'parley_messages_refused_total{code="rate_limited"}')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'parley_rate_limited_total{transport="http"}')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'parley_socket_events_total{event="send_message",outcome="ok"}')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'parley_socket_events_total{event="send_message",outcome="validation_failed"}')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'parley_sockets_connected')).toBe(2);
      expect(value(after, 'parley_send_ack_duration_seconds_count')).toBeGreaterThanOrEqual(3);
      expect(value(after, 'parley_store_operation_duration_seconds_count{operation="messages.insert"}')).toBeGreaterThanOrEqual(1);
      expect(value(after, 'parley_redis_up{connection="main"}')).toBe(1);
      expect(value(after, 'parley_redis_up{connection="pub"}')).toBe(1);
      expect(after).toContain('parley_nodejs_eventloop_lag_p99_seconds');
      expect(after).toContain('parley_process_cpu_seconds_total');
      // Route templates, never raw paths or ids; an unknown path is "unmatched".
      expect(after).toContain('route="/users/:id"');
      expect(after).toContain('route="/chats/:userId/send",status="429"');
      expect(after).toContain('route="unmatched",status="404"');
      expect(after).not.toContain(bob.user.id);
      expect(after).not.toContain('/no/such/path');
    } finally {
      aliceSocket.close();
      bobSocket.close();
    }
    await waitFor(async () => value(await scrape(), 'parley_sockets_connected') === 0);
  });

  it('counts a client\'s unknown event names as one "unknown"', async () => {
    const alice = await registerUser(parley.url);
    const socket = await connectSocket(parley.url, { token: alice.token });
    (socket.emit as (...args: unknown[]) => void)('made_up_event_4711', {});
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.close();
    const text = await scrape();
    expect(text).not.toContain('made_up_event_4711');
    expect(value(text, 'parley_socket_events_total{event="unknown",outcome="no_ack"}')).toBeGreaterThanOrEqual(1);
  });
});

describe('the Grafana dashboard (deploy/grafana/parley-dashboard.json)', () => {
  it('queries only metrics this build exposes, so it cannot drift from the code', async () => {
    const dashboard = JSON.parse(fs.readFileSync(new URL('../../deploy/grafana/parley-dashboard.json', import.meta.url), 'utf8')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exposed = new Set([...(await scrape()).matchAll(/^# TYPE (\S+) (\w+)$/gm)].map(([, name]) => name));
    const queried = dashboard.panels.flatMap((panel) => panel.targets.flatMap((target) => [...target.expr.matchAll(/\bparley_[a-z0-9_]+/g)].map(([name]) => name)));
    expect(queried.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    // A histogram's series are its name plus _bucket, _count or _sum.
    const missing = queried.filter((name) => !exposed.has(name) && !exposed.has(name.replace(/_(bucket|count|sum)$/, '')));
    expect(missing).toEqual([]);
  });
});

describe('/metrics with METRICS=off', () => {
  it('is not served', async () => {
    const off = await startTestParley({ env: { METRICS: 'off' } });
    try {
      expect((await request(off.url, 'GET', '/metrics')).status).toBe(404);
    } finally {
      await off.dispose();
    }
  });
});
