import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/protocol/events.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { collect, connectSocket, sendMessage, type ClientSocket } from '../helpers/socket.js';

let parley: TestParley;
let url: string;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  parley = await startTestParley();
  url = parley.url;
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(() => parley.dispose());

const block = (user: RegisteredUser, id: string, method: 'POST' | 'DELETE' = 'POST') => request(url, method, `/users/${id}/block`, { token: user.token });
const send = (from: RegisteredUser, to: RegisteredUser, message = 'hi') =>
  request(url, 'POST', `/chats/${from.user.id}/send`, { token: from.token, body: { receiverId: to.user.id, message } });
const history = async (user: RegisteredUser, peer: RegisteredUser): Promise<ChatMessage[]> =>
  (await request(url, 'GET', `/chats/${user.user.id}/with/${peer.user.id}`, { token: user.token })).body.messages;

describe('blocking', () => {
  it('refuses sends both ways with 403 blocked while either blocks the other, storing and delivering nothing; history stays', async () => {
    const [alice, bob] = [await registerUser(url), await registerUser(url)];
    expect((await send(alice, bob, 'before')).status).toBe(201);
    const bobSocket = await connectSocket(url, { token: bob.token });
    sockets.push(bobSocket);
    const received = collect(bobSocket, 'receive_message');

    expect((await block(bob, alice.user.id)).status).toBe(204);
    const refused = await send(alice, bob, 'after');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('blocked');
    expect((await send(bob, alice, 'the blocker cannot send either')).body.error.code).toBe('blocked');
    const aliceSocket = await connectSocket(url, { token: alice.token });
    sockets.push(aliceSocket);
    expect(await sendMessage(aliceSocket, { receiverId: bob.user.id, message: 'over a socket' })).toMatchObject({ ok: false, error: { code: 'blocked' } });
    expect((await history(alice, bob)).map((m) => m.message)).toEqual(['before']);

    expect((await block(bob, alice.user.id, 'DELETE')).status).toBe(204);
    expect((await send(alice, bob, 'unblocked')).status).toBe(201);
    expect((await history(bob, alice)).map((m) => m.message)).toEqual(['before', 'unblocked']);
    // The first push bob's socket got is the one sent after the unblock.
    await expect.poll(() => received.map((m) => m.message)).toEqual(['unblocked']);
  });

  it('is idempotent, lists whom the caller blocks, and refuses oneself (400) and unknown users (404)', async () => {
    const [me, first, second] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    for (const user of [first, second, second]) expect((await block(me, user.user.id)).status).toBe(204);
    const listed = await request(url, 'GET', '/users/me/blocked', { token: me.token });
    expect(listed.status).toBe(200);
    expect(listed.body.users.map((user: { id: string }) => user.id).sort()).toEqual([first.user.id, second.user.id].sort());
    expect((await block(me, first.user.id, 'DELETE')).status).toBe(204);
    expect((await block(me, first.user.id, 'DELETE')).status).toBe(204);
    expect((await request(url, 'GET', '/users/me/blocked', { token: me.token })).body.users).toEqual([second.user]);

    const self = await block(me, me.user.id);
    expect(self.status).toBe(400);
    expect(self.body.error.code).toBe('validation_failed');
    expect((await block(me, 'no-such-user')).body.error.code).toBe('user_not_found');
    expect((await block(me, 'no-such-user', 'DELETE')).status).toBe(404);
    expect((await request(url, 'POST', `/users/${first.user.id}/block`)).status).toBe(401);
  });

  it('shows the blocker offline to the user they block, and only to them', async () => {
    const [alice, bob, carol] = [await registerUser(url), await registerUser(url), await registerUser(url)];
    sockets.push(await connectSocket(url, { token: alice.token }));
    await block(alice, bob.user.id);
    expect((await request(url, 'GET', `/users/${alice.user.id}`, { token: bob.token })).body.user.online).toBe(false);
    expect((await request(url, 'GET', `/users/${alice.user.id}`, { token: carol.token })).body.user.online).toBe(true);
    // The blocker still sees the other's presence.
    sockets.push(await connectSocket(url, { token: bob.token }));
    expect((await request(url, 'GET', `/users/${bob.user.id}`, { token: alice.token })).body.user.online).toBe(true);
  });
});
