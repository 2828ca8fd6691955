import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { logSink, occurrences } from '../helpers/log-sink.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { connectSocket, refusal, sendMessage } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

// A file of its own: at info the request context is not carried (nothing below the edges logs
// per request), so the request's own lines must carry the ids by themselves.
describe('structured logs at LOG_LEVEL=info', () => {
  const sink = logSink();
  let parley: TestParley;
  beforeAll(async () => {
    parley = await startTestParley({ env: { LOG_LEVEL: 'info' }, logs: sink.stream });
  });
  afterAll(() => parley.dispose());

  it('still gives a request’s own lines its correlation id and user id, each once', async () => {
    const registered = await registerUser(parley.url);
    const missing = await request(parley.url, 'GET', '/users/no-such-user', {
      token: registered.token,
      headers: { 'x-request-id': 'info-404' },
    });
    expect(missing.status).toBe(404);
    await waitFor(() => sink.lines.some((line) => line['requestId'] === 'info-404'));
    const line = sink.lines.find((entry) => entry['requestId'] === 'info-404');
    expect(line).toMatchObject({ msg: 'request completed', userId: registered.user.id, res: { statusCode: 404 } });
    const text = sink.raw.find((entry) => entry.includes('"info-404"')) as string;
    expect(occurrences(text, 'requestId')).toBe(1);
    expect(occurrences(text, 'userId')).toBe(1);
  });

  it('writes no line for a successful send (services and stores log per request only at debug)', async () => {
    const alice = await registerUser(parley.url);
    const bob = await registerUser(parley.url);
    await request(parley.url, 'POST', `/chats/${alice.user.id}/send`, {
      token: alice.token,
      headers: { 'x-request-id': 'info-send' },
      body: { receiverId: bob.user.id, message: 'quiet' },
    });
    // A request logged at info afterwards: once its line is out, any line of the send would be too.
    await request(parley.url, 'GET', '/no-such-route', { headers: { 'x-request-id': 'info-after' } });
    await waitFor(() => sink.lines.some((line) => line['requestId'] === 'info-after'));
    expect(sink.lines.filter((line) => line['requestId'] === 'info-send')).toEqual([]);
  });

  it('logs register, login (succeeded and failed) and logout at info, with the request id and no secret', async () => {
    const registered = await registerUser(parley.url);
    const login = await request(parley.url, 'POST', '/auth/login', {
      headers: { 'x-request-id': 'login-ok' },
      body: { username: registered.user.username, password: registered.password },
    });
    await request(parley.url, 'POST', '/auth/login', {
      headers: { 'x-request-id': 'login-bad' },
      body: { username: registered.user.username, password: 'not the password' },
    });
    await request(parley.url, 'POST', '/auth/logout', { token: login.body.token, headers: { 'x-request-id': 'logout-1' } });
    await waitFor(() => sink.lines.some((line) => line['requestId'] === 'logout-1' && line['msg'] === 'logged out'));
    const events = sink.lines.filter((line) => line['component'] === 'http' && line['level'] === 30 && line['msg'] !== 'request completed');
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ msg: 'user registered', userId: registered.user.id, username: registered.user.username }),
        expect.objectContaining({ msg: 'login succeeded', requestId: 'login-ok', userId: registered.user.id }),
        expect.objectContaining({ msg: 'login failed', requestId: 'login-bad', username: registered.user.username }),
        expect.objectContaining({ msg: 'logged out', requestId: 'logout-1', userId: registered.user.id }),
      ]),
    );
    const text = sink.raw.join('\n');
    for (const secret of [registered.password, 'not the password', registered.token, login.body.token as string]) {
      expect(text).not.toContain(secret);
    }
  });

  it('logs URLs with the values of query parameters that could be secrets redacted', async () => {
    await request(parley.url, 'GET', '/sync?since=czE6MA&token=eyJ.top.secret', { headers: { 'x-request-id': 'query-token' } });
    await waitFor(() => sink.lines.some((line) => line['requestId'] === 'query-token'));
    const line = sink.lines.find((entry) => entry['requestId'] === 'query-token');
    expect(line).toMatchObject({ res: { statusCode: 401 }, req: { url: '/sync?since=czE6MA&token=[redacted]' } });
    expect(sink.raw.join('\n')).not.toContain('top.secret');
  });

  it('logs refused socket handshakes and refused socket events at info, with their ids', async () => {
    const registered = await registerUser(parley.url);
    await refusal(parley.url, { token: 'not-a-token' });
    const socket = await connectSocket(parley.url, { token: registered.token });
    try {
      await sendMessage(socket, { receiverId: 'nobody', message: '', requestId: 'bad-send-1' });
      await waitFor(() => sink.lines.some((line) => line['msg'] === 'socket event rejected' && line['requestId'] === 'bad-send-1'));
      expect(sink.lines.find((line) => line['msg'] === 'socket event rejected')).toMatchObject({
        level: 30,
        code: 'validation_failed',
        userId: registered.user.id,
        socketId: socket.id,
      });
      expect(sink.lines.find((line) => line['msg'] === 'socket refused')).toMatchObject({ level: 30, code: 'unauthorized', requestId: expect.any(String) });
    } finally {
      socket.close();
    }
  });
});
