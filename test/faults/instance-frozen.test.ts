import { setTimeout as sleep } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage, SendMessageAck, SyncAck } from '../../src/protocol/events.js';
import { registerUser, uniqueUsername, type RegisteredUser } from '../helpers/http.js';
import type { ParleyProcess } from '../helpers/parley-process.js';
import type { ClientSocket } from '../helpers/socket.js';
import { startCluster, type Cluster } from './cluster.js';

/*
 * Issue 11, scenario 2: one of two instances frozen (SIGSTOP) for longer than the Socket.IO
 * ping timeout, with clients on it and traffic going on. Real processes: two Parley instances,
 * a test-owned redis-server, one SQLite file.
 *
 * Everything the test waits for has a deadline and fails with a message that names what did not
 * happen; no HTTP request goes out without a timeout (a frozen instance accepts connections into
 * its listen backlog and then answers nothing, so an unbounded fetch to it waits for ever); the
 * frozen process is resumed and killed after the test whatever happens, and when this process
 * exits.
 *
 * A frozen instance can hold SQLite's write lock (its writer thread stopped mid-commit): the file
 * is shared, so then no instance can store anything until it resumes, and sends on the survivor are
 * answered 503 store_unavailable after STORE_TIMEOUT. The clients retry (same clientMsgId) until
 * acknowledged, so the test never waits for a send while the instance is frozen: that wait would
 * last as long as the freeze, which itself waits for the test (a deadlock cut only by the test's
 * timeout).
 */
const PING_INTERVAL_S = 1;
const PING_TIMEOUT_S = 2;
const PRESENCE_TTL_S = 3;
/** How late a timer or a process may be on a busy 2-core machine running other test files. */
const SLACK_MS = 5000;
/** A client's silence budget: no ping for this long and it drops the connection. */
const HEARTBEAT_MS = (PING_INTERVAL_S + PING_TIMEOUT_S) * 1000;
const STORE_TIMEOUT_MS = 1000;
/** Longest any one send may take to be acknowledged, retries included; the freeze counts in it. */
const SEND_DEADLINE_MS = 30_000;
const ACK_TIMEOUT_MS = 2000;
const HTTP_TIMEOUT_MS = 3000;
const OBSERVER_SENDS = 5;
const CONNECT_TIMEOUT_MS = 3000;

const LABEL = '[instance-frozen]';

/** Polls `condition` until it holds; past `timeoutMs` fails with `what` (and the last detail, if any). */
async function eventually(what: string, condition: () => Promise<boolean> | boolean, timeoutMs: number, detail?: () => string): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition()) return Date.now();
    await sleep(50);
  }
  throw new Error(`${LABEL} ${what}: not within ${timeoutMs} ms${detail ? ` (${detail()})` : ''}`);
}

/** GET with a deadline: `undefined` when it does not answer in time. */
async function getJson(url: string, token?: string): Promise<{ status: number; body: any } | undefined> {
  try {
    const response = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      signal: AbortSignal.timeout(HTTP_TIMEOUT_MS),
    });
    return { status: response.status, body: await response.json().catch(() => undefined) };
  } catch {
    return undefined;
  }
}

async function isOnline(baseUrl: string, asker: RegisteredUser, userId: string): Promise<boolean | undefined> {
  const answer = await getJson(`${baseUrl}/users/${userId}`, asker.token);
  return answer?.status === 200 ? Boolean(answer.body.user.online) : undefined;
}

/** One socket a client opened: where to, when, what it received live, how it ended. */
interface SocketRecord {
  url: string;
  openedAt: number;
  connectedAt?: number;
  /** When a sync over this socket last completed (the client caught up through it). */
  syncedAt?: number;
  disconnectedAt?: number;
  reason?: string;
  /** receive_message ids and when each arrived, in arrival order. */
  live: { id: string; at: number }[];
}

interface AckRecord {
  message: ChatMessage;
  sent: { receiverId: string; message: string; clientMsgId: string };
  url: string;
  at: number;
}

interface ClientOptions {
  name: string;
  user: RegisteredUser;
  /** Instances in the order a load balancer would offer them: on a lost connection, the next. */
  urls: string[];
  /** Does not drop the connection when pings stop (see `tolerateSilence`). */
  lenient?: boolean;
}

