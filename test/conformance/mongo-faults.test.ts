import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/shared/logger.js';
import { StoreStartupError, type Store } from '../../src/store/index.js';
import { feedCounter } from '../../src/store/mongo/messages.js';
import { openMongoStore } from '../../src/store/mongo/index.js';
import { registerUser, request } from '../helpers/http.js';
import { logSink } from '../helpers/log-sink.js';
import { startTestParley, type TestParley } from '../helpers/parley.js';
import { silentLogger } from '../helpers/silent-logger.js';
import { connectSocket, sendMessage, type ClientSocket } from '../helpers/socket.js';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.js';

/*
 * MongoDB under faults, against a real server when MONGODB_URI is set (a replica set member:
 * Parley needs transactions); reported by name as skipped otherwise. The standalone refusal
 * also needs MONGODB_STANDALONE_URI (a mongod started without --replSet).
 */
const uri = process.env['MONGODB_URI'];
const standaloneUri = process.env['MONGODB_STANDALONE_URI'];
const STORE_TIMEOUT = 1000;

/** host:port of the first host in a URI, for the proxy to forward to (loopback only). */
function firstPort(mongoUri: string): number {
  const hosts = /^mongodb:\/\/(?:[^@/]*@)?([^/?]*)/.exec(mongoUri)?.[1] ?? '';
  return Number(hosts.split(',')[0]?.split(':')[1] ?? 27017);
}

/** The same URI through the proxy, talking to that one server only (not to the members it advertises). */
function throughProxy(mongoUri: string, proxy: TcpProxy, dbName: string): string {
  const url = new URL(mongoUri.replace(/^mongodb:\/\/(?:[^@/]*@)?[^/?]*/, (prefix) => prefix.replace(/[^@/]*$/, `127.0.0.1:${proxy.port}`)));
  url.pathname = `/${dbName}`;
  url.searchParams.set('directConnection', 'true');
  url.searchParams.delete('replicaSet');
  return url.toString();
}

