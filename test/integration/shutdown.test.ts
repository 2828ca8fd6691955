import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerUser, request } from '../helpers/http.js';
import { startTestParley } from '../helpers/parley.js';
import { connectSocket } from '../helpers/socket.js';
import { lockStore } from '../helpers/store-locker.js';
import { waitFor } from '../helpers/wait-for.js';

describe('graceful shutdown', () => {
  it('turns /health 503 as soon as the instance stops accepting', async () => {
    const parley = await startTestParley();
    try {
      parley.container.readiness.stopAccepting();
      const health = await request(parley.url, 'GET', '/health');
      expect(health.status).toBe(503);
      expect(health.body.checks.accepting).toEqual({ status: 'error', latencyMs: 0, error: 'shutting_down' });
      expect(health.body.checks.store.status).toBe('ok');
    } finally {
      await parley.dispose();
    }
  });

  it('lets sends in flight finish, then closes sockets so that clients reconnect by themselves', async () => {
    const parley = await startTestParley();
    const alice = await registerUser(parley.url);
    const bob = await registerUser(parley.url);
    const socket = await connectSocket(parley.url, { token: alice.token });
    // Another process holds the write lock for a moment, so the sends below are still in flight at stop().
    const lock = await lockStore(path.join(parley.dataDir, 'parley.db'), 1000);
    const disconnectReason = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    // An emit the server never read gets no ack: it counts as not sent (the client would retry).
    const sends = Array.from({ length: 20 }, (_, i) =>
      socket
        .timeout(3000)
        .emitWithAck('send_message', { receiverId: bob.user.id, message: `m${i}` })
        .catch(() => ({ ok: false as const })),
    );
    await waitFor(() => parley.container.inflight.size === 20, 5000, 1);
    const stopping = parley.stop();
    const acks = await Promise.all(sends);
    await stopping;
    expect(lock.released()).toBe(true); // stop() waited for the sends, which waited for the lock
    // "transport close" (not "io server disconnect"): socket.io-client reconnects on its own.
    expect(await disconnectReason).toBe('transport close');
    socket.close();
    const okIds = acks.flatMap((ack) => (ack.ok ? [ack.message.id] : []));
    expect(okIds).toHaveLength(20); // every send in flight finished and was acknowledged

    const restarted = await startTestParley({ dataDir: parley.dataDir });
    try {
      const history = await request(restarted.url, 'GET', `/chats/${bob.user.id}/with/${alice.user.id}?limit=200`, {
        token: bob.token,
      });
      const storedIds = new Set(history.body.messages.map((message: { id: string }) => message.id));
      for (const id of okIds) expect(storedIds.has(id)).toBe(true); // never ok for a message not stored
    } finally {
      await restarted.dispose();
      await parley.dispose();
    }
  });
});
