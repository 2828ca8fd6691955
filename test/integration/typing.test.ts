import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TypingAck, TypingEvent } from '../../src/protocol/events.js';
import { directConversationId } from '../../src/modules/chats/conversation-id.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import type { TestParley } from '../helpers/parley.js';
import { startTwoInstances, type TwoInstances } from '../helpers/two-instances.js';
import { connectSocket, type ClientSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

/* Typing indicators between two instances sharing a redis-server: never stored, throttled, forwarded to the peer. */
let cluster: TwoInstances;
let a: TestParley;
let b: TestParley;
const sockets: ClientSocket[] = [];

beforeAll(async () => {
  cluster = await startTwoInstances();
  ({ a, b } = cluster);
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(() => cluster?.dispose());

async function open(url: string, user: RegisteredUser): Promise<{ socket: ClientSocket; seen: TypingEvent[] }> {
  const socket = await connectSocket(url, { token: user.token });
  sockets.push(socket);
  const seen: TypingEvent[] = [];
  socket.on('typing', (event) => seen.push(event));
  return { socket, seen };
}

const typing = (socket: ClientSocket, payload: unknown): Promise<TypingAck> =>
  new Promise((resolve) => (socket.emit as (...args: unknown[]) => void)('typing', payload, resolve));

describe('typing', () => {
  it('reaches every socket of the peer on every instance, throttled to one "typing" per second, every "stopped" forwarded', async () => {
    const [alice, bob] = [await registerUser(a.url), await registerUser(a.url)];
    const conversationId = directConversationId(alice.user.id, bob.user.id);
    const aliceOnA = await open(a.url, alice);
    const aliceOtherDevice = await open(a.url, alice);
    const bobOnA = await open(a.url, bob);
    const bobOnB = await open(b.url, bob);

    for (let i = 0; i < 20; i += 1) expect(await typing(aliceOnA.socket, { conversationId, isTyping: true })).toEqual({ ok: true });
    expect(await typing(aliceOnA.socket, { conversationId, isTyping: false })).toEqual({ ok: true });
    const expected = [
      { conversationId, userId: alice.user.id, isTyping: true },
      { conversationId, userId: alice.user.id, isTyping: false },
    ];
    await waitFor(() => bobOnA.seen.length >= 2 && bobOnB.seen.length >= 2);
    // A "typing" from bob after alice's flood: once it arrives, alice's flood has been fully delivered to bob.
    await typing(bobOnB.socket, { conversationId, isTyping: true });
    await waitFor(() => aliceOnA.seen.length >= 1);
    expect(bobOnA.seen).toEqual(expected);
    expect(bobOnB.seen).toEqual(expected);
    // The typer's own sockets get nothing of their own typing.
    expect(aliceOtherDevice.seen).toEqual([{ conversationId, userId: bob.user.id, isTyping: true }]);
  });

  it('refuses a conversation the caller is not in, and a malformed payload, keeping the socket connected', async () => {
    const [alice, bob, eve] = [await registerUser(a.url), await registerUser(a.url), await registerUser(a.url)];
    const { socket } = await open(a.url, eve);
    const foreign = await typing(socket, { conversationId: directConversationId(alice.user.id, bob.user.id), isTyping: true });
    expect(foreign).toMatchObject({ ok: false, error: { code: 'not_found' } });
    for (const payload of [{ conversationId: 'nope', isTyping: true }, { conversationId: directConversationId(eve.user.id, bob.user.id) }, null]) {
      expect(await typing(socket, payload)).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(socket.connected).toBe(true);
  });

  it('is dropped quietly between users who block each other, on any instance', async () => {
    const [alice, bob, carol] = [await registerUser(a.url), await registerUser(a.url), await registerUser(a.url)];
    expect((await request(a.url, 'POST', `/users/${bob.user.id}/block`, { token: alice.token })).status).toBe(204);
    const aliceOnA = await open(a.url, alice);
    const bobOnB = await open(b.url, bob);
    const carolOnB = await open(b.url, carol);
    expect(await typing(bobOnB.socket, { conversationId: directConversationId(alice.user.id, bob.user.id), isTyping: true })).toEqual({ ok: true });
    // carol's typing after bob's: once it arrives, bob's would have too.
    await typing(carolOnB.socket, { conversationId: directConversationId(alice.user.id, carol.user.id), isTyping: true });
    await waitFor(() => aliceOnA.seen.length >= 1);
    expect(aliceOnA.seen.map((event) => event.userId)).toEqual([carol.user.id]);
  });
});