/**
 * A careful app: reconnects (to the next instance when its own stops answering), syncs from its
 * last cursor after every (re)connection, retries a send with the same clientMsgId until it is
 * acknowledged. Every step is bounded: a connection attempt that neither connects nor fails in time
 * is abandoned (socket.io-client reports neither connect nor connect_error when the transport
 * closes before the namespace answered), and a send gives up at its deadline with an error.
 */
class FailoverClient {
  readonly sockets: SocketRecord[] = [];
  readonly acks: AckRecord[] = [];
  readonly synced: ChatMessage[] = [];
  /** Sends answered with an error or not answered in time, by what happened. */
  readonly failures: { what: string; url: string; at: number }[] = [];
  private socket: ClientSocket | undefined;
  private record: SocketRecord | undefined;
  private urlIndex = 0;
  private cursor: string | undefined;
  private closed = false;
  private connecting = false;
  private syncing: Promise<void> = Promise.resolve();

  constructor(readonly options: ClientOptions) {}

  get userId(): string {
    return this.options.user.user.id;
  }

  get connectedTo(): string | undefined {
    return this.socket?.connected ? this.record?.url : undefined;
  }

  /** Connects to the first instance that takes it; failed attempts move to the next. */
  async connect(): Promise<void> {
    if (this.connecting) return;
    this.connecting = true;
    try {
      while (!this.closed) {
        const url = this.options.urls[this.urlIndex % this.options.urls.length] as string;
        if (await this.attempt(url)) return;
        this.urlIndex += 1;
        await sleep(100);
      }
    } finally {
      this.connecting = false;
    }
  }

  /** Sends until acknowledged with the same clientMsgId every time; fails at the deadline. */
  async send(receiverId: string, message: string, clientMsgId: string, ackTimeoutMs = ACK_TIMEOUT_MS): Promise<ChatMessage> {
    const deadline = Date.now() + SEND_DEADLINE_MS;
    const sent = { receiverId, message, clientMsgId };
    while (Date.now() < deadline) {
      const socket = this.socket;
      const record = this.record;
      if (this.closed) throw new Error(`${LABEL} ${this.options.name} closed before ${clientMsgId} was acknowledged`);
      if (!socket?.connected || !record) {
        await sleep(50);
        continue;
      }
      try {
        const ack: SendMessageAck = await socket.timeout(Math.min(ackTimeoutMs, deadline - Date.now())).emitWithAck('send_message', sent);
        if (ack.ok) {
          this.acks.push({ message: ack.message, sent, url: record.url, at: Date.now() });
          return ack.message;
        }
        this.failures.push({ what: ack.error.code, url: record.url, at: Date.now() });
        await sleep(100);
      } catch {
        this.failures.push({ what: 'no ack', url: record.url, at: Date.now() }); // or the connection dropped: the retry is safe
      }
    }
    throw new Error(
      `${LABEL} ${this.options.name}: ${clientMsgId} not acknowledged within ${SEND_DEADLINE_MS} ms (${this.failures.length} failed attempts, the last: ${JSON.stringify(this.failures.at(-1))})`,
    );
  }

