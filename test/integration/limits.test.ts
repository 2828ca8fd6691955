import { describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { perTestInstances } from '../helpers/per-test.js';
import { refusal } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

const { parleyWith, open } = perTestInstances();

describe('MAX_SOCKETS_PER_USER', () => {
  it('refuses a handshake past the limit with connect_error too_many_connections, per user', async () => {
    const parley = await parleyWith({ MAX_SOCKETS_PER_USER: '2' });
    const alice = await registerUser(parley.url);
    const bob = await registerUser(parley.url);
    const first = await open(parley.url, { token: alice.token });
    await open(parley.url, { token: alice.token });
    const refused = await refusal(parley.url, { cookie: alice.cookie });
    expect(refused.data).toEqual({ code: 'too_many_connections', message: refused.message });
    expect(refused.message).toMatch(/At most 2 sockets/);
    await open(parley.url, { token: bob.token }); // another user is not counted
    first.close();
    await waitFor(async () => (await parley.container.presence.countSockets(alice.user.id)) === 1);
    await open(parley.url, { token: alice.token });
  });
});

describe('READ_RATE_LIMIT', () => {
  it('counts history, sync, search and lookups per user, over REST and sockets together, and says when to retry', async () => {
    const parley = await parleyWith({ READ_RATE_LIMIT: '2' });
    const alice = await registerUser(parley.url);
    const bob = await registerUser(parley.url);
    const reads = [
      () => request(parley.url, 'GET', `/chats/${alice.user.id}/with/${bob.user.id}`, { token: alice.token }),
      () => request(parley.url, 'GET', '/sync', { token: alice.token }),
      () => request(parley.url, 'GET', '/users?query=a', { token: alice.token }),
      () => request(parley.url, 'GET', `/users/${bob.user.id}`, { token: alice.token }),
    ];
    // 2 a second plus a burst of 2 per 10 s: the first four reads pass, and reads in quick succession
    // soon wait (however slow the machine: each second adds only 2).
    for (const read of reads) expect((await read()).status).toBe(200);
    let limited = await reads[1]!();
    for (let i = 0; i < 20 && limited.status === 200; i++) limited = await reads[i % 4]!();
    expect(limited.status).toBe(429);
    expect(limited.body.error).toEqual({ code: 'rate_limited', message: expect.any(String), retryAfter: expect.any(Number) });
    const socket = await open(parley.url, { token: alice.token });
    let ack = await socket.emitWithAck('sync', {});
    for (let i = 0; i < 20 && ack.ok; i++) ack = await socket.emitWithAck('sync', {});
    expect(ack).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect((await request(parley.url, 'GET', '/sync', { token: bob.token })).status).toBe(200); // bob has his own
  });
});
