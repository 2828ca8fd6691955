import { describe, expect, it } from 'vitest';
import { bufferedBytes } from '../../src/realtime/slow-consumers.js';
import { registerUser } from '../helpers/http.js';
import { perTestInstances } from '../helpers/per-test.js';
import { collect, sendMessage, type ClientSocket } from '../helpers/socket.js';
import { waitFor } from '../helpers/wait-for.js';

const { parleyWith, open } = perTestInstances();

/** Stops reading from the connection, as a frozen tab or a stalled network would. */
function stopReading(socket: ClientSocket): () => void {
  const tcp = (socket.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } }).ws._socket;
  tcp.pause();
  return () => tcp.resume();
}

describe('a client that stops reading while messages pour in', () => {
  it('is closed once more than MAX_SOCKET_BUFFER waits for it, and everyone else is served meanwhile', async () => {
    const parley = await parleyWith({ MAX_SOCKET_BUFFER: '256kb' });
    const [sender, stalled, bystander] = [await registerUser(parley.url), await registerUser(parley.url), await registerUser(parley.url)];
    const senderSocket = await open(parley.url, { token: sender.token });
    const stalledSocket = await open(parley.url, { token: stalled.token });
    const bystanderSocket = await open(parley.url, { token: bystander.token });
    const serverSide = parley.server.io.of('/').sockets.get(stalledSocket.id as string);
    if (!serverSide) throw new Error('no server-side socket');
    const reason = new Promise<string>((resolve) => stalledSocket.once('disconnect', resolve));
    const resume = stopReading(stalledSocket);
    try {
    const bystanderGot = collect(bystanderSocket, 'receive_message');

    const text = 'x'.repeat(3900);
    let most = 0;
    let sent = 0;
    // Pour until the server gives up on the stalled client (the kernel's socket buffers take some MB first).
    while (serverSide.connected && sent < 20_000) {
      await Promise.all(Array.from({ length: 100 }, () => sendMessage(senderSocket, { receiverId: stalled.user.id, message: text })));
      sent += 100;
      most = Math.max(most, bufferedBytes(serverSide));
    }
    console.log(`[slow-client] poured ${sent} messages of 3.9 kB; most buffered ${most} bytes`);
    expect(serverSide.connected).toBe(false);
    // Checked every second, and at every packet against 8 times the limit (closing takes effect
    // after the event-loop turn, so one batch of packets more may be held).
    expect(most).toBeLessThanOrEqual(8 * 256 * 1024 + 100 * 4 * 1024);

    const ack = await sendMessage(senderSocket, { receiverId: bystander.user.id, message: 'still served' });
    expect(ack.ok).toBe(true);
    await waitFor(() => bystanderGot.length === 1);
    } finally {
      resume();
    }
    expect(await reason).toBe('transport close'); // socket.io-client reconnects by itself after this one
  }, 60_000);
});