  /** Catches up from the last cursor over the current socket, until hasMore is false. */
  syncNow(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncLoop()).catch(() => {});
    return this.syncing;
  }

  /** The same catch-up over GET /sync, for a client that has closed its socket. */
  async syncOverRest(baseUrl: string): Promise<void> {
    for (;;) {
      const query = new URLSearchParams({ limit: '500', ...(this.cursor ? { since: this.cursor } : {}) });
      const answer = await getJson(`${baseUrl}/sync?${query}`, this.options.user.token);
      if (answer?.status !== 200) throw new Error(`${LABEL} ${this.options.name}: GET /sync answered ${answer?.status ?? 'nothing in time'}`);
      this.synced.push(...answer.body.messages);
      this.cursor = answer.body.cursor;
      if (!answer.body.hasMore) return;
    }
  }

  /** Resolves when the current connection next answers a ping (or after `timeoutMs`). */
  nextPing(timeoutMs: number): Promise<void> {
    const engine = this.socket?.io.engine;
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      engine?.once('ping', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  close(): void {
    this.closed = true;
    this.socket?.close();
  }

  private async syncLoop(): Promise<void> {
    for (;;) {
      const socket = this.socket;
      const record = this.record;
      if (!socket?.connected || !record) return;
      const ack: SyncAck = await socket.timeout(5000).emitWithAck('sync', { since: this.cursor, limit: 500 });
      if (!ack.ok || socket !== this.socket) return;
      this.synced.push(...ack.messages);
      this.cursor = ack.cursor;
      if (!ack.hasMore) {
        record.syncedAt = Date.now();
        return;
      }
    }
  }

  /** One connection attempt, settled within 2 * CONNECT_TIMEOUT_MS whatever the instance does. */
  private attempt(url: string): Promise<boolean> {
    const socket: ClientSocket = io(url, {
      transports: ['websocket'],
      auth: { token: this.options.user.token },
      reconnection: false,
      forceNew: true,
      timeout: CONNECT_TIMEOUT_MS, // the WebSocket handshake: a frozen instance accepts the TCP connection and never answers
    });
    if (this.options.lenient) tolerateSilence(socket);
    const record: SocketRecord = { url, openedAt: Date.now(), live: [] };
    socket.on('receive_message', (message) => record.live.push({ id: message.id, at: Date.now() }));
    return new Promise<boolean>((resolve) => {
      let settled = false;
      const settle = (connected: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (!connected) socket.close();
        resolve(connected);
      };
      const timer = setTimeout(() => settle(false), 2 * CONNECT_TIMEOUT_MS);
      socket.once('connect_error', () => settle(false));
      socket.once('connect', () => {
        if (settled || this.closed) return settle(false);
        record.connectedAt = Date.now();
        this.sockets.push(record);
        this.socket = socket;
        this.record = record;
        settle(true);
        void this.syncNow();
      });
      socket.on('disconnect', (reason) => {
        if (!settled) return settle(false); // closed before the namespace answered
        record.disconnectedAt = Date.now();
        record.reason = reason;
        if (this.closed || socket !== this.socket) return;
        this.urlIndex += 1; // its instance may be gone: the next one first, as a load balancer would
        void this.connect();
      });
    });
  }
}

/**
 * A client that keeps its connection however long the server stays silent (an app that does not
 * enforce Socket.IO's heartbeat): it stays on the frozen instance, so it sees what that instance
 * does, once resumed, with the packets it queued meanwhile. engine.io-client takes the ping
 * timeout from the handshake; this raises it before the client arms its first timer.
 */
function tolerateSilence(socket: ClientSocket): void {
  const engine = socket.io.engine as unknown as { _pingTimeout: number; once(event: 'open', listener: () => void): void };
  engine.once('open', () => {
    if (typeof engine._pingTimeout !== 'number') throw new Error('engine.io-client no longer has _pingTimeout: update tolerateSilence');
    engine._pingTimeout = 120_000;
  });
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let cluster: Cluster | undefined;
const clients: FailoverClient[] = [];

/** A stopped child must get SIGCONT before anything else; SIGKILL ends it either way. */
function resumeAndKill(instance: ParleyProcess): void {
  try {
    instance.child.kill('SIGCONT');
    instance.child.kill('SIGKILL');
  } catch {
    // already gone
  }
}
const killOnExit = () => cluster?.instances.forEach(resumeAndKill);
process.once('exit', killOnExit);

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  for (const instance of cluster?.instances ?? []) instance.child.kill('SIGCONT');
  await cluster?.dispose();
  cluster = undefined;
});

