import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { logSink } from '../helpers/log-sink.js';
import { makeDataDir, startTestParley, type TestParley } from '../helpers/parley.js';
import { startTestRedis, type TestRedis } from '../helpers/redis-server.js';
import { connectSocket, sendMessage } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

/* The correlation id of a send travels with its delivery: the receiving instance's debug line carries it. */
let redis: TestRedis;
let a: TestParley;
let b: TestParley;
const logsOfB = logSink();
const dataDir = makeDataDir();

beforeAll(async () => {
  redis = await startTestRedis();
  const env = { REDIS_URL: redis.url, LOG_LEVEL: 'debug' };
  a = await startTestParley({ env, dataDir, logs: logSink().stream });
  b = await startTestParley({ env, dataDir, logs: logsOfB.stream });
});
afterAll(async () => {
  await a?.dispose();
  await b?.dispose();
  await redis?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('delivery correlation across instances', () => {
  it('logs the delivery of a socket send made on A, on B, under the send\'s requestId', async () => {
    const [alice, bob] = [await registerUser(a.url), await registerUser(a.url)];
    const bobSocket = await connectSocket(b.url, { token: bob.token });
    const aliceSocket = await connectSocket(a.url, { token: alice.token });
    try {
      const received = new Promise((resolve) => bobSocket.once('receive_message', resolve));
      const ack = await sendMessage(aliceSocket, { receiverId: bob.user.id, message: 'traced', requestId: 'trace-socket-4711' });
      expect(ack.ok).toBe(true);
      await received;
      const messageId = ack.ok ? ack.message.id : '';
      await waitFor(() => logsOfB.lines.some((line) => line['msg'] === 'delivering' && line['event'] === 'receive_message' && line['messageId'] === messageId));
      const line = logsOfB.lines.find((entry) => entry['msg'] === 'delivering' && entry['event'] === 'receive_message' && entry['messageId'] === messageId);
      expect(line).toMatchObject({ requestId: 'trace-socket-4711', level: 20 });
    } finally {
      aliceSocket.close();
      bobSocket.close();
    }
  });

  it('does the same for a REST send, under its X-Request-Id', async () => {
    const [alice, bob] = [await registerUser(a.url), await registerUser(a.url)];
    const bobSocket = await connectSocket(b.url, { token: bob.token });
    try {
      const sent = await request(a.url, 'POST', `/chats/${alice.user.id}/send`, {
        token: alice.token,
        headers: { 'x-request-id': 'trace-rest-0815' },
        body: { receiverId: bob.user.id, message: 'traced over REST' },
      });
      expect(sent.status).toBe(201);
      await waitFor(() => logsOfB.lines.some((line) => line['msg'] === 'delivering' && line['messageId'] === sent.body.message.id && line['event'] === 'receive_message'));
      expect(logsOfB.lines.find((line) => line['msg'] === 'delivering' && line['messageId'] === sent.body.message.id)).toMatchObject({ requestId: 'trace-rest-0815' });
    } finally {
      bobSocket.close();
    }
  });
});
