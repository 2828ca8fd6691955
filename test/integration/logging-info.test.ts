import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { logSink, occurrences } from '../helpers/log-sink.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
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
});