describe.skipIf(!uri)(uri ? 'MongoDB under faults' : 'MongoDB under faults (skipped: set MONGODB_URI to run)', () => {
  let admin: mongoose.Connection;
  const databases: string[] = [];
  const stores: Store[] = [];
  const sockets: ClientSocket[] = [];
  let parley: TestParley | undefined;
  let proxy: TcpProxy | undefined;

  beforeAll(async () => {
    admin = await mongoose.createConnection(uri as string).asPromise();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await parley?.dispose();
    parley = undefined;
    await proxy?.close();
    proxy = undefined;
    await Promise.all(stores.splice(0).map((store) => store.close()));
    await Promise.all(databases.splice(0).map((name) => admin.useDb(name).dropDatabase()));
  });
  afterAll(() => admin.close());

  const freshDatabase = () => {
    const name = `parley-faults-${randomBytes(4).toString('hex')}`;
    databases.push(name);
    return name;
  };

  it('answers every REST and socket send within STORE_TIMEOUT + 1 s with 503 store_unavailable while MongoDB is stalled or cut, and works again after: a retry stores exactly one message', async () => {
    proxy = await startTcpProxy(firstPort(uri as string));
    parley = await startTestParley({ env: { MONGODB_URI: throughProxy(uri as string, proxy, freshDatabase()), STORE_TIMEOUT: String(STORE_TIMEOUT) } });
    const [alice, bob] = [await registerUser(parley.url), await registerUser(parley.url)];
    const socket = await connectSocket(parley.url, { token: alice.token });
    sockets.push(socket);
    const restSend = (clientMsgId: string) =>
      request(parley?.url as string, 'POST', `/chats/${alice.user.id}/send`, { token: alice.token, body: { receiverId: bob.user.id, message: clientMsgId, clientMsgId } });

    for (const fault of ['stall', 'cut'] as const) {
      if (fault === 'stall') proxy.partition();
      else proxy.cut(); // every pooled connection closed: the driver must notice and reconnect
      const started = performance.now();
      const [rest, ack] = await Promise.all([restSend(`${fault}-rest`), sendMessage(socket, { receiverId: bob.user.id, message: `${fault}-socket`, clientMsgId: `${fault}-socket` })]);
      const took = performance.now() - started;
      console.log(`[mongo-faults] ${fault}: REST ${rest.status}, socket ${JSON.stringify(ack).slice(0, 60)} in ${Math.round(took)} ms`);
      expect(took).toBeLessThan(STORE_TIMEOUT + 1000);
      // A cut connection may be replaced in time (the driver retries a retryable write once): then the send succeeds.
      if (fault === 'cut') expect([200, 201, 503]).toContain(rest.status);
      if (fault === 'stall') {
        expect(rest.status).toBe(503);
        expect(rest.body.error.code).toBe('store_unavailable');
        expect(ack).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
      }
      proxy.heal();
      // Retried with the same clientMsgIds until accepted, as a client would.
      const deadline = performance.now() + 15_000;
      let retried = await restSend(`${fault}-rest`);
      while (retried.status >= 500 && performance.now() < deadline) retried = await restSend(`${fault}-rest`);
      expect([200, 201]).toContain(retried.status);
      let socketRetry = await sendMessage(socket, { receiverId: bob.user.id, message: `${fault}-socket`, clientMsgId: `${fault}-socket` });
      while (!socketRetry.ok && performance.now() < deadline) socketRetry = await sendMessage(socket, { receiverId: bob.user.id, message: `${fault}-socket`, clientMsgId: `${fault}-socket` });
      expect(socketRetry.ok).toBe(true);
    }
    const synced = await request(parley.url, 'GET', '/sync?limit=100', { token: bob.token });
    const texts = (synced.body.messages as { message: string }[]).map((message) => message.message).sort();
    expect(texts).toEqual(['cut-rest', 'cut-socket', 'stall-rest', 'stall-socket']);
  }, 60_000);

  it('stores a send whose transaction fails part way not at all: no message, no feed entry, no counter moved', async () => {
    const dbName = freshDatabase();
    const store = await openMongoStore({ uri: uri as string, dbName, logger: silentLogger });
    stores.push(store);
    const db = admin.useDb(dbName);
    const send = (text: string) => store.messages.insert({ conversationId: 'dm:a:b', senderId: 'a', receiverId: 'b', message: text, createdAt: new Date() });
    await send('first');
    // The receiver's next feed position is taken already: the transaction's last write fails.
    const counters = db.collection<{ _id: string; value: number }>('counters');
    const next = ((await counters.findOne({ _id: feedCounter('b') }))?.value ?? 0) + 1;
    await db.collection('feeds').insertOne({ userId: 'b', pos: next, messageId: new mongoose.Types.ObjectId() });
    const countersBefore = await counters.find().sort({ _id: 1 }).toArray();

    await expect(send('second')).rejects.toBeDefined();
    expect(await db.collection('messages').countDocuments({ message: 'second' })).toBe(0);
    expect(await db.collection('feeds').countDocuments({ userId: 'a' })).toBe(1);
    expect(await counters.find().sort({ _id: 1 }).toArray()).toEqual(countersBefore);
  });

  it('lets concurrent sends between disjoint pairs of users commit without one write conflict', async () => {
    const sink = logSink();
    const logger = createLogger({ level: 'debug', pretty: false, destination: sink.stream });
    const store = await openMongoStore({ uri: uri as string, dbName: freshDatabase(), logger });
    stores.push(store);
    const pairs = Array.from({ length: 20 }, (_, i) => [`s${i}`, `r${i}`] as const);
    await Promise.all(
      pairs.flatMap(([sender, receiver]) =>
        Array.from({ length: 5 }, async (_, k) => {
          for (let n = 0; n < 4; n++) {
            await store.messages.insert({ conversationId: `dm:${sender}:${receiver}:${k}`, senderId: `${sender}-${k}`, receiverId: `${receiver}-${k}`, message: `${n}`, createdAt: new Date() });
          }
        }),
      ),
    );
    const retries = sink.lines.filter((line) => line['msg'] === 'message transaction retried');
    console.log(`[mongo-faults] 400 sends on 100 disjoint pairs: ${retries.length} transaction retries`);
    expect(retries).toEqual([]);
  });

  it.skipIf(!standaloneUri)(
    standaloneUri ? 'refuses to start on a standalone server' : 'refuses to start on a standalone server (skipped: set MONGODB_STANDALONE_URI to run)',
    async () => {
      const refusal = await openMongoStore({ uri: standaloneUri as string, logger: silentLogger }).then(
        (store) => {
          stores.push(store);
          return undefined;
        },
        (error: unknown) => error,
      );
      expect(refusal).toBeInstanceOf(StoreStartupError);
      expect((refusal as Error).message).toMatch(/standalone.*--replSet rs0/);
    },
  );
});
