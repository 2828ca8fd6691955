import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { waitFor } from '../helpers/wait-for.js';

const lines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, callback) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    callback();
  },
});

let parley: TestParley;
beforeAll(async () => {
  parley = await startTestParley({ env: { LOG_LEVEL: 'debug' }, logs: sink });
});
afterAll(() => parley.dispose());

describe('structured logs', () => {
  it('writes one JSON line per request with its correlation id and, once known, the user id', async () => {
    const registered = await registerUser(parley.url);
    await request(parley.url, 'GET', '/auth/me', { token: registered.token, headers: { 'x-request-id': 'corr-42' } });
    await waitFor(() => lines.some((line) => line['requestId'] === 'corr-42'));
    const line = lines.find((entry) => entry['requestId'] === 'corr-42' && entry['msg'] === 'request completed');
    expect(line).toMatchObject({ requestId: 'corr-42', userId: registered.user.id, res: { statusCode: 200 } });
  });

  it('never writes credentials', async () => {
    const registered = await registerUser(parley.url);
    await request(parley.url, 'GET', '/auth/me', { token: registered.token, cookie: registered.cookie });
    const text = JSON.stringify(lines);
    expect(text).not.toContain(registered.token);
    expect(text).not.toContain(registered.password);
    expect(text).not.toContain(registered.cookie.split('=')[1] as string);
  });
});
