import { describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { perTestInstances } from '../helpers/per-test.js';
import { sendMessage } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

const { parleyWith, open } = perTestInstances();

/**
 * Starves the event loop this test shares with its Parley instance (300 ms busy of every
 * ~310), the way more load than the process can carry does; returns the stop switch.
 */
function overloadEventLoop(): () => void {
  const timer = setInterval(() => {
    const end = performance.now() + 300;
    while (performance.now() < end) {
      // spin
    }
  }, 10);
  return () => clearInterval(timer);
}

describe('overload', () => {
  it('sheds sends with 503 overloaded and retryAfter while the event loop lags, stores none of them, and accepts again once it keeps up', async () => {
    const parley = await parleyWith({ OVERLOAD_DELAY_MS: '50' });
    const [alice, bob] = [await registerUser(parley.url), await registerUser(parley.url)];
    const socket = await open(parley.url, { token: alice.token });
    const messageErrors: { clientMsgId?: string; error: { code: string } }[] = [];
    socket.on('message_error', (event) => messageErrors.push(event));

    const stop = overloadEventLoop();
    try {
      // The lag is measured over a few samples before anything is shed.
      await waitFor(async () => (await sendMessage(socket, { receiverId: bob.user.id, message: 'probe' })).ok === false, 15_000, 0);
      const ack = await sendMessage(socket, { receiverId: bob.user.id, message: 'shed', clientMsgId: 'shed-1' });
      expect(ack).toEqual({ ok: false, error: { code: 'overloaded', message: expect.any(String), retryAfter: 1 } });
      // The ack alone answers a shed send (one packet per refusal); without an ack, message_error does.
      const untyped = socket as unknown as { emit(event: string, payload: unknown): void }; // the ack is optional on the wire
      untyped.emit('send_message', { receiverId: bob.user.id, message: 'shed, no ack', clientMsgId: 'shed-3' });
      await waitFor(() => messageErrors.some((event) => event.clientMsgId === 'shed-3'), 10_000);
      expect(messageErrors.filter((event) => event.clientMsgId === 'shed-1')).toEqual([]);
      expect(messageErrors.find((event) => event.clientMsgId === 'shed-3')?.error.code).toBe('overloaded');
      const rest = await request(parley.url, 'POST', `/chats/${alice.user.id}/send`, {
        token: alice.token,
        body: { receiverId: bob.user.id, message: 'shed too', clientMsgId: 'shed-2' },
      });
      expect(rest.status).toBe(503);
      expect(rest.headers.get('retry-after')).toBe('1');
      expect(rest.body).toEqual({ error: { code: 'overloaded', message: expect.any(String), retryAfter: 1 } });
      // Reads are not shed: a client can still catch up.
      expect((await request(parley.url, 'GET', '/sync', { token: bob.token })).status).toBe(200);
    } finally {
      stop();
    }

    const shedIds = new Set(['shed-1', 'shed-2', 'shed-3']);
    const afterLoad = performance.now();
    await waitFor(async () => (await sendMessage(socket, { receiverId: bob.user.id, message: 'back', clientMsgId: 'back-1' })).ok, 5000, 20);
    console.log(`[overload] sends accepted again ${Math.round(performance.now() - afterLoad)} ms after the load stopped`);
    const synced = await request(parley.url, 'GET', '/sync', { token: bob.token });
    const stored = (synced.body.messages as { clientMsgId?: string; message: string }[]).filter((m) => m.message !== 'probe');
    expect(stored.map((m) => m.clientMsgId)).toEqual(['back-1']);
    expect(stored.some((m) => shedIds.has(m.clientMsgId ?? ''))).toBe(false);
  }, 30_000);
});