describe('an instance frozen (SIGSTOP) past the ping timeout, with clients on it', () => {
  it('its clients detect it, move to the other instance and end exactly-once; its presence expires; resumed, it delivers no duplicate and acknowledges only what it stored', async () => {
    const running = (cluster = await startCluster(2, {
      SOCKET_PING_INTERVAL: String(PING_INTERVAL_S),
      SOCKET_PING_TIMEOUT: String(PING_TIMEOUT_S),
      PRESENCE_TTL: String(PRESENCE_TTL_S),
      STORE_TIMEOUT: String(STORE_TIMEOUT_MS),
    }));
    const [frozen, survivor] = running.instances as [ParleyProcess, ParleyProcess];
    const F = frozen.url;
    const H = survivor.url;

    // Few users: registering hashes each password with argon2id on low-priority threads, slow on a busy machine.
    const roles = { mover: 3, stayer: 2, pinned: 1, gone: 1, observer: 1 };
    const entries = (Object.entries(roles) as [keyof typeof roles, number][]).flatMap(([role, count]) => Array.from({ length: count }, () => role));
    const users = await Promise.all(
      entries.map(async (role, index) => ({ role, user: await registerUser(index % 2 ? H : F, uniqueUsername(role)) })),
    );
    const urlsOf = { mover: [F, H], stayer: [H, F], pinned: [F], gone: [F], observer: [F] };
    for (const { role, user } of users) {
      clients.push(new FailoverClient({ name: `${role} ${user.user.username}`, user, urls: urlsOf[role], lenient: role === 'observer' }));
    }
    const byRole = (role: keyof typeof roles) => clients.filter((_, index) => users[index]?.role === role);
    const [observer] = byRole('observer') as [FailoverClient];
    const [gone] = byRole('gone') as [FailoverClient];
    const movers = byRole('mover');
    const pinned = byRole('pinned');
    const stayers = byRole('stayer');
    const asker = users.find((entry) => entry.role === 'stayer')?.user as RegisteredUser;

    await Promise.all(clients.map((client) => client.connect()));
    await eventually('every client connected and synced', () => clients.every((client) => client.sockets[0]?.syncedAt !== undefined), 10_000);
    for (const client of [...movers, ...pinned, gone, observer]) expect(client.connectedTo, `${client.options.name} starts on the instance to freeze`).toBe(F);

    // Traffic: every client but the observer and the gone one sends to random others, one message at a time.
    let stopping = false;
    const chatters = [...movers, ...stayers, ...pinned].map(async (client) => {
      for (let n = 0; !stopping; n++) {
        const peers = clients.filter((other) => other !== client);
        const peer = peers[Math.floor(Math.random() * peers.length)] as FailoverClient;
        await client.send(peer.userId, `${client.options.name} #${n}`, `${client.userId.slice(0, 8)}#${n}`);
        await sleep(40);
      }
    });
    chatters.forEach((chatter) => chatter.catch(() => {})); // awaited (and rethrown) below
    await eventually('traffic acknowledged before the freeze', () => clients.reduce((sum, client) => sum + client.acks.length, 0) >= 60, 15_000);
    for (const client of [...pinned, gone]) expect(await isOnline(H, asker, client.userId), `${client.options.name} online before the freeze`).toBe(true);

    // Freeze just after the observer answered a ping, so that the instance is not waiting for its pong
    // when it resumes (else its own ping timeout could close the observer's connection first).
    await observer.nextPing(HEARTBEAT_MS);
    await sleep(300);
    frozen.child.kill('SIGSTOP');
    const frozenAt = Date.now();
    gone.close(); // leaves for good while the instance is frozen: nothing of it may come back to life when it resumes

    // The frozen instance refreshes nothing: the entries of its users expire within PRESENCE_TTL (polled from now on, to
    // measure when). The bound leaves 2.5 s for answering, less than the 2 * PRESENCE_TTL the Redis keys themselves live.
    const frozenUsersOffline = eventually(
      "the frozen instance's users went offline",
      async () => (await Promise.all([...pinned, gone].map((client) => isOnline(H, asker, client.userId)))).every((online) => online === false),
      PRESENCE_TTL_S * 1000 + 2500,
    );
    frozenUsersOffline.catch(() => {}); // awaited below

    // The observer's sends sit, unread, in the frozen instance's socket buffer.
    const observerSends = Array.from({ length: OBSERVER_SENDS }, (_, n) => {
      const peer = stayers[n % stayers.length] as FailoverClient;
      return observer.send(peer.userId, `observer #${n}`, `${observer.userId.slice(0, 8)}#${n}`, SEND_DEADLINE_MS); // waits out the freeze
    });
    observerSends.forEach((send) => send.catch(() => {}));

    // Movers: ping timeout, then the other instance, then a sync from their cursor.
    const firstSocketOf = (client: FailoverClient) => client.sockets[0] as SocketRecord;
    await eventually(
      "the frozen instance's clients noticed the silence",
      () => [...movers, ...pinned].every((client) => firstSocketOf(client).disconnectedAt !== undefined),
      HEARTBEAT_MS + SLACK_MS,
      () => [...movers, ...pinned].filter((client) => !firstSocketOf(client).disconnectedAt).map((c) => c.options.name).join(', ') + ' still connected',
    );
    for (const client of [...movers, ...pinned]) expect(firstSocketOf(client).reason, `how ${client.options.name} lost the frozen instance`).toBe('ping timeout');
    const onSurvivorSynced = (client: FailoverClient) => client.sockets.find((record) => record.url === H && record.syncedAt !== undefined);
    await eventually('the movers reconnected to the other instance and synced', () => movers.every(onSurvivorSynced), SLACK_MS + 5000);
    const detectedMs = movers.map((client) => (firstSocketOf(client).disconnectedAt as number) - frozenAt);
    const movedMs = movers.map((client) => (onSurvivorSynced(client)?.syncedAt as number) - frozenAt);

    // Offline while the instance is still frozen; those connected to the survivor (the movers now among them) count as online.
    const pinnedOfflineAt = await frozenUsersOffline;
    const onSurvivor = [...movers, ...stayers].filter((client) => client.connectedTo === H);
    expect(onSurvivor.length, 'clients connected to the survivor').toBeGreaterThanOrEqual(movers.length);
    await eventually(
      'the users connected to the survivor online',
      async () => (await Promise.all(onSurvivor.map((client) => isOnline(H, asker, client.userId)))).every((online) => online === true),
      SLACK_MS,
    );

    const acksWhileFrozen = clients.flatMap((client) => client.acks).filter((ack) => ack.at > frozenAt);
    frozen.child.kill('SIGCONT');
    const resumedAt = Date.now();
    const frozenMs = resumedAt - frozenAt;

    // Resumed: it answers again, serves its pinned clients, and acknowledges the observer's queued sends.
    await eventually('the resumed instance answered /health/live', async () => (await getJson(`${F}/health/live`))?.status === 200, SLACK_MS + 5000);
    await Promise.all(observerSends); // each fails with what happened if not acknowledged in time
    const observerAckedMs = Math.max(...observer.acks.map((ack) => ack.at)) - resumedAt;
    const observerStayed = observer.sockets.length === 1;
    await eventually(
      'the pinned clients reconnected to the resumed instance and synced',
      () => pinned.every((client) => client.sockets.some((record) => record.openedAt > frozenAt && record.syncedAt !== undefined)),
      SLACK_MS + 10_000,
    );
    // The gone user's socket is dead: whatever the resumed instance's heartbeat re-asserts, it must end offline and stay so.
    const goneOfflineAt = await eventually(
      'the gone user offline after the resume',
      async () => (await isOnline(H, asker, gone.userId)) === false && (await isOnline(F, asker, gone.userId)) === false,
      PRESENCE_TTL_S * 1000 + SLACK_MS,
    );
    const liveFromResumed = () =>
      clients
        .flatMap((client) => client.sockets)
        .filter((record) => record.url === F)
        .reduce((sum, record) => sum + record.live.filter((delivery) => delivery.at > resumedAt).length, 0);
    await sleep(PRESENCE_TTL_S * 1000 + 500); // traffic goes on through both instances
    expect(await isOnline(H, asker, gone.userId), 'the gone user, a PRESENCE_TTL after the resume').toBe(false);
    expect(liveFromResumed(), 'live deliveries by the resumed instance').toBeGreaterThan(0);

    stopping = true;
    const outcomes = await Promise.allSettled(chatters);
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;

    // Everyone catches up from their cursor (the gone one over REST), then every view is checked against every ack.
    const connected = clients.filter((client) => client !== gone);
    await eventually('every client connected', () => connected.every((client) => client.connectedTo !== undefined), SLACK_MS + 5000);
    const finalSyncAt = Date.now();
    await Promise.all(connected.map((client) => client.syncNow()));
    const unsynced = connected.filter((client) => (client.sockets.at(-1)?.syncedAt ?? 0) < finalSyncAt);
    if (unsynced.length > 0) throw new Error(`${LABEL} final sync failed for ${unsynced.map((client) => client.options.name).join(', ')}`);
    await gone.syncOverRest(H);
    const acks = clients.flatMap((client) => client.acks);
    const report = verify(clients, acks);

    const ackedByResumed = acks.filter((ack) => ack.url === F && ack.at > resumedAt).length;
    // What the resumed instance found queued in its Redis subscription for the observer, delivered live.
    const queuedForObserver = acks
      .filter((ack) => ack.message.receiverId === observer.userId && ack.at > frozenAt && ack.at < resumedAt)
      .map((ack) => ack.message.id);
    const observerLive = new Set((observer.sockets[0] as SocketRecord).live.filter((delivery) => delivery.at > resumedAt).map((delivery) => delivery.id));
    const queuedDelivered = queuedForObserver.filter((id) => observerLive.has(id)).length;
    const liveDuplicates = clients
      .flatMap((client) => client.sockets)
      .reduce((sum, record) => sum + (record.live.length - new Set(record.live.map((delivery) => delivery.id)).size), 0);
    const ackedOnSurvivorWhileFrozen = acksWhileFrozen.filter((ack) => ack.url === H && ack.at < resumedAt).length;
    const refusedOnSurvivorWhileFrozen = clients
      .flatMap((client) => client.failures)
      .filter((failure) => failure.url === H && failure.what === 'store_unavailable' && failure.at > frozenAt && failure.at < resumedAt).length;
    console.log(
      `${LABEL} frozen ${seconds(frozenMs)}: movers detected it in ${seconds(Math.min(...detectedMs))}-${seconds(Math.max(...detectedMs))} (ping timeout),` +
        ` were on the other instance and synced by ${seconds(Math.max(...movedMs))}; the frozen instance's users offline after ${seconds(pinnedOfflineAt - frozenAt)}` +
        ` (PRESENCE_TTL ${PRESENCE_TTL_S} s); the survivor meanwhile acked ${ackedOnSurvivorWhileFrozen} sends and refused ${refusedOnSurvivorWhileFrozen} with store_unavailable;` +
        ` resumed: observer's ${OBSERVER_SENDS} queued sends acked ${seconds(observerAckedMs)} after SIGCONT${observerStayed ? ' on its original connection' : ' after it reconnected'},` +
        ` ${queuedDelivered} of the ${queuedForObserver.length} messages sent to the observer meanwhile delivered live from its Redis backlog,` +
        ` gone user offline ${seconds(goneOfflineAt - resumedAt)} after it, ${ackedByResumed} acks and ${liveFromResumed()} live deliveries from it;` +
        ` ${report.acked} acked, ${report.missing} missing, ${report.duplicates} duplicates, ${liveDuplicates} live duplicates, ${report.unstored} acks not stored`,
    );

    expect(ackedByResumed, 'sends acknowledged by the resumed instance').toBeGreaterThan(0);
    expect(report).toMatchObject({ missing: 0, duplicates: 0, unstored: 0, storedUnacked: 0, mismatched: 0 });
    expect(liveDuplicates, 'messages delivered live twice to one socket').toBe(0);
  }, 120_000);
});

