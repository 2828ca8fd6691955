import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createParleyClient, type ChatMessage, type ParleyClient, type ParleyClientOptions } from '../../src/client/index.js';
import { registerUser, request, type RegisteredUser } from '../helpers/http.js';
import { startTwoInstances, type TwoInstances } from '../helpers/two-instances.js';
import { waitFor } from '../helpers/wait-for.js';

/* parley/client across two instances sharing a redis-server and a SQLite file, behind a switchable "load balancer". */
let cluster: TwoInstances;
const clients: ParleyClient[] = [];
const closers: Array<() => Promise<void>> = [];

beforeAll(async () => {
  cluster = await startTwoInstances();
});
afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const close of closers.splice(0)) await close();
});
afterAll(() => cluster?.dispose());

/** A TCP balancer whose target can be switched; switching closes every connection, as a failover does. */
async function startBalancer(targetPort: number) {
  let target = targetPort;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target, '127.0.0.1');
    client.pipe(upstream).pipe(client);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(socket);
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const balancer = {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    switchTo(port: number) {
      target = port;
      for (const socket of sockets) socket.destroy();
    },
  };
  closers.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return balancer;
}

function open(user: RegisteredUser, options: ParleyClientOptions): ParleyClient {
  const client = createParleyClient({ token: user.token, reconnectDelay: 100, reconnectDelayMax: 300, settleDelay: 200, ...options });
  clients.push(client);
  return client;
}

const online = (client: ParleyClient) => waitFor(() => client.connection.get() === 'online', 15_000);

describe('parley/client on two instances', () => {
  it('a receiver moved to the other instance mid-burst gets every message once; the sender sees it delivered', async () => {
    const alice = await registerUser(cluster.a.url);
    const bob = await registerUser(cluster.a.url);
    const balancer = await startBalancer(cluster.b.port);
    const aliceClient = open(alice, { url: cluster.a.url });
    const bobClient = open(bob, { url: balancer.url });
    const bobSeen: ChatMessage[] = [];
    bobClient.on('message', (message, change) => change === 'new' && bobSeen.push(message));
    await Promise.all([online(aliceClient), online(bobClient)]);

    const texts = Array.from({ length: 100 }, (_, index) => `m${index}`);
    const sends = texts.map((text) => aliceClient.send(bob.user.id, text));
    await waitFor(() => bobSeen.length >= 5, 10_000, 1);
    balancer.switchTo(cluster.a.port); // b "fails over" to a: bob's socket drops and comes back on a
    const stored = await Promise.all(sends);
    await waitFor(() => bobSeen.length >= texts.length && bobClient.connection.get() === 'online', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const ids = bobSeen.map((message) => message.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.map(Number)).toEqual(ids.map(Number).sort((x, y) => x - y)); // in commit order (SQLite ids grow with it)
    expect([...ids].sort()).toEqual(stored.map((message) => message.id).sort());
    // Delivered marks made on either instance reach alice on a; the last one covers the burst.
    const newest = stored.reduce((latest, message) => (Number(message.id) > Number(latest.id) ? message : latest));
    await waitFor(() => aliceClient.conversations.get()[0]?.peerDeliveredUpTo === newest.id, 15_000);
  });

  it('typing and reads cross instances through Redis', async () => {
    const alice = await registerUser(cluster.a.url);
    const bob = await registerUser(cluster.a.url);
    const aliceClient = open(alice, { url: cluster.a.url });
    const bobClient = open(bob, { url: cluster.b.url });
    await Promise.all([online(aliceClient), online(bobClient)]);
    const sent = await bobClient.send(alice.user.id, 'from b');
    await waitFor(() => aliceClient.conversations.get()[0]?.unreadCount === 1);

    aliceClient.typing(sent.conversationId);
    await waitFor(() => bobClient.peerTyping.get().has(sent.conversationId));
    await aliceClient.markRead(sent.conversationId, sent.id);
    await waitFor(() => bobClient.conversations.get()[0]?.peerReadUpTo === sent.id);
    const inbox = await request(cluster.b.url, 'GET', '/conversations', { token: alice.token });
    expect(inbox.body.conversations[0]).toMatchObject({ unreadCount: 0, readUpTo: sent.id });
  });
});
