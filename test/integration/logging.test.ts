import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { logSink, occurrences, type LogLine } from '../helpers/log-sink.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { connectSocket, sendMessage, type ClientSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('structured logs (LOG_LEVEL=debug)', () => {
  const sink = logSink();
  const sockets: ClientSocket[] = [];
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ env: { LOG_LEVEL: 'debug' }, logs: sink.stream });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await parley.dispose();
  });

  const linesWith = (requestId: string) => sink.lines.filter((line) => line['requestId'] === requestId);

  it('writes one JSON line per request with its correlation id and, once known, the user id', async () => {
    const registered = await registerUser(parley.url);
    await request(parley.url, 'GET', '/auth/me', { token: registered.token, headers: { 'x-request-id': 'corr-42' } });
    await waitFor(() => sink.lines.some((line) => line['requestId'] === 'corr-42' && line['msg'] === 'request completed'));
    const line = sink.lines.find((entry) => entry['requestId'] === 'corr-42' && entry['msg'] === 'request completed');
    expect(line).toMatchObject({ requestId: 'corr-42', userId: registered.user.id, res: { statusCode: 200 } });
  });

  it('gives the service and store lines of a REST send the id of its request, each key once per line', async () => {
    const alice = await registerUser(parley.url);
    const bob = await registerUser(parley.url);
    const sent = await request(parley.url, 'POST', `/chats/${alice.user.id}/send`, {
      token: alice.token,
      headers: { 'x-request-id': 'rest-send-7' },
      body: { receiverId: bob.user.id, message: 'hello', clientMsgId: 'rest-7' },
    });
    expect(sent.headers.get('x-request-id')).toBe('rest-send-7');
    await waitFor(() => linesWith('rest-send-7').some((line) => line['msg'] === 'request completed'));
    const lines = linesWith('rest-send-7');
    expect(lines.find((line) => line['msg'] === 'message sent')).toMatchObject({
      component: 'chats',
      userId: alice.user.id,
      messageId: sent.body.message.id,
    });
    expect(lines.find((line) => line['msg'] === 'message queued for commit')).toMatchObject({
      component: 'store',
      userId: alice.user.id,
      clientMsgId: 'rest-7',
    });
    for (const text of sink.raw.filter((entry) => entry.includes('"rest-send-7"'))) {
      expect(occurrences(text, 'requestId')).toBe(1);
      expect(occurrences(text, 'userId')).toBeLessThanOrEqual(1);
    }
  });

  it('gives the service and store lines of a socket event the requestId its payload carries', async () => {
    const alice = await registerUser(parley.url);
    const bob = await registerUser(parley.url);
    const socket = await connectSocket(parley.url, { token: alice.token });
    sockets.push(socket);
    const ack = await sendMessage(socket, { receiverId: bob.user.id, message: 'hi', clientMsgId: 'sock-1', requestId: 'socket-send-1' });
    expect(ack.ok).toBe(true);
    await waitFor(() => linesWith('socket-send-1').length >= 2);
    const lines = linesWith('socket-send-1');
    const context = { userId: alice.user.id, socketId: socket.id };
    expect(lines.find((line) => line['msg'] === 'message sent')).toMatchObject({ component: 'chats', ...context });
    expect(lines.find((line) => line['msg'] === 'message queued for commit')).toMatchObject({ component: 'store', clientMsgId: 'sock-1', ...context });
  });

  it('makes up a correlation id for a socket event without a usable one, the same on its service and store lines', async () => {
    const alice = await registerUser(parley.url);
    const bob = await registerUser(parley.url);
    const socket = await connectSocket(parley.url, { token: alice.token });
    sockets.push(socket);
    const acks = [
      await sendMessage(socket, { receiverId: bob.user.id, message: 'no id', clientMsgId: 'none-1' }),
      await sendMessage(socket, { receiverId: bob.user.id, message: 'bad id', clientMsgId: 'bad-1', requestId: 'not an id!' }),
    ];
    for (const [index, ack] of acks.entries()) {
      if (!ack.ok) throw new Error('send failed');
      await waitFor(() => sink.lines.some((line) => line['messageId'] === ack.message.id));
      const serviceLine = sink.lines.find((line) => line['messageId'] === ack.message.id) as LogLine;
      expect(serviceLine['requestId']).toMatch(uuid);
      const storeLine = sink.lines.find((line) => line['msg'] === 'message queued for commit' && line['clientMsgId'] === ['none-1', 'bad-1'][index]);
      expect(storeLine?.['requestId']).toBe(serviceLine['requestId']);
    }
    expect(sink.lines.some((line) => line['requestId'] === 'not an id!')).toBe(false);
  });

  it('never writes credentials', async () => {
    const registered = await registerUser(parley.url);
    await request(parley.url, 'GET', '/auth/me', { token: registered.token, cookie: registered.cookie });
    const text = JSON.stringify(sink.lines);
    expect(text).not.toContain(registered.token);
    expect(text).not.toContain(registered.password);
    expect(text).not.toContain(registered.cookie.split('=')[1] as string);
  });
});