interface Report {
  acked: number;
  /** Acked messages absent from a participant's view. */
  missing: number;
  /** The same id twice in a view, or one (sender, clientMsgId) stored twice. */
  duplicates: number;
  /** Acks (ok: true) whose message the sender's view does not hold. */
  unstored: number;
  /** Acks whose stored message differs from what was sent or acknowledged. */
  mismatched: number;
  /** Messages in a sender's view that no ack announced. */
  storedUnacked: number;
}

function verify(all: FailoverClient[], acks: AckRecord[]): Report {
  const report: Report = { acked: 0, missing: 0, duplicates: 0, unstored: 0, mismatched: 0, storedUnacked: 0 };
  const ackedById = new Map(acks.map((ack) => [ack.message.id, ack.message]));
  const ackedIds = new Set(ackedById.keys());
  report.acked = ackedIds.size;
  const viewOf = new Map(all.map((client) => [client.userId, new Map(client.synced.map((message) => [message.id, message]))]));
  for (const client of all) {
    const ids = client.synced.map((message) => message.id);
    report.duplicates += ids.length - new Set(ids).size;
    const sends = client.synced.filter((message) => message.senderId === client.userId);
    report.duplicates += sends.length - new Set(sends.map((message) => message.clientMsgId)).size;
    report.storedUnacked += sends.filter((message) => !ackedIds.has(message.id)).length;
    const view = viewOf.get(client.userId) as Map<string, ChatMessage>;
    for (const [id, message] of ackedById) {
      if ((message.senderId === client.userId || message.receiverId === client.userId) && !view.has(id)) report.missing += 1;
    }
  }
  for (const client of all) {
    for (const ack of client.acks) {
      const stored = viewOf.get(client.userId)?.get(ack.message.id);
      if (!stored) {
        report.unstored += 1;
        continue;
      }
      const expected = { ...ack.sent, senderId: client.userId, id: ack.message.id, createdAt: ack.message.createdAt };
      const same = (message: ChatMessage) =>
        (Object.keys(expected) as (keyof typeof expected)[]).every((key) => message[key] === expected[key]);
      if (!same(stored) || !same(ack.message)) report.mismatched += 1;
    }
  }
  return report;
}
